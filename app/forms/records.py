"""Forms of the records pages: certificate import and export, OSHA records, report period."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, MonthField, SelectField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

TOKEN_PATTERN = r"^[0-9a-f]{32}$"


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Certificate CSV file"), validators=[
        FileRequired(_l("Choose a CSV file.")), FileAllowed(["csv"], _l("Upload a .csv file.")),
    ])
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
    submit = SubmitField(_l("Import these records"))


class ExportForm(FlaskForm):
    """Read from the query string; a download changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    expiring_within = IntegerField(_l("Only valid certificates expiring within (days)"),
                                   validators=[Optional(), NumberRange(min=0, max=3660)])


class OshaForm(FlaskForm):
    """One session, or every session starting between two dates (inclusive)."""

    class Meta:
        csrf = False

    session = IntegerField(_l("Class session id"), validators=[Optional(), NumberRange(min=1)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    format = SelectField(_l("Format"), choices=[SelectChoice("pdf", "PDF"), SelectChoice("csv", "CSV")],
                         default="pdf")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.session.data is None and (self.date_from.data is None or self.date_to.data is None):
            self.session.errors.append(_("Give a session id, or both a first and a last day."))
            return False
        if self.session.data is None and self.date_from.data > self.date_to.data:
            self.date_to.errors.append(_("The last day must be on or after the first day."))
            return False
        return True


class ReportPeriodForm(FlaskForm):
    class Meta:
        csrf = False

    first = MonthField(_l("From month"), validators=[Optional()])
    last = MonthField(_l("To month"), validators=[Optional()])
