"""Forms of the public verification page: the code, and a requirement to check it against.

Both are GET forms (a look-up changes nothing), so they are plain WTForms without CSRF.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.models.vocab import GUIDELINES, LEVEL_LABELS, LEVELS, TOPIC_LABELS, TOPICS
from app.services.catalog import requirements
from app.services.verification.bulk_checks import MAX_CODE_LENGTH

CUSTOM = "custom"


class CodeForm(Form):
    """The code as printed on the card or typed from it."""

    code = StringField(_l("Certificate code"), validators=[
        DataRequired(_l("Type the code printed on the card.")), Length(max=MAX_CODE_LENGTH),
    ])


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def preset_choices() -> list[SelectChoice]:
    presets = [SelectChoice(preset.name, _l(preset.label)) for preset in requirements.PRESETS.values()]
    return [SelectChoice("", _l("Choose a requirement")), *presets,
            SelectChoice(CUSTOM, _l("Custom requirement"))]


class RequirementForm(Form):
    """A preset, or a custom level, topics, guideline bases and the day it must hold on."""

    preset = SelectField(_l("Requirement"), choices=preset_choices(), default="")
    level = SelectField(_l("Level at least"),
                        choices=[SelectChoice(lv, _l(LEVEL_LABELS[lv])) for lv in LEVELS],
                        default=LEVELS[0])
    topics = CheckboxesField(_l("Topics it must cover"), choices=[
        SelectChoice(topic, _l(TOPIC_LABELS[topic])) for topic in TOPICS])
    guidelines = CheckboxesField(_l("Guideline basis (any one of)"),
                                 choices=[SelectChoice(name, name) for name in GUIDELINES])
    valid_on = DateField(_l("Valid on (default today)"), validators=[Optional()])

    def validate_topics(self, field) -> None:
        if self.preset.data == CUSTOM and not field.data:
            raise ValidationError(_l("Tick at least one topic for a custom requirement."))

    @property
    def chosen(self) -> bool:
        return bool(self.preset.data)

    def requirement(self, today: date) -> requirements.Requirement:
        """The requirement the visitor chose (validate first)."""
        if self.preset.data != CUSTOM:
            return requirements.parse_requirement(self.preset.data, today)
        return requirements.parse_requirement({
            "level": self.level.data,
            "topics": list(self.topics.data or []),
            "guidelines": list(self.guidelines.data or []),
            "valid_on": self.valid_on.data.isoformat() if self.valid_on.data else None,
        }, today)

    def describe(self) -> str:
        """The requirement's name in words, for the answer's heading."""
        if self.preset.data == CUSTOM:
            return gettext("your custom requirement")
        return gettext(requirements.PRESETS[self.preset.data].label)
