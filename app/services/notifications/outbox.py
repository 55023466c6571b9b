"""The outbox (DESIGN.md rule 7): every e-mail is a Notification row written in the same
transaction as the change that caused it; after commit a worker is nudged to deliver it."""

from __future__ import annotations

import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.models import Notification, User
from app.models.base import utcnow

log = logging.getLogger(__name__)

def enqueue(session: Session, *, kind: str, recipient: User, event_key: str | None,
            context: dict | None = None, subject: tuple[str, int] | None = None,
            certificate_id: int | None = None, reminder_window: int | None = None,
            ) -> Notification | None:
    """Add one outbox row to the caller's transaction (the caller commits).

    `event_key` names the event ("enrollment_confirmed:42"): a second call with the same key
    adds nothing and answers None, so an event is mailed once however often it is recorded.
    `context` must be JSON-serialisable; the e-mail templates of `kind` read it.
    """
    if event_key is not None:
        pending = [n for n in session.new if isinstance(n, Notification) and n.event_key == event_key]
        existing = session.scalar(select(Notification.id).where(Notification.event_key == event_key))
        if pending or existing is not None:
            return None
    notification = Notification(
        kind=kind, event_key=event_key, recipient_id=recipient.id,
        recipient_email=recipient.email, context=context or {},
        subject_type=subject[0] if subject else None, subject_id=subject[1] if subject else None,
        certificate_id=certificate_id, reminder_window=reminder_window,
        status="pending", attempts=0, next_attempt_at=utcnow(), created_at=utcnow(),
    )
    session.add(notification)
    return notification


@event.listens_for(Session, "after_flush")
def _remember_new_notifications(session: Session, flush_context) -> None:
    new_ids = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if new_ids:
        session.info.setdefault("new_notification_ids", []).extend(new_ids)


def committed_notification_ids(session: Session) -> list[int]:
    """The rows the transaction that just committed added (each handed out once), so the edge
    that owns the broker can nudge a worker for them from its after-commit hook."""
    return session.info.pop("new_notification_ids", [])


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("new_notification_ids", None)


def nudge_after_commit(session: Session, notification_ids: list[int]) -> None:
    """Have rows written with Core inserts nudged like ORM ones once this transaction commits."""
    if notification_ids:
        session.info.setdefault("new_notification_ids", []).extend(notification_ids)
