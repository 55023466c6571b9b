"""The outbox (DESIGN.md rule 7): every e-mail is a Notification row written in the same
transaction as the change that caused it; after commit a worker is nudged to deliver it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from app.models import Notification, User
from app.models.base import utcnow

log = logging.getLogger(__name__)

# Set by the worker wiring: called with each new notification id after its transaction commits.
_dispatchers: list[Callable[[int], None]] = []


def set_dispatcher(dispatch: Callable[[int], None] | None) -> None:
    """Install the after-commit nudge (e.g. `deliver.delay`); None removes it."""
    _dispatchers.clear()
    if dispatch is not None:
        _dispatchers.append(dispatch)


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


@event.listens_for(Session, "after_commit")
def _nudge_after_commit(session: Session) -> None:
    ids = session.info.pop("new_notification_ids", [])
    for dispatch in _dispatchers:
        for notification_id in ids:
            dispatch(notification_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("new_notification_ids", None)


def nudge_after_commit(session: Session, notification_ids: list[int]) -> None:
    """Have the dispatcher nudge rows written with Core inserts once this transaction commits."""
    if notification_ids:
        session.info.setdefault("new_notification_ids", []).extend(notification_ids)


# --- Delivery: claim, send, record (DESIGN.md rule 7) ------------------------------------------
#
# A row is handed to the mail server only by the worker that claimed it: a claim is one
# UPDATE turning due rows into `sending` (stamping claimed_at and counting the attempt), so two
# workers never hold the same row. A row left `sending` past the lease belongs to a worker that
# died; the next claim takes it over. The only duplicate possible is the row a worker was
# sending when it was killed after the server accepted it but before `sent` was committed.


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
                 policy: DeliveryPolicy) -> str:
    """Compose and send a row this worker claimed, then record the outcome; commits."""
    from app.services import reminders
    from app.services.notifications import mail

    notification = session.get(Notification, notification_id, populate_existing=True)
    now = utcnow()
    if notification.kind == "renewal_reminder":
        stale = reminders.stale_reason(session, notification,
                                       reminders.center_today(now, config["CENTER_TIMEZONE"]))
        if stale is not None:
            return _record(session, notification_id, "skipped", last_error=f"not sent: {stale}")
    try:
        message = mail.compose(session, notification, config)
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


def _record(session: Session, notification_id: int, status: str, **values) -> str:
    session.execute(update(Notification)
                    .where(Notification.id == notification_id, Notification.status == "sending")
                    .values(status=status, **values)
                    .execution_options(synchronize_session=False))
    session.commit()
    return status


def deliver(session: Session, notification_id: int, backend, config: Mapping) -> str:
    """Send one row if it is due and unclaimed (the nudge after commit); idempotent."""
    policy = DeliveryPolicy.from_config(config)
    if not claim(session, utcnow(), policy, notification_id=notification_id):
        return "not_due"
    return send_claimed(session, notification_id, backend, config, policy)


def deliver_due(session: Session, backend, config: Mapping, batch_size: int = 50) -> int:
    """The periodic pass: claim due rows and rows whose lease ran out, and send them."""
    policy = DeliveryPolicy.from_config(config)
    claimed = claim(session, utcnow(), policy, limit=batch_size)
    for notification_id in claimed:
        send_claimed(session, notification_id, backend, config, policy)
    return len(claimed)
