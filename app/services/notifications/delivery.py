"""Delivering the outbox (DESIGN.md rule 7): claim due rows, send each once, record it.

A row is handed to the mail server only by the worker that claimed it: a claim is one UPDATE
turning due rows into `sending` (stamping claimed_at and counting the attempt), so two workers
never hold the same row. A row left `sending` past the lease belongs to a worker that died; the
next claim takes it over. The only duplicate possible is the row a worker was sending when it
was killed after the server accepted it but before `sent` was committed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from jinja2 import Environment
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Notification
from app.models.base import utcnow
from app.services.clock import local_date
from app.services.notifications import mail
from app.services.notifications.kinds import MAIL_KINDS, MailKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    first_retry: timedelta = timedelta(seconds=30)
    longest_retry: timedelta = timedelta(hours=6)

    @classmethod
    def from_config(cls, config: Mapping) -> DeliveryPolicy:
        return cls(lease=timedelta(seconds=config.get("OUTBOX_LEASE_SECONDS", 300)),
                   max_attempts=config.get("OUTBOX_MAX_ATTEMPTS", 8),
                   first_retry=timedelta(seconds=config.get("OUTBOX_RETRY_SECONDS", 30)))

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential back-off: 30 s, 1 min, 2 min, … capped at six hours."""
        return min(self.first_retry * (2 ** max(attempts - 1, 0)), self.longest_retry)


def _claimable(now: datetime, lease: timedelta):
    return or_(and_(Notification.status == "pending", Notification.next_attempt_at <= now),
               and_(Notification.status == "sending", Notification.claimed_at < now - lease))


def claim(session: Session, now: datetime, policy: DeliveryPolicy, *,
          notification_id: int | None = None, limit: int = 1) -> list[int]:
    """Claim up to `limit` due rows (or the one given) for this worker; commits.

    PostgreSQL picks rows with FOR UPDATE SKIP LOCKED so concurrent claimers take different
    rows without waiting; SQLite runs one writer at a time, so the same single UPDATE, which
    re-checks the due condition, is already exclusive there.
    """
    session.commit()  # start the claim in a fresh transaction (SQLite waits for the write lock)
    pick = (select(Notification.id).where(_claimable(now, policy.lease))
            .order_by(Notification.next_attempt_at, Notification.id).limit(limit))
    if notification_id is not None:
        pick = pick.where(Notification.id == notification_id)
    if session.get_bind().dialect.name == "postgresql":
        # A materialised CTE runs the locking pick once; as a plain IN (subquery) PostgreSQL
        # may run it again per row, and SKIP LOCKED then hands back more rows than the limit.
        picked = (pick.with_for_update(skip_locked=True).cte("picked")
                  .prefix_with("MATERIALIZED"))
        chosen = Notification.id.in_(select(picked.c.id))
    else:
        chosen = Notification.id.in_(pick.scalar_subquery())
    claimed = session.scalars(
        update(Notification)
        .where(chosen, _claimable(now, policy.lease))
        .values(status="sending", claimed_at=now, attempts=Notification.attempts + 1)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return list(claimed)


def send_claimed(session: Session, notification_id: int, backend, config: Mapping,
                 templates: Environment, policy: DeliveryPolicy) -> str:
    """Compose and send a row this worker claimed, then record the outcome; commits."""
    notification = session.get(Notification, notification_id, populate_existing=True)
    now = utcnow()
    stale_reason = MAIL_KINDS.get(notification.kind, MailKind()).stale_reason
    if stale_reason is not None:
        stale = stale_reason(session, notification, local_date(now, config["CENTER_TIMEZONE"]))
        if stale is not None:
            return _record(session, notification_id, "skipped", last_error=f"not sent: {stale}")
    try:
        message = mail.compose(session, notification, config, templates)
        backend.send(message)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried later
        session.rollback()
        log.warning("notification %s not sent: %s", notification_id, error)
        attempts = session.scalar(select(Notification.attempts)
                                  .where(Notification.id == notification_id))
        if attempts >= policy.max_attempts:
            return _record(session, notification_id, "failed", last_error=_describe(error))
        return _record(session, notification_id, "pending", last_error=_describe(error),
                       next_attempt_at=now + policy.retry_delay(attempts))
    return _record(session, notification_id, "sent", sent_at=utcnow(), last_error=None)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@one_transaction
def _record(session: Session, notification_id: int, status: str, **values) -> str:
    session.execute(update(Notification)
                    .where(Notification.id == notification_id, Notification.status == "sending")
                    .values(status=status, **values)
                    .execution_options(synchronize_session=False))
    return status


def deliver(session: Session, notification_id: int, backend, config: Mapping,
            templates: Environment) -> str:
    """Send one row if it is due and unclaimed (the nudge after commit); idempotent."""
    policy = DeliveryPolicy.from_config(config)
    if not claim(session, utcnow(), policy, notification_id=notification_id):
        return "not_due"
    return send_claimed(session, notification_id, backend, config, templates, policy)


def deliver_due(session: Session, backend, config: Mapping, templates: Environment,
                batch_size: int = 50) -> int:
    """The periodic pass: claim due rows and rows whose lease ran out, and send them."""
    policy = DeliveryPolicy.from_config(config)
    claimed = claim(session, utcnow(), policy, limit=batch_size)
    for notification_id in claimed:
        send_claimed(session, notification_id, backend, config, templates, policy)
    return len(claimed)
