"""Forms of blended courses: the online part of an enrollment, and loading keycodes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.services.blended.online_parts import MAX_CERTIFICATE_ID


class OnlinePartForm(FlaskForm):
    """Completion date and certificate id of the online part, with the PDF if at hand."""

    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    certificate_id = StringField(_l("Completion certificate id"),
                                 validators=[DataRequired(), Length(max=MAX_CERTIFICATE_ID)])
    pdf = FileField(_l("Completion certificate (PDF, up to 2 MB, optional)"))
    submit = SubmitField(_l("Save online part"))

    def upload(self) -> tuple[bytes | None, str | None]:
        """The uploaded PDF's bytes and file name, (None, None) when none was sent."""
        sent = self.pdf.data
        if not sent or not getattr(sent, "filename", ""):
            return None, None
        return sent.read(), sent.filename


class KeycodesForm(FlaskForm):
    """Keycodes pasted one a line, or a CSV file whose first column holds them."""

    pasted = TextAreaField(_l("Keycodes, one a line"), validators=[Optional()])
    csv_file = FileField(_l("Or a CSV file (first column)"))
    submit = SubmitField(_l("Load keycodes"))

    def text(self) -> str:
        sent = self.csv_file.data
        uploaded = sent.read().decode("utf-8-sig", "replace") if sent and sent.filename else ""
        return f"{self.pasted.data or ''}\n{uploaded}"


class UsedUpForm(FlaskForm):
    keycode_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Mark used up"))
