"""The lost-card form: the name and e-mail address a holder's certificates were issued to."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LostCardForm(FlaskForm):
    name = StringField("Your full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Your e-mail address", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("E-mail me my certificates")
