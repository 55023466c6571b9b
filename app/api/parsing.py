"""Reading JSON bodies and query strings into typed values, with API.md errors."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from flask import request

from app.services.errors import Invalid, Malformed

# Times and dates outside these years are refused as invalid: no class is that far off, and
# it keeps date arithmetic (time zones, "the day after") clear of datetime's own limits.
MIN_YEAR, MAX_YEAR = 1900, 9000
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
NO_NUL = "Must not contain a NUL character."


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


class FieldReader:
    """Collects every field error of a body before raising one `invalid`."""

    def __init__(self, source: dict):
        self.source = source
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raw(self, name: str, required: bool):
        if name not in self.source or self.source[name] is None:
            if required:
                self.fail(name, "This field is required.")
            return None
        value = self.source[name]
        if isinstance(value, str) and "\x00" in value:  # no database text column takes NUL
            self.fail(name, NO_NUL)
            return None
        return value

    def string(self, name: str, required: bool = True, max_length: int = 500) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "Must be a non-empty string.")
            return None
        if len(value) > max_length:
            self.fail(name, f"Must be at most {max_length} characters.")
            return None
        return value.strip()

    def integer(self, name: str, required: bool = True, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, "Must be a whole number.")
            return None
        if minimum is not None and value < minimum:
            self.fail(name, f"Must be at least {minimum}.")
            return None
        if maximum is not None and value > maximum:
            self.fail(name, f"Must be at most {maximum}.")
            return None
        return value

    def boolean(self, name: str, required: bool = False) -> bool | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(name, "Must be true or false.")
            return None
        return value

    def choice(self, name: str, choices, required: bool = True) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if value not in choices:
            self.fail(name, f"Must be one of: {', '.join(choices)}.")
            return None
        return value

    def choices(self, name: str, choices, required: bool = True) -> list[str] | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, list) or any(item not in choices for item in value):
            self.fail(name, f"Must be a list of: {', '.join(choices)}.")
            return None
        return list(dict.fromkeys(value))

    def moment(self, name: str, required: bool = True) -> datetime | None:
        value = self.raw(name, required)
        if value is None:
            return None
        parsed = parse_moment(value)
        if parsed is None:
            self.fail(name, "Must be an ISO 8601 time with an offset, e.g. 2026-12-01T14:00:00+00:00.")
        return parsed

    def day(self, name: str, required: bool = True) -> date | None:
        value = self.raw(name, required)
        if value is None:
            return None
        parsed = parse_day(value)
        if parsed is None:
            self.fail(name, "Must be a date written YYYY-MM-DD.")
        return parsed

    def done(self) -> None:
        """Raise one `invalid` listing every field error found so far."""
        if self.errors:
            names = ", ".join(sorted(self.errors))
            raise Invalid(f"Please correct: {names}.", fields=self.errors)


def parse_moment(value) -> datetime | None:
    """An aware datetime in UTC from ISO 8601 text; None when naive or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None
    return parsed.astimezone(UTC)


def parse_day(value) -> date | None:
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None


def query_args(names: dict[str, str]) -> FieldReader:
    """A FieldReader over the query string; `names` maps each argument to its kind."""
    source: dict = {}
    for name, kind in names.items():
        value = request.args.get(name)
        if value is None or value == "":
            continue
        if kind == "int":
            # ASCII digits only: str.isdigit also admits "²", which int() refuses.
            source[name] = int(value) if _WHOLE_NUMBER.fullmatch(value) else value
        else:
            source[name] = value
    return FieldReader(source)
