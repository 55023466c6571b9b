"""Instructor forms: one form for a whole class's outcomes, and the awarding body's card id."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields import FieldList, FormField, SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.models.vocab import OUTCOMES
from app.services.certificates.outcomes import MAX_SCORE, OutcomeInput

OUTCOME_LABELS = {"passed": _l("Passed"), "failed": _l("Failed"), "no_show": _l("No-show")}
OUTCOME_CHOICES = [SelectChoice("", _l("Not recorded")),
                   *(SelectChoice(outcome, OUTCOME_LABELS.get(outcome, outcome)) for outcome in OUTCOMES)]
MAX_ROWS = 500


class OutcomeRow(Form):
    """One learner's line of the roster (a plain Form: the outer form carries the CSRF token)."""

    enrollment_id = HiddenField()
    outcome = SelectField(_l("Outcome"), choices=OUTCOME_CHOICES, validate_choice=True)
    score = IntegerField(_l("Score"), validators=[Optional(), NumberRange(0, MAX_SCORE)])
    remark = StringField(_l("Remark"), validators=[Optional(), Length(max=1000)])


class RosterForm(FlaskForm):
    """Attendance and outcomes for the whole class, submitted once."""

    rows = FieldList(FormField(OutcomeRow), max_entries=MAX_ROWS)
    save = SubmitField(_l("Save outcomes"))
    finalise = SubmitField(_l("Save and finalise"))

    def results(self) -> list[OutcomeInput]:
        """The rows that carry an outcome, as service input."""
        results = []
        for row in self.rows:
            if row.outcome.data and str(row.enrollment_id.data).isdigit():
                results.append(OutcomeInput(int(row.enrollment_id.data), row.outcome.data,
                                            row.score.data, (row.remark.data or "").strip() or None))
        return results


class ExternalCardForm(FlaskForm):
    """The awarding body's own card id for one certificate."""

    issuer = StringField(_l("Awarding body"), validators=[DataRequired(), Length(max=64)],
                         description=_l("e.g. AHA eCard or American Red Cross"))
    external_id = StringField(_l("Card id"), validators=[DataRequired(), Length(max=128)])
    submit = SubmitField(_l("Save card id"))
