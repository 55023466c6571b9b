"""Jinja filters and globals shared by every page and e-mail.

Pages show one date style, the center's long date ("Monday, December 7, 2026"); ISO dates are
only for CSV files and the API (docs/design.md)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import get_locale, gettext, ngettext

from app.center import center_zone
from app.models.vocab import LEVEL_LABELS, TOPIC_LABELS, revocation_label
from app.services import credentials
from app.services.certificates.cards import verify_url
from app.services.clock import local_moment
from app.services.language import formatting
from app.services.language.text import N_
from app.web.access import home_for
from app.web.audit_words import action_words, subject_words


def _locale() -> str:
    return str(get_locale())


def center_time(moment: datetime | None) -> str:
    """A UTC moment shown in the center's time zone (long date and clock time, with the zone)."""
    if moment is None:
        return ""
    return formatting.moment_text(moment, center_zone(), _locale())


def center_clock(moment: datetime | None) -> str:
    """Only the center's clock time of a UTC moment, with the zone ('2:30 PM EST')."""
    return formatting.clock(moment, center_zone(), _locale()) if moment else ""


def center_date(moment: datetime | None) -> str:
    """The center's long date of a UTC moment, without the time."""
    if moment is None:
        return ""
    return formatting.long_date(local_moment(moment, center_zone()).date(), _locale())


def short_center_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return formatting.short_date(local_moment(moment, center_zone()).date(), _locale())


def long_date(day: date | str | None) -> str:
    """A calendar date (or its ISO text, as the public record holds it) as the long date."""
    if not day:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return formatting.long_date(day, _locale())


def days_left(day: date | str, today: date) -> str:
    """'61 days left', 'expires today', 'expired 3 days ago' for an expiry date."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    left = (day - today).days
    if left == 0:
        return gettext("expires today")
    if left > 0:
        return ngettext("%(num)d day left", "%(num)d days left", left)
    return ngettext("expired %(num)d day ago", "expired %(num)d days ago", -left)


# A valid card this close to its expiry date is shown as expiring (the watch list's first window).
EXPIRING_SOON_DAYS = 30
STATE_LABELS = {"valid": N_("Valid"), "expiring": N_("Expiring"), "expired": N_("Expired"),
                "revoked": N_("Revoked"), "replaced": N_("Replaced")}


def card_state(status: str, expires_on: date | str, today: date,
               revocation_category: str | None = None) -> str:
    """The badge a certificate shows: valid, expiring, expired, revoked, or replaced (a reissue
    revoked the old code: it is not a withdrawal and must not read as one)."""
    if status == "revoked":
        return "replaced" if revocation_category == "replaced" else "revoked"
    if status == "valid":
        if isinstance(expires_on, str):
            expires_on = date.fromisoformat(expires_on)
        return "expiring" if (expires_on - today).days <= EXPIRING_SOON_DAYS else "valid"
    return status


def _label(labels: dict, key: str | None) -> str:
    """A vocabulary label in the page's language (the key itself when it has none)."""
    label = labels.get(key)
    return gettext(label) if label else (key or "")


def level_label(level: str) -> str:
    return _label(LEVEL_LABELS, level)


def topic_labels(topics) -> str:
    return ", ".join(_label(TOPIC_LABELS, topic) for topic in topics)


def state_label(state: str) -> str:
    return _label(STATE_LABELS, state)


def public_revocation_label(category: str | None) -> str:
    return gettext(revocation_label(category))


def money(cents: int | None) -> str:
    return gettext("Free") if not cents else formatting.money(cents, locale=_locale())


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
        center_time=center_time, center_clock=center_clock, center_date=center_date,
        short_center_date=short_center_date, long_date=long_date,
        days_left=days_left, level_label=level_label, topic_labels=topic_labels, money=money,
        revocation_label=public_revocation_label, action_words=action_words,
        subject_words=subject_words, state_label=state_label,
    )
    app.jinja_env.globals.update(card_state=card_state, home_for=home_for)

    @app.context_processor
    def center_details():
        return {"center_name": app.config["CENTER_NAME"]}
