""""I lost my card" (API-2.md §4): anyone may ask, with a name and an e-mail address, and the
answer never says whether anything was found. When the address belongs to a holder whose name
matches (ignoring case and extra spaces), that address — the one on record, never one typed
in — is mailed the holder's certificates with their verification links and wallet cards."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Certificate, Notification, User
from app.models.base import utcnow
from app.services import notifications
from app.services.accounts.users import normalise_email, user_by_email
from app.services.certificates.cards import card_pdf, verify_url
from app.services.clock import local_date
from app.services.errors import Invalid

KIND = "card_lookup"
# More cards than this go as links only: a mail stays a sensible size.
MAX_ATTACHED_CARDS = 10


def same_name(typed: str, recorded: str) -> bool:
    """Names match ignoring case and extra spaces ("  ann   LEE " is "Ann Lee")."""
    return " ".join(typed.split()).casefold() == " ".join(recorded.split()).casefold()


def _holder(session: Session, name: str, email: str) -> User | None:
    try:
        holder = user_by_email(session, normalise_email(email))
    except Invalid:
        return None
    if holder is None or not holder.active:
        return None
    names = {holder.full_name, *session.scalars(select(Certificate.holder_name)
                                                .where(Certificate.holder_id == holder.id))}
    return holder if any(same_name(name, recorded) for recorded in names) else None


@one_transaction
def request_card_lookup(session: Session, name: str, email: str, now: datetime,
                        today: date, language: str | None = None) -> None:
    """Queue the holder's certificates to their address on record, if name and address match
    a holder with certificates; otherwise do nothing. Answers nothing either way. Commits.
    `language` is the page's, for a mail whose recipient has no language of their own."""
    holder = _holder(session, name or "", email or "")
    if holder is None:
        return
    held = list(session.scalars(select(Certificate).where(Certificate.holder_id == holder.id)
                                .order_by(Certificate.issued_on.desc(), Certificate.id.desc())))
    if not held:
        return
    listed = [{"id": c.id, "code": c.code, "course_title": c.course_title,
               "issued_on": c.issued_on.isoformat(), "expires_on": c.expires_on.isoformat(),
               "status": c.status_on(today)} for c in held if c.replaced_by is None]
    notifications.enqueue(session, kind=KIND, recipient=holder,
                          event_key=f"{KIND}:{holder.id}:{now.isoformat()}",
                          context={"certificates": listed, "language": language or "en"},
                          subject=("user", holder.id))


def card_attachments(session: Session, notification: Notification,
                     config: Mapping) -> list[tuple[str, str, bytes]]:
    """The wallet card of each listed certificate still in force, read at delivery time."""
    today = local_date(utcnow(), config["CENTER_TIMEZONE"])
    attached = []
    for listed in (notification.context or {}).get("certificates", [])[:MAX_ATTACHED_CARDS]:
        certificate = session.get(Certificate, listed["id"])
        if certificate is None or certificate.holder_id != notification.recipient_id \
                or certificate.revoked_at is not None:
            continue
        pdf = card_pdf(certificate, verify_url(config["PUBLIC_BASE_URL"], certificate.code),
                       today)
        attached.append((f"wallet-card-{certificate.code}.pdf", "application/pdf", pdf))
    return attached
