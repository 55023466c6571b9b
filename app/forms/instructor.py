"""Instructor forms: one form for a whole class's outcomes, and the awarding body's card id."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields import FieldList, FormField, SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.models.vocab import OUTCOMES
from app.services.certificates.outcomes import MAX_SCORE, OutcomeInput

OUTCOME_CHOICES = [SelectChoice("", "Not recorded"),
                   *(SelectChoice(outcome, outcome.replace("_", "-").capitalize())
                     for outcome in OUTCOMES)]
MAX_ROWS = 500


class OutcomeRow(Form):
    """One learner's line of the roster (a plain Form: the outer form carries the CSRF token)."""

    enrollment_id = HiddenField()
    outcome = SelectField("Outcome", choices=OUTCOME_CHOICES, validate_choice=True)
    score = IntegerField("Score", validators=[Optional(), NumberRange(0, MAX_SCORE)])
    remark = StringField("Remark", validators=[Optional(), Length(max=1000)])


class RosterForm(FlaskForm):
    """Attendance and outcomes for the whole class, submitted once."""

    rows = FieldList(FormField(OutcomeRow), max_entries=MAX_ROWS)
    save = SubmitField("Save outcomes")
    finalise = SubmitField("Save and finalise")

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

    issuer = StringField("Awarding body", validators=[DataRequired(), Length(max=64)],
                         description="e.g. AHA eCard or American Red Cross")
    external_id = StringField("Card id", validators=[DataRequired(), Length(max=128)])
    submit = SubmitField("Save card id")
