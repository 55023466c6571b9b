"""Forms of signing up, signing in and looking after a password."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.services.accounts.users import MIN_PASSWORD_LENGTH, normalise_email
from app.services.errors import Invalid

PASSWORD_RULE = _l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)


def new_password(label: str | None = None) -> PasswordField:
    return PasswordField(label or _l("Password"), validators=[
        DataRequired(PASSWORD_RULE), Length(min=MIN_PASSWORD_LENGTH, max=1000, message=PASSWORD_RULE)])


def repeat_password() -> PasswordField:
    return PasswordField(_l("Type the password again"), validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", _l("The passwords differ."))])


def checked_email(form, field) -> None:
    """The same e-mail check the account service applies (email-validator)."""
    try:
        normalise_email(field.data or "")
    except Invalid as error:
        if get_locale().language == "en":  # email-validator explains why, in English only
            raise ValidationError("This does not look like an e-mail address: "
                                  + error.fields["email"][0]) from error
        raise ValidationError(_("This does not look like an e-mail address.")) from error


def email_field() -> EmailField:
    return EmailField(_l("E-mail"), validators=[
        DataRequired(_l("Your e-mail address is needed.")), Length(max=254), checked_email])


class RegisterForm(FlaskForm):
    full_name = StringField(_l("Full name (as it should appear on your card)"), validators=[
        DataRequired(_l("Your name is needed.")), Length(max=200)])
    email = email_field()
    job_title = StringField(_l("Job title (optional)"), validators=[Optional(), Length(max=200)])
    password = new_password()
    confirm = repeat_password()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Type your e-mail address.")),
                                                 Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Type your password.")),
                                                         Length(max=1000)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password(_l("New password"))
    confirm = repeat_password()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Type your current password.")), Length(max=1000)])
    password = new_password(_l("New password"))
    confirm = repeat_password()


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Type your password.")),
                                                         Length(max=1000)])
    next = HiddenField()
