"""Jinja filters and globals shared by every page and e-mail."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app

from app.center import center_zone
from app.models.vocab import LEVEL_LABELS, TOPIC_LABELS, revocation_label
from app.services import credentials
from app.services.certificates.cards import verify_url
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


def add_to_linkedin_url(record: dict) -> str:
    """LinkedIn's add-to-profile link for a certificate's public record."""
    config = current_app.config
    return credentials.linkedin_url(
        name=record["course"]["title"], organisation=config["CENTER_NAME"],
        issued_on=date.fromisoformat(record["issued_on"]),
        expires_on=date.fromisoformat(record["expires_on"]),
        cert_url=verify_url(config["PUBLIC_BASE_URL"], record["code"]), cert_id=record["code"])


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["add_to_linkedin_url"] = add_to_linkedin_url
    app.jinja_env.filters.update(
        center_time=center_time, level_label=level_label, topic_labels=topic_labels, money=money,
        revocation_label=revocation_label,
    )

    @app.context_processor
    def center_details():
        return {"center_name": app.config["CENTER_NAME"]}
