"""Reading the request's raw parts: the JSON body, and ISO 8601 text into dates and times.
What a request may hold is declared by its schema (app.api.schemas) and checked by
app.api.validation; these readers only turn checked text into values."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone

from flask import request

from app.services.errors import Malformed

# RFC 3339, as JSON Schema's "date" and "date-time" formats mean: no looser ISO 8601 forms
# (Python's fromisoformat reads "20261201" or a time without seconds), or the API would
# accept text the document calls invalid.
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MOMENT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
                     r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))")


def json_body() -> dict:
    """The request body as a JSON object, whatever its Content-Type; empty counts as {}."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
        if isinstance(body, dict):
            body = _without_lone_surrogates(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: nesting
        raise Malformed("The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise Malformed("The request body must be a JSON object.")
    return body


def _without_lone_surrogates(body: dict) -> dict:
    """JSON's \\u escapes can spell a lone surrogate, which no UTF-8 text (database, answer)
    can hold: each becomes "?", as Python's UTF-8 encoder writes it (and the log of looked-up
    codes stores it)."""
    dumped = json.dumps(body, ensure_ascii=False)
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        return json.loads(dumped.encode("utf-8", "replace"))
    return body


def parse_day(value) -> date | None:
    """A date from RFC 3339 full-date text (YYYY-MM-DD); None when it is not one."""
    found = _DAY.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        return date(*map(int, found.groups()))
    except ValueError:
        return None


def parse_moment(value) -> datetime | None:
    """An aware datetime in UTC from RFC 3339 date-time text (an offset is part of it);
    None when it is not one, or lies beyond what datetime can hold in UTC."""
    found = _MOMENT.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    *fields, fraction, zulu, sign, offset_hours, offset_minutes = found.groups()
    microseconds = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        offset = timedelta(0) if zulu else timedelta(hours=int(offset_hours),
                                                      minutes=int(offset_minutes))
        if offset_minutes and int(offset_minutes) > 59:
            return None
        zone = timezone(-offset if sign == "-" else offset)
        return datetime(*map(int, fields), microseconds, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):  # a wrong calendar day, hour 24, offset >= 24 h
        return None
