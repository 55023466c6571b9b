"""Forms of the payment pages: the review step's promo code, staff recording a payment."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.services.payments.ledger import STAFF_METHODS


class ReviewForm(FlaskForm):
    promo_code = StringField("Promo code (optional)", validators=[Optional(), Length(max=64)])


class RecordPaymentForm(FlaskForm):
    status = SelectField("Record", choices=[SelectChoice("paid", "Paid"),
                                                 SelectChoice("waived", "Waived")],
                         validators=[DataRequired()])
    method = SelectField("Method", choices=[SelectChoice(m, m.capitalize()) for m in STAFF_METHODS],
                         validators=[DataRequired()])
    reference = StringField("Reference (receipt, check or invoice number)",
                            validators=[Optional(), Length(max=255)])
