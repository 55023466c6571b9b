"""What each kind of mail adds to its templates, attaches, or checks just before sending: an
explicit table of plain callables, so every kind's wiring can be read in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.models import Notification
from app.services.certificates.cards import card_attachments
from app.services.credentials.sharing import mail_links as credential_links
from app.services.enrollment.calendar_invites import invite_attachments
from app.services.language import formatting
from app.services.notifications.language import mail_locale
from app.services.orders.invoices import invoice_attachments
from app.services.payments.receipts import money, receipt_attachments
from app.services.reminders.classes import stale_reason as class_mail_stale_reason
from app.services.reminders.message import mail_context as reminder_context
from app.services.reminders.sweep import stale_reason as reminder_stale_reason
from app.services.verification.lost_cards import card_attachments as lost_card_attachments

Attachment = tuple[str, str, bytes]  # (file name, MIME type, content)


@dataclass(frozen=True)
class MailKind:
    # (session, notification, config) -> [(filename, mimetype, bytes)], read at delivery time
    attachments: Callable[[Session, Notification, Mapping], list[Attachment]] | None = None
    # (session, notification, config) -> extra template keys, read at delivery time
    context: Callable[[Session, Notification, Mapping], dict] | None = None
    # (session, notification, today) -> why the row should not go out any more, or None
    stale_reason: Callable[[Session, Notification, date], str | None] | None = None
    # context keys that hold a secret (a reset link): dropped from the row once it is settled
    secret_context: tuple[str, ...] = ()


def confirmation_attachments(session: Session, notification: Notification,
                             config: Mapping) -> list[Attachment]:
    """The calendar invite, and the receipt once the enrollment is paid."""
    return (invite_attachments(session, notification, config)
            + receipt_attachments(session, notification, config))


def hold_times(session: Session, notification: Notification, config: Mapping) -> dict:
    """A held seat's end as the center's wall-clock time, and the amount due in words."""
    context = notification.context or {}
    ends = datetime.fromisoformat(context["hold_expires_at"])
    return {"hold_local": formatting.moment_text(ends, config["CENTER_TIMEZONE"],
                                                 mail_locale(notification)),
            **refund_words(session, notification, config)}


def refund_words(session: Session, notification: Notification, config: Mapping) -> dict:
    """The amount of a held seat or a refund as its reader writes money ('$65.00')."""
    context = notification.context or {}
    return {"amount_text": formatting.money(context.get("amount_cents", 0),
                                            context.get("currency", "usd"),
                                            mail_locale(notification))}


def invoice_words(session: Session, notification: Notification, config: Mapping) -> dict:
    """An invoice's amount as the invoice itself writes it ('100.00 USD')."""
    context = notification.context or {}
    return {"amount_text": money(context.get("amount_cents", 0), context.get("currency", "usd"))}


def settled_context(notification: Notification) -> dict:
    """The row's context without its kind's secrets, kept once the mail is sent or given up."""
    secrets = MAIL_KINDS.get(notification.kind, MailKind()).secret_context
    return {key: value for key, value in (notification.context or {}).items()
            if key not in secrets}


MAIL_KINDS: Mapping[str, MailKind] = {
    "enrollment_confirmed": MailKind(attachments=confirmation_attachments),
    "payment_refunded": MailKind(attachments=receipt_attachments, context=refund_words),
    "stray_charge_refunded": MailKind(context=refund_words),
    "seat_held": MailKind(context=hold_times),
    "waitlist_promoted": MailKind(attachments=invite_attachments),
    "session_changed": MailKind(attachments=invite_attachments),
    "enrollment_cancelled": MailKind(attachments=invite_attachments),
    "session_cancelled": MailKind(attachments=invite_attachments),
    "certificate_issued": MailKind(attachments=card_attachments, context=credential_links),
    "renewal_reminder": MailKind(context=reminder_context, stale_reason=reminder_stale_reason),
    "password_reset": MailKind(secret_context=("reset_path",)),
    "class_reminder": MailKind(stale_reason=class_mail_stale_reason),
    "instructor_roster": MailKind(stale_reason=class_mail_stale_reason),
    "low_enrollment": MailKind(stale_reason=class_mail_stale_reason),
    "card_lookup": MailKind(attachments=lost_card_attachments),
    "order_invoice": MailKind(attachments=invoice_attachments, context=invoice_words),
}
