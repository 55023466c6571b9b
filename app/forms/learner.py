"""Forms of the learner's pages: the finder (a GET form) and the small POST buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Form, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional

from app.models.vocab import GUIDELINES, LEVEL_LABELS, LEVELS, TOPIC_LABELS, TOPICS
from app.services.accounts import LANGUAGES
from app.services.catalog.finder import AUDIENCES
from app.services.catalog.requirements import PRESETS

ANY = SelectChoice("", _l("Any"))


class FinderForm(Form):
    """"Which class do I need?" — read from the query string, so no CSRF (it changes nothing)."""

    who = SelectField(_l("Who are you?"), validators=[Optional()], choices=[
        SelectChoice("", _l("Choose…")), *[SelectChoice(a.key, _l(a.label)) for a in AUDIENCES.values()]])
    preset = SelectField(_l("The card your employer asked for"), validators=[Optional()], choices=[
        SelectChoice("", _l("Not sure / choose level and topics below")),
        *[SelectChoice(p.name, _l(p.label)) for p in PRESETS.values()]])
    level = SelectField(_l("Level"), validators=[Optional()],
                        choices=[ANY, *[SelectChoice(v, _l(LEVEL_LABELS[v])) for v in LEVELS]])
    topic = SelectField(_l("Topic"), validators=[Optional()],
                        choices=[ANY, *[SelectChoice(v, _l(TOPIC_LABELS[v])) for v in TOPICS]])
    guideline = SelectField(_l("Guideline basis"), validators=[Optional()],
                            choices=[ANY, *[SelectChoice(v, v) for v in GUIDELINES]])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class ButtonForm(FlaskForm):
    """A POST button: carries only the CSRF token (enroll, cancel)."""


class LanguageForm(FlaskForm):
    """The language of the learner's pages and mail; each language is named in itself."""

    language = SelectField(_l("Language"), choices=[SelectChoice(code, name)
                                                    for code, name in LANGUAGES.items()])


class ReminderSettingsForm(FlaskForm):
    reminders = BooleanField(_l("E-mail me before my certificates expire"))
