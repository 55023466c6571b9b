"""Dates in the center's time zone: what day it is there, and where a day begins in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local_date(moment: datetime, zone_name: str) -> date:
    """The calendar date of a UTC moment in the given zone."""
    return moment.astimezone(ZoneInfo(zone_name)).date()


def day_start_utc(day: date, zone_name: str) -> datetime:
    """Midnight at the start of `day` in the zone, as a UTC moment."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def local_moment(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name))
