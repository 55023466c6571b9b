"""Forms of the payment pages: the review step's promo code, staff recording a payment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.services.payments.ledger import STAFF_METHODS


class ReviewForm(FlaskForm):
    promo_code = StringField(_l("Promo code (optional)"), validators=[Optional(), Length(max=64)])


class RecordPaymentForm(FlaskForm):
    status = SelectField(_l("Record"), choices=[SelectChoice("paid", _l("Paid")),
                                        SelectChoice("waived", _l("Waived"))],
                         validators=[DataRequired()])
    method = SelectField(_l("Method"), choices=[SelectChoice(m, m.capitalize()) for m in STAFF_METHODS],
                         validators=[DataRequired()])
    reference = StringField(_l("Reference (receipt, check or invoice number)"),
                            validators=[Optional(), Length(max=255)])
