"""The outbox as staff see it: what went out, what is waiting, what failed; retrying failures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Notification, User
from app.models.vocab import NOTIFICATION_KINDS, NOTIFICATION_STATUSES
from app.services import audit
from app.services.errors import Conflict, NotFound

PAGE_SIZE = 50


def list_notifications(session: Session, status: str | None = None, kind: str | None = None,
                       recipient: str = "", page: int = 1) -> tuple[list[Notification], bool]:
    """One page of outbox rows, newest first, and whether another page follows."""
    query = select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc())
    if status in NOTIFICATION_STATUSES:
        query = query.where(Notification.status == status)
    if kind in NOTIFICATION_KINDS:
        query = query.where(Notification.kind == kind)
    if recipient.strip():
        query = query.where(Notification.recipient_email.like(f"%{recipient.strip().lower()}%"))
    rows = list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def status_counts(session: Session) -> dict[str, int]:
    """How many outbox rows are in each status."""
    counts = dict.fromkeys(NOTIFICATION_STATUSES, 0)
    rows = session.execute(select(Notification.status, func.count()).group_by(Notification.status))
    counts.update({status: count for status, count in rows})
    return counts


@one_transaction
def retry(session: Session, actor: User, notification_id: int, now: datetime) -> Notification:
    """Put a failed row back in the queue: pending, due now (the periodic re-queue sends it)."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound("No outgoing message has this id.")
    if notification.status != "failed":
        raise Conflict("Only a failed message can be retried.")
    notification.status = "pending"
    notification.next_attempt_at = now
    notification.claimed_at = None
    audit.record(session, actor, "notification.retried", "notification", notification.id,
                 kind=notification.kind, recipient=notification.recipient_email,
                 last_error=notification.last_error)
    return notification
