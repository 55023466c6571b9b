"""Jinja filters and globals shared by every page and e-mail."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from app.center import center_zone
from app.models.vocab import LEVEL_LABELS, TOPIC_LABELS, revocation_label
from app.services.clock import local_moment


def center_time(moment: datetime | None, pattern: str = "%a %b %-d, %Y, %-I:%M %p") -> str:
    """A UTC moment shown in the center's time zone."""
    if moment is None:
        return ""
    local = local_moment(moment, center_zone())
    return local.strftime(pattern) + " " + local.tzname()


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def topic_labels(topics) -> str:
    return ", ".join(TOPIC_LABELS.get(topic, topic) for topic in topics)


def money(cents: int | None) -> str:
    return "Free" if not cents else f"${cents / 100:,.2f}"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        center_time=center_time, level_label=level_label, topic_labels=topic_labels, money=money,
        revocation_label=revocation_label,
    )

    @app.context_processor
    def center_details():
        return {"center_name": app.config["CENTER_NAME"]}
