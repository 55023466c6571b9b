"""When a certificate expires, from its issue date and the course's validity and expiry rule."""

from __future__ import annotations

import calendar
from datetime import date

from app.models.vocab import EXPIRY_RULES


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def expires_on(issued_on: date, months: int, rule: str) -> date:
    """The last valid day: `months` on, at the month's end or on the same day (clamped)."""
    if rule not in EXPIRY_RULES:
        raise ValueError(f"unknown expiry rule: {rule!r}")
    year, month = _add_months(issued_on.year, issued_on.month, months)
    last_day = _last_day(year, month)
    if rule == "end_of_month":
        return date(year, month, last_day)
    return date(year, month, min(issued_on.day, last_day))
