"""The language (and the formatting locale) a mail is written in, decided when it is sent."""

from __future__ import annotations

from app.models import Notification
from app.services.language import formatting


def mail_language(notification: Notification) -> str:
    """The language a mail is written in: its recipient's, else the one asked for when it was
    queued (a card look-up for an address without an account), else English."""
    if notification.recipient is not None:
        return notification.recipient.preferred_language or "en"
    return (notification.context or {}).get("language") or "en"


def mail_locale(notification: Notification) -> str:
    """The locale a mail's dates, times and amounts are formatted in ('en_US', 'es_US')."""
    return formatting.locale_for(mail_language(notification))
