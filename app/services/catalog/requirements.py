"""The requirement engine: does a certificate (or a course) satisfy a job's requirement?

A requirement is a level, a set of topics, optionally a set of guideline bases and the
day it must hold on. The same rules answer the employer's check, the learner's course
finder; `covers` / `covers_sql` are its level-and-topics rule for Python and SQL callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal

from app.models.vocab import (
    GUIDELINES,
    LEVEL_LABELS,
    LEVELS,
    TOPIC_LABELS,
    TOPICS,
    guidelines_to_mask,
    revocation_label,
    topics_to_mask,
)
from app.services.errors import Invalid
from app.services.language.text import N_, Text

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REQUIRED_KEYS = ("level", "topics")
_OPTIONAL_KEYS = ("guidelines", "valid_on")


def _in_vocab_order(values: Iterable[str], vocabulary: tuple[str, ...]) -> list[str]:
    chosen = set(values)
    return [value for value in vocabulary if value in chosen]


@dataclass(frozen=True)
class Requirement:
    """What a job asks of a card: level, topics, guideline bases, and the day it must hold."""

    level: str
    topics: frozenset[str]
    guidelines: frozenset[str] = frozenset()
    valid_on: date | None = None

    def __post_init__(self) -> None:
        # Callers may pass any iterable; unknown names are a programming error here,
        # since `parse_requirement` turns bad input into Invalid before this point.
        object.__setattr__(self, "topics", frozenset(self.topics))
        object.__setattr__(self, "guidelines", frozenset(self.guidelines))
        if self.level not in LEVELS:
            raise ValueError(f"unknown level: {self.level!r}")
        topics_to_mask(self.topics)
        guidelines_to_mask(self.guidelines)

    def as_dict(self) -> dict[str, Any]:
        """The requirement in the API's shape, lists in vocabulary order."""
        return {
            "level": self.level,
            "topics": _in_vocab_order(self.topics, TOPICS),
            "guidelines": _in_vocab_order(self.guidelines, GUIDELINES),
            "valid_on": self.valid_on.isoformat() if self.valid_on else None,
        }


@dataclass(frozen=True)
class Preset:
    """A named, commonly asked-for requirement."""

    name: str
    label: str
    requirement: Requirement
    audience_note: str


def _preset(name: str, label: str, level: str, topics: tuple[str, ...],
            audience_note: str, guidelines: tuple[str, ...] = ()) -> Preset:
    requirement = Requirement(level, frozenset(topics), frozenset(guidelines))
    return Preset(name, label, requirement, audience_note)


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        _preset(
            "bls", N_("BLS (healthcare provider CPR)"), "healthcare_provider",
            ("adult_cpr", "child_cpr", "infant_cpr", "aed"),
            N_("Nurses, physicians, EMTs, dental and other clinical staff, and students "
               "entering healthcare programmes."),
        ),
        _preset(
            "workplace_cpr_aed", N_("Workplace CPR and AED"), "lay_rescuer",
            ("adult_cpr", "aed"),
            N_("General workplaces, fitness staff, security and designated responders."),
        ),
        _preset(
            "pediatric_cpr", N_("Pediatric CPR (adult, child and infant)"), "lay_rescuer",
            ("adult_cpr", "child_cpr", "infant_cpr"),
            N_("Childcare and daycare staff, teachers, coaches and camp counsellors."),
        ),
        _preset(
            "first_aid", N_("First aid"), "lay_rescuer", ("first_aid",),
            N_("Workplaces that need a trained first-aid responder on site."),
        ),
        _preset(
            "bloodborne_pathogens", N_("Bloodborne pathogens (OSHA)"), "lay_rescuer",
            ("bloodborne_pathogens",),
            N_("Staff with occupational exposure to blood; OSHA asks for annual training."),
            guidelines=("OSHA",),
        ),
    )
}


def _invalid(message: str) -> Invalid:
    return Invalid.field("requirement", message)


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _parse_names(
    value: object, vocabulary: tuple[str, ...], key: str, singular: str
) -> frozenset[str]:
    if not isinstance(value, list):
        raise _invalid(f"{key} must be a list of names.")
    for name in value:
        if not isinstance(name, str) or name not in vocabulary:
            raise _invalid(f"unknown {singular} {_short(name)}; known: {', '.join(vocabulary)}.")
    return frozenset(value)


def _parse_valid_on(value: object, today: date) -> date:
    if value is None:
        return today
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _invalid("valid_on must be a date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _invalid(f"valid_on {_short(value)} is not a calendar date.") from None


def _parse_object(given: dict, today: date) -> Requirement:
    unknown = [key for key in given if key not in _REQUIRED_KEYS + _OPTIONAL_KEYS]
    if unknown:
        raise _invalid(f"unknown field {_short(unknown[0])}.")
    missing = [key for key in _REQUIRED_KEYS if key not in given]
    if missing:
        raise _invalid(f"{missing[0]} is required.")
    level = given["level"]
    if not isinstance(level, str) or level not in LEVELS:
        raise _invalid(f"unknown level {_short(level)}; known: {', '.join(LEVELS)}.")
    return Requirement(
        level=level,
        topics=_parse_names(given["topics"], TOPICS, "topics", "topic"),
        guidelines=_parse_names(
            given.get("guidelines", []), GUIDELINES, "guidelines", "guideline basis"
        ),
        valid_on=_parse_valid_on(given.get("valid_on"), today),
    )


def parse_requirement(value: object, today: date) -> Requirement:
    """A preset name or a requirement object from JSON; raises Invalid for anything else."""
    if isinstance(value, str):
        preset = PRESETS.get(value)
        if preset is None:
            raise _invalid(f"unknown preset {_short(value)}; known: {', '.join(PRESETS)}.")
        return replace(preset.requirement, valid_on=today)
    if isinstance(value, dict):
        return _parse_object(value, today)
    raise _invalid("must be a preset name or an object with level and topics.")


@dataclass
class CheckResult:
    """Whether the requirement is met, and a plain sentence for each reason it is not."""

    meets: bool
    reasons: list[str] = field(default_factory=list)


def _level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def _listing(items: list[str]) -> Text:
    """Items joined with commas, each kept as its own text (a label shown in the page's
    language where the reason is)."""
    names = [f"item{number}" for number in range(len(items))]
    return Text(", ".join(f"%({name})s" for name in names), dict(zip(names, items, strict=True)))


def _tag_reasons(tagged: Any, requirement: Requirement) -> list[str]:
    """Level, topic and guideline-basis shortfalls of a certificate or course."""
    reasons = []
    held_level = tagged.level
    if not covers(held_level, 0, requirement.level, 0):
        reasons.append(N_("Level is %(held)s; this requirement needs %(wanted)s.",
                          held=_level_label(held_level), wanted=_level_label(requirement.level)))
    missing = _in_vocab_order(set(requirement.topics) - set(tagged.topics), TOPICS)
    if missing:
        reasons.append(N_("Missing topics: %(topics)s.",
                          topics=_listing([TOPIC_LABELS[t] for t in missing])))
    if requirement.guidelines and not set(requirement.guidelines) & set(tagged.guidelines):
        held = _in_vocab_order(tagged.guidelines, GUIDELINES)
        wanted = ", ".join(_in_vocab_order(requirement.guidelines, GUIDELINES))
        reasons.append(
            N_("Guideline basis is %(held)s; this requirement needs one of: %(wanted)s.",
               held=", ".join(held), wanted=wanted) if held else
            N_("No guideline basis is recorded; this requirement needs one of: %(wanted)s.",
               wanted=wanted))
    return reasons


def _validity_reasons(certificate: Any, day: date) -> list[str]:
    """Revocation and date shortfalls of a certificate on the given day."""
    reasons = []
    if certificate.revoked_at is not None:
        reasons.append(N_("Revoked: %(category)s.",
                          category=revocation_label(certificate.revocation_category)))
    if day < certificate.issued_on:
        reasons.append(N_("Not issued until %(day)s.", day=certificate.issued_on))
    if day > certificate.expires_on:
        reasons.append(N_("Expired on %(day)s.", day=certificate.expires_on))
    return reasons


def check(certificate: Any, requirement: Requirement, on_date: date | None = None) -> CheckResult:
    """Whether a certificate meets the requirement on `on_date` (default: its valid_on)."""
    day = on_date or requirement.valid_on
    if day is None:
        raise ValueError("check needs a date: pass on_date or set requirement.valid_on")
    reasons = _validity_reasons(certificate, day) + _tag_reasons(certificate, requirement)
    return CheckResult(meets=not reasons, reasons=reasons)


def course_meets(course: Any, requirement: Requirement) -> CheckResult:
    """Whether passing the course would give a card that meets the requirement (no dates)."""
    reasons = _tag_reasons(course, requirement)
    return CheckResult(meets=not reasons, reasons=reasons)



# --- "Covers": a level at least X and topics including Y, in Python and in SQL ----------------
# One rule, two forms side by side: the sweep's "already renewed" and "enrolled in a renewing
# class", the reminder mail's suggestions, transfers and requirement checks all use these.

def covers(held_level: str, held_topics_mask: int, level: str, topics_mask: int) -> bool:
    """Whether a level and topic set hold at least `level` and every topic of `topics_mask`."""
    return (LEVELS.index(held_level) >= LEVELS.index(level)
            and held_topics_mask & topics_mask == topics_mask)


def _level_rank_sql(level: Any) -> ColumnElement[int]:
    if isinstance(level, str):
        return literal(LEVELS.index(level))
    return case({name: rank for rank, name in enumerate(LEVELS)}, value=level)


def covers_sql(held_level: Any, held_topics_mask: Any, level: Any, topics_mask: Any
               ) -> ColumnElement[bool]:
    """SQL form of `covers`; each argument is a column, an SQL expression or a plain value."""
    held_mask = literal(held_topics_mask) if isinstance(held_topics_mask, int) else held_topics_mask
    return and_(_level_rank_sql(held_level) >= _level_rank_sql(level),
                held_mask.op("&")(topics_mask) == topics_mask)
