"""Helpers shared by the admin pages: the center's clock and form refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, request

from app.models.base import utcnow
from app.services.clock import local_date, local_moment


def zone_name() -> str:
    return current_app.config["CENTER_TIMEZONE"]


def today():
    """Today's date in the center's time zone."""
    return local_date(utcnow(), zone_name())


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time typed in the center's zone, as an aware UTC moment."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(zone_name())).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """A UTC moment as the center's wall-clock time, for a datetime-local input."""
    return local_moment(moment, zone_name()).replace(tzinfo=None, second=0, microsecond=0)


def page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() else 1


def flash_form_errors(form) -> None:
    """One flash line per field error, with the field's label."""
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        for error in errors:
            flash(f"{label}: {error}", "error")


def refusal_text(refusal) -> str:
    """A domain refusal as one line: its field messages, else its message."""
    if refusal.fields:
        return " ".join(message for messages in refusal.fields.values() for message in messages)
    return refusal.message
