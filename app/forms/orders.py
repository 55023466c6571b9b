"""Forms of employers' orders: placing one, inviting staff, asking for a private class; and
staff's: payment, a negotiated amount, billing details, scheduling a requested class."""

from __future__ import annotations

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


class OrderForm(FlaskForm):
    course = SelectField("Course", validators=[DataRequired()])
    seats = IntegerField("Seats", validators=[DataRequired(), NumberRange(1, MAX_SEATS)])
    session_id = SelectField("Class", default="")


class InviteForm(FlaskForm):
    """Addresses pasted, or a CSV file with one column."""

    emails_text = TextAreaField(f"E-mail addresses (up to {MAX_ADDRESSES}, one a line)",
                                validators=[Optional(), Length(max=MAX_UPLOAD_BYTES)])
    emails_file = FileField("…or a CSV file with one column of addresses")


class ResendForm(FlaskForm):
    email = StringField("E-mail", validators=[DataRequired(), Length(max=254)])


class ClassRequestForm(FlaskForm):
    course = SelectField("Course", validators=[DataRequired()])
    headcount = IntegerField("How many people", validators=[DataRequired(),
                                                            NumberRange(1, MAX_SEATS)])
    first_date = DateField("Preferred date", validators=[DataRequired()])
    second_date = DateField("Another date that would suit (optional)", validators=[Optional()])
    location = StringField("Address of the class", validators=[DataRequired(), Length(max=500)])
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=2000)])


class OrderPaymentForm(FlaskForm):
    method = SelectField("Method", choices=[SelectChoice(m, m.capitalize()) for m in STAFF_METHODS],
                         validators=[DataRequired()])
    reference = StringField("Reference (check or transfer number)",
                            validators=[Optional(), Length(max=255)])


class AmountForm(FlaskForm):
    amount = IntegerField("Negotiated amount, in cents", validators=[
        DataRequired(), NumberRange(0, 100_000_000)])


class BillingForm(FlaskForm):
    billing_contact = StringField("Billing contact", validators=[Optional(), Length(max=200)])
    billing_email = StringField("Billing e-mail", validators=[Optional(), Email(),
                                                              Length(max=254)])
    address = StringField("Address", validators=[Optional(), Length(max=500)])


class ScheduleForm(FlaskForm):
    starts_at = DateTimeLocalField("Starts (center time)", format=LOCAL_TIME,
                                   validators=[DataRequired()])
    ends_at = DateTimeLocalField("Ends (center time)", format=LOCAL_TIME,
                                 validators=[DataRequired()])
    location = StringField("Where", validators=[DataRequired(), Length(max=200)])
    instructor_email = StringField("Instructor's e-mail", validators=[DataRequired(),
                                                                      Length(max=254)])
    capacity = IntegerField("Seats", validators=[DataRequired(), NumberRange(1, MAX_SEATS)])


class RedeemForm(FlaskForm):
    session_id = IntegerField("Class", validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
