"""Dates, clock times and money as a reader of a locale expects them (CLDR data via Babel).

Pages and learner mail show one date style: the long date ("Monday, December 7, 2026",
"lunes, 7 de diciembre de 2026"); ISO dates are only for CSV files and the API
(docs/design.md). Moments are stored in UTC and shown in the center's time zone, with it."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_currency

from app.services.clock import local_moment

DEFAULT_LOCALE = "en_US"
# The locale each language (accounts.LANGUAGES) is formatted in: as read at a US center, so a
# price is "$65.00" in Spanish too.
LOCALES = {"en": "en_US", "es": "es_US"}


def locale_for(language: str | None) -> str:
    return LOCALES.get(language or "", DEFAULT_LOCALE)


def _plain_spaces(text: str) -> str:
    # CLDR puts a narrow no-break space before "PM" / "p.m."; a plain one reads the same, and
    # keeps a mail's text part and a search of the page simple.
    return text.replace("\u202f", " ").replace("\xa0", " ")


def long_date(day: date, locale: str = DEFAULT_LOCALE) -> str:
    return format_date(day, "full", locale=locale)


def short_date(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """'Dec 7, 2026' / '7 dic 2026': where a long date would crowd a table."""
    return _plain_spaces(format_date(day, "medium", locale=locale))


def clock(moment: datetime, zone_name: str, locale: str = DEFAULT_LOCALE) -> str:
    """The center's clock time of a UTC moment, with the zone: '2:30 PM EST'."""
    local = local_moment(moment, zone_name)
    return f"{_plain_spaces(format_time(local, 'short', locale=locale))} {local.tzname()}"


def moment_text(moment: datetime, zone_name: str, locale: str = DEFAULT_LOCALE) -> str:
    """A UTC moment as the center's long date and clock time: 'Monday, December 7, 2026,
    2:30 PM EST'."""
    return f"{long_date(local_moment(moment, zone_name).date(), locale)}, " \
           f"{clock(moment, zone_name, locale)}"


def money(cents: int, currency: str = "USD", locale: str = DEFAULT_LOCALE) -> str:
    """'$65.00' (a US center's dollars read the same way in its Spanish: es_US)."""
    return _plain_spaces(format_currency(cents / 100, currency.upper(), locale=locale))
