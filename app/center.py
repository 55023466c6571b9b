"""The center's clock and name at the edge (web, API, CLI, tasks). Services never read the
configuration: the edge asks here and passes today, the zone or the name in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from app.models.base import utcnow
from app.services.clock import local_date, local_moment


def center_zone() -> str:
    """The IANA name of the center's time zone (CENTER_TIMEZONE)."""
    return current_app.config["CENTER_TIMEZONE"]


def center_name() -> str:
    return current_app.config["CENTER_NAME"]


def center_today() -> date:
    """Today's date in the center's time zone."""
    return local_date(utcnow(), center_zone())


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time typed in the center's zone, as an aware UTC moment."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(center_zone())).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """A UTC moment as the center's wall-clock time, for a datetime-local input."""
    return local_moment(moment, center_zone()).replace(tzinfo=None, second=0, microsecond=0)
