"""The lost-card form: the name and e-mail address a holder's certificates were issued to."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LostCardForm(FlaskForm):
    name = StringField(_l("Your full name"), validators=[
        DataRequired(_l("Your name is needed.")), Length(max=200)])
    email = EmailField(_l("Your e-mail address"), validators=[
        DataRequired(_l("Your e-mail address is needed.")), Length(max=254)])
    submit = SubmitField(_l("E-mail me my certificates"))
