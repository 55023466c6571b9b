"""Forms of employers' orders: placing one, inviting staff, asking for a private class; and
staff's: payment, a negotiated amount, billing details, scheduling a requested class."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.forms.admin import LOCAL_TIME
from app.services.orders.invitations import MAX_ADDRESSES
from app.services.orders.placing import MAX_SEATS
from app.services.payments.ledger import STAFF_METHODS

MAX_UPLOAD_BYTES = 100_000  # 500 addresses fit several times over
METHOD_LABELS = {"cash": _l("Cash"), "card": _l("Card"), "check": _l("Check"), "invoice": _l("Invoice")}


class OrderForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    seats = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(1, MAX_SEATS)])
    session_id = SelectField(_l("Class"), default="")


class InviteForm(FlaskForm):
    """Addresses pasted, or a CSV file with one column."""

    emails_text = TextAreaField(_l("E-mail addresses (up to %(count)d, one a line)", count=MAX_ADDRESSES),
                                validators=[Optional(), Length(max=MAX_UPLOAD_BYTES)])
    emails_file = FileField(_l("…or a CSV file with one column of addresses"))


class ResendForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ClassRequestForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    headcount = IntegerField(_l("How many people"), validators=[DataRequired(),
                                                            NumberRange(1, MAX_SEATS)])
    first_date = DateField(_l("Preferred date"), validators=[DataRequired()])
    second_date = DateField(_l("Another date that would suit (optional)"), validators=[Optional()])
    location = StringField(_l("Address of the class"), validators=[DataRequired(), Length(max=500)])
    notes = TextAreaField(_l("Notes (optional)"), validators=[Optional(), Length(max=2000)])


class OrderPaymentForm(FlaskForm):
    method = SelectField(_l("Method"),
                         choices=[SelectChoice(m, METHOD_LABELS.get(m, m)) for m in STAFF_METHODS],
                         validators=[DataRequired()])
    reference = StringField(_l("Reference (check or transfer number)"),
                            validators=[Optional(), Length(max=255)])


class AmountForm(FlaskForm):
    amount = IntegerField(_l("Negotiated amount, in cents"), validators=[
        DataRequired(), NumberRange(0, 100_000_000)])


class BillingForm(FlaskForm):
    billing_contact = StringField(_l("Billing contact"), validators=[Optional(), Length(max=200)])
    billing_email = StringField(_l("Billing e-mail"), validators=[Optional(), Email(),
                                                              Length(max=254)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])


class ScheduleForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Starts (center time)"), format=LOCAL_TIME,
                                   validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (center time)"), format=LOCAL_TIME,
                                 validators=[DataRequired()])
    location = StringField(_l("Where"), validators=[DataRequired(), Length(max=200)])
    instructor_email = StringField(_l("Instructor's e-mail"), validators=[DataRequired(),
                                                                      Length(max=254)])
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(1, MAX_SEATS)])


class RedeemForm(FlaskForm):
    session_id = IntegerField(_l("Class"), validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
