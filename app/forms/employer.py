"""Forms of the employer portal: bulk checks, and the organisation's watch list."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.services.catalog import requirements
from app.services.verification.bulk_checks import MAX_CODE_LENGTH, MAX_CODES

MAX_UPLOAD_BYTES = 200_000  # 500 codes with names fit many times over


def requirement_choices() -> list[SelectChoice]:
    presets = [SelectChoice(preset.name, preset.label) for preset in requirements.PRESETS.values()]
    return [SelectChoice("", _l("No requirement (status only)")), *presets]


class BulkCheckForm(FlaskForm):
    """A CSV file or a pasted list of codes (optionally `code,name` lines)."""

    codes_file = FileField(_l("CSV file"))
    codes_text = TextAreaField(_l("…or paste codes, one a line (optionally: code, name)"),
                               validators=[Optional(), Length(max=MAX_UPLOAD_BYTES)])
    requirement = SelectField(_l("Check against"), choices=requirement_choices(), default="")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.codes_file.data and not (self.codes_text.data or "").strip():
            self.codes_text.errors = [_("Upload a CSV file or paste up to %(count)d codes.", count=MAX_CODES)]
            return False
        return True

    def codes_source(self) -> str:
        """The uploaded file's text (UTF-8, a BOM allowed), or else the pasted text."""
        upload = self.codes_file.data
        if upload:
            raw = upload.read(MAX_UPLOAD_BYTES + 1)
            if len(raw) > MAX_UPLOAD_BYTES:
                raise ValueError("The file is too large for 500 codes.")
            return raw.decode("utf-8-sig")
        return self.codes_text.data or ""


class WatchForm(FlaskForm):
    """Save a verified certificate to the organisation's watch list."""

    code = StringField(_l("Certificate code"), validators=[
        DataRequired(_l("Give the code from the employee's card.")), Length(max=MAX_CODE_LENGTH),
    ])
    employee_name = StringField(_l("Employee's name (as you know them)"), validators=[
        DataRequired(_l("Give the employee's name.")), Length(max=200),
    ])


class RemoveForm(FlaskForm):
    """Take an entry off the watch list (a button; the form carries the CSRF token)."""


class SaveManyForm(FlaskForm):
    """The rows ticked on a bulk check's results: `save` holds their indexes into the
    parallel `row_code` / `row_name` lists."""

    def picked(self) -> list[tuple[str, str]]:
        """The (code, employee name) pairs ticked, in table order."""
        codes, names = request.form.getlist("row_code"), request.form.getlist("row_name")
        ticked = {int(index) for index in request.form.getlist("save") if index.isdigit()}
        usable = min(len(codes), len(names), MAX_CODES)
        return [(codes[index], names[index]) for index in sorted(ticked) if index < usable]
