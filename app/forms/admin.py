"""Staff forms: catalog, schedule, users and authorisations, certificate records, filters.
Forms check shape; the services decide policy (capacity, lapses, transfers)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.fields import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, Regexp

from app.models.vocab import (
    COURSE_FORMATS,
    EXPIRY_RULES,
    GUIDELINES,
    LEVEL_LABELS,
    LEVELS,
    NOTIFICATION_KINDS,
    NOTIFICATION_STATUSES,
    REVOCATION_CATEGORIES,
    REVOCATION_LABELS,
    ROLES,
    TOPIC_LABELS,
    TOPICS,
)

LOCAL_TIME = "%Y-%m-%dT%H:%M"


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes (no JavaScript needed)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choices(values, labels=None, blank: str | None = None) -> list[SelectChoice]:
    options = [SelectChoice(v, (labels or {}).get(v, v.replace("_", " "))) for v in values]
    return [SelectChoice("", blank), *options] if blank is not None else options


class CourseForm(FlaskForm):
    code = StringField("Course code", validators=[
        DataRequired(), Length(max=32),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", message="Letters, digits, dot, dash, underscore.")])
    family = StringField("Family (initial, renewal and instructor courses of one kind share it)",
                         validators=[DataRequired(), Length(max=64)])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    description_es = TextAreaField("Description in Spanish (shown on Spanish pages; optional)",
                                   validators=[Optional(), Length(max=5000)])
    level = SelectField("Level", choices=_choices(LEVELS, LEVEL_LABELS))
    topics = MultiCheckboxField("Topics", choices=_choices(TOPICS, TOPIC_LABELS),
                                validators=[DataRequired("Choose at least one topic.")])
    guidelines = MultiCheckboxField("Guideline basis", choices=_choices(GUIDELINES))
    validity_months = IntegerField("Valid for (months)", validators=[DataRequired(), NumberRange(1, 120)])
    expiry_rule = SelectField("Expiry rule", choices=_choices(EXPIRY_RULES))
    format = SelectField("Format", choices=_choices(COURSE_FORMATS))
    duration_minutes = IntegerField("Duration (minutes)", validators=[DataRequired(), NumberRange(1, 1440)])
    default_capacity = IntegerField("Default capacity", validators=[DataRequired(), NumberRange(1, 1000)])
    price = DecimalField("Price (dollars)", places=2, validators=[Optional(), NumberRange(0, 100_000)])
    renewal = BooleanField("Renewal course")
    instructor_course = BooleanField("Instructor course")
    what_to_bring = TextAreaField("What to bring (in the class reminder)",
                                  validators=[Optional(), Length(max=2000)])
    online_course_url = URLField("The body's online course (blended courses)",
                                 validators=[Optional(), Length(max=500), URL(require_tld=False)])
    submit = SubmitField("Save course")

    def course_fields(self) -> dict:
        """The values as the catalog service takes them."""
        fields = {name: getattr(self, name).data for name in (
            "code", "family", "title", "level", "topics", "guidelines", "validity_months",
            "expiry_rule", "format", "duration_minutes", "default_capacity", "renewal",
            "instructor_course")}
        fields["code"] = fields["code"].strip().upper()
        fields["family"] = fields["family"].strip().lower()
        fields["description"] = self.description.data or ""
        fields["description_es"] = self.description_es.data or ""
        fields["what_to_bring"] = (self.what_to_bring.data or "").strip()
        fields["online_course_url"] = (self.online_course_url.data or "").strip()
        fields["price_cents"] = int(round((self.price.data or 0) * 100))
        return fields


class SessionForm(FlaskForm):
    course = SelectField("Course", coerce=int, validate_choice=True)
    instructor = SelectField("Instructor", coerce=int, validate_choice=True)
    starts_at = DateTimeLocalField("Starts (center time)", format=LOCAL_TIME,
                                   validators=[DataRequired("Give the start date and time.")])
    duration_minutes = IntegerField("Length in minutes (empty: the course's duration)",
                                    validators=[Optional(), NumberRange(1, 1440)])
    location = StringField("Place", validators=[DataRequired(), Length(max=200)])
    capacity = IntegerField("Capacity (empty: the course's default)",
                            validators=[Optional(), NumberRange(1, 1000)])
    weeks = IntegerField("Number of weekly sessions", default=1,
                         validators=[DataRequired(), NumberRange(1, 26)])
    submit = SubmitField("Schedule")


class SessionChangeForm(FlaskForm):
    capacity = IntegerField("Capacity", validators=[DataRequired(), NumberRange(1, 1000)])
    instructor = SelectField("Instructor", coerce=int, validate_choice=True)
    location = StringField("Place", validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField("Starts (center time)", format=LOCAL_TIME, validators=[DataRequired()])
    ends_at = DateTimeLocalField("Ends (center time)", format=LOCAL_TIME, validators=[DataRequired()])
    enrollment_closes_at = DateTimeLocalField("Enrollment closes (center time)", format=LOCAL_TIME,
                                              validators=[DataRequired()])
    arrival_notes = TextAreaField("Parking or room notes (in the class reminder)",
                                  validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Save changes")


class CancelSessionForm(FlaskForm):
    reason = TextAreaField("Reason (sent to every learner)",
                           validators=[DataRequired("Say why the class is cancelled."), Length(max=500)])
    submit = SubmitField("Cancel this session")


class TransferForm(FlaskForm):
    target = SelectField("Move to", coerce=int, validate_choice=True)
    submit = SubmitField("Transfer")


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""

    submit = SubmitField("Confirm")


class RolesForm(FlaskForm):
    roles = MultiCheckboxField("Roles", choices=_choices(ROLES))
    submit = SubmitField("Save roles")


class OrganisationForm(FlaskForm):
    name = StringField("Organisation (empty: none)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Save organisation")


class InstructorNumberForm(FlaskForm):
    number = StringField("Instructor number", validators=[Optional(), Length(max=64)])
    submit = SubmitField("Save number")


class AuthorisationForm(FlaskForm):
    family = SelectField("Course family", validate_choice=True)
    expires_on = DateField("Authorised until", validators=[DataRequired("Give the expiry date.")])
    submit = SubmitField("Save authorisation")


class RevokeForm(FlaskForm):
    category = SelectField("Public category (what verification shows)", default="withdrawn",
                           choices=[SelectChoice(category, REVOCATION_LABELS[category])
                                    for category in REVOCATION_CATEGORIES])
    reason = StringField("Reason (staff only: the admin record and the audit log)",
                         validators=[DataRequired("Give a reason."), Length(max=500)])
    submit = SubmitField("Revoke certificate")


class ReissueForm(FlaskForm):
    holder_name = StringField("Corrected holder name", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Reissue with a new code")


class FilterForm(FlaskForm):
    """Search forms travel in the query string and change nothing: no CSRF token."""

    class Meta:
        csrf = False


class UserSearchForm(FilterForm):
    q = StringField("Name or e-mail", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=_choices(ROLES, blank="Any role"), validate_choice=False)


class CertificateSearchForm(FilterForm):
    code = StringField("Code", validators=[Optional(), Length(max=80)])
    holder = StringField("Holder name or e-mail", validators=[Optional(), Length(max=200)])
    course = StringField("Course code", validators=[Optional(), Length(max=32)])
    issued_from = DateField("Issued from", validators=[Optional()])
    issued_to = DateField("Issued to", validators=[Optional()])
    status = SelectField("Status", choices=_choices(("valid", "expired", "revoked"), blank="Any"),
                         validate_choice=False)


class AuditFilterForm(FilterForm):
    actor = StringField("Actor e-mail", validators=[Optional(), Length(max=254)])
    action = StringField("Action (or its start, e.g. session.)", validators=[Optional(), Length(max=64)])
    subject_type = StringField("Subject type", validators=[Optional(), Length(max=32)])
    subject_id = IntegerField("Subject id", validators=[Optional(), NumberRange(1)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])


class OutboxFilterForm(FilterForm):
    status = SelectField("Status", choices=_choices(NOTIFICATION_STATUSES, blank="Any"),
                         validate_choice=False)
    kind = SelectField("Kind", choices=_choices(NOTIFICATION_KINDS, blank="Any"), validate_choice=False)
    recipient = StringField("Recipient e-mail", validators=[Optional(), Length(max=254)])
