"""Forms of signing up, signing in and looking after a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.services.accounts.users import MIN_PASSWORD_LENGTH, normalise_email
from app.services.errors import Invalid

PASSWORD_RULE = f"Use at least {MIN_PASSWORD_LENGTH} characters."


def new_password(label: str = "Password") -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(PASSWORD_RULE), Length(min=MIN_PASSWORD_LENGTH, max=1000, message=PASSWORD_RULE)])


def repeat_password() -> PasswordField:
    return PasswordField("Type the password again", validators=[
        DataRequired("Type the password again."), EqualTo("password", "The passwords differ.")])


def checked_email(form, field) -> None:
    """The same e-mail check the account service applies (email-validator)."""
    try:
        normalise_email(field.data or "")
    except Invalid as error:
        raise ValidationError("This does not look like an e-mail address: "
                              + error.fields["email"][0]) from error


def email_field() -> EmailField:
    return EmailField("E-mail", validators=[
        DataRequired("Your e-mail address is needed."), Length(max=254), checked_email])


class RegisterForm(FlaskForm):
    full_name = StringField("Full name (as it should appear on your card)", validators=[
        DataRequired("Your name is needed."), Length(max=200)])
    email = email_field()
    job_title = StringField("Job title (optional)", validators=[Optional(), Length(max=200)])
    password = new_password()
    confirm = repeat_password()


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired("Type your e-mail address."),
                                             Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Type your password."),
                                                     Length(max=1000)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password("New password")
    confirm = repeat_password()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Type your current password."), Length(max=1000)])
    password = new_password("New password")
    confirm = repeat_password()


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired("Type your password."),
                                                     Length(max=1000)])
    next = HiddenField()
