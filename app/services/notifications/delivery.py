"""Delivering the outbox (DESIGN.md rule 7): claim due rows, send each once, record it.

A row is handed to the mail server only by the worker that holds its claim. A claim is one
UPDATE turning a due row into `sending`, stamping claimed_at, a fresh claim_token and the
attempt; the periodic pass claims one row at a time, just before sending it, so the lease only
has to cover one send (OUTBOX_LEASE_SECONDS, default 300 s, against smtplib's 30 s per socket
operation). Just before handing the message over the worker renews its claim, and it records
the outcome only while the token still matches: a row whose lease ran out and was taken over
is neither sent again nor recorded by the worker that lost it. The only duplicate possible is
the row a worker was sending when it was killed after the server accepted it but before
`sent` was committed.

The SMTP server's answer decides a failure: a permanent refusal (5xx) fails the row at once
with that answer; anything else (4xx, a network error) is retried with back-off.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
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
from app.services.notifications.kinds import MAIL_KINDS, MailKind, settled_context

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


@dataclass(frozen=True)
class Claim:
    """A row this worker holds, and the token that proves it."""

    notification_id: int
    token: str


def claim(session: Session, now: datetime, policy: DeliveryPolicy, *,
          notification_id: int | None = None, limit: int = 1) -> list[Claim]:
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
    token = secrets.token_hex(16)
    claimed = session.scalars(
        update(Notification)
        .where(chosen, _claimable(now, policy.lease))
        .values(status="sending", claimed_at=now, claim_token=token,
                attempts=Notification.attempts + 1)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return [Claim(claimed_id, token) for claimed_id in claimed]


def _held(held: Claim):
    return and_(Notification.id == held.notification_id, Notification.status == "sending",
                Notification.claim_token == held.token)


@one_transaction
def _renew(session: Session, held: Claim, now: datetime) -> bool:
    """Restart the lease just before sending; False when another worker took the row over."""
    renewed = session.execute(update(Notification).where(_held(held)).values(claimed_at=now)
                              .execution_options(synchronize_session=False))
    return renewed.rowcount == 1


def permanent_refusal(error: Exception) -> bool:
    """Whether the SMTP server refused for good (5xx): retrying would get the same answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_claimed(session: Session, held: Claim, backend, config: Mapping,
                 templates: Environment, policy: DeliveryPolicy) -> str:
    """Compose and send a row this worker claimed, then record the outcome; commits."""
    notification = session.get(Notification, held.notification_id, populate_existing=True)
    now = utcnow()
    stale_reason = MAIL_KINDS.get(notification.kind, MailKind()).stale_reason
    if stale_reason is not None:
        stale = stale_reason(session, notification, local_date(now, config["CENTER_TIMEZONE"]))
        if stale is not None:
            return _record(session, held, "skipped", last_error=f"not sent: {stale}",
                           context=settled_context(notification))
    try:
        message = mail.compose(session, notification, config, templates)
        if not _renew(session, held, utcnow()):
            log.warning("notification %s: claim lost before sending", held.notification_id,
                        extra=_fields(held, "claim_lost"))
            return "claim_lost"
        backend.send(message)
    except Exception as error:  # noqa: BLE001 - any failure is recorded, and retried if it may pass
        session.rollback()
        log.warning("notification %s not sent: %s", held.notification_id, _describe(error),
                    extra=_fields(held, "error"))
        attempts = session.scalar(select(Notification.attempts)
                                  .where(Notification.id == held.notification_id))
        if permanent_refusal(error) or attempts >= policy.max_attempts:
            return _record(session, held, "failed", last_error=_describe(error),
                           context=settled_context(notification))
        return _record(session, held, "pending", last_error=_describe(error),
                       next_attempt_at=now + policy.retry_delay(attempts))
    return _record(session, held, "sent", sent_at=utcnow(), last_error=None,
                   context=settled_context(notification))


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(f"{code} {_text(answer)}" for code, answer in error.recipients.values())
        return f"SMTP server refused the recipient: {answers}"[:2000]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP server answered {error.smtp_code} {_text(error.smtp_error)}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _record(session: Session, held: Claim, status: str, **values) -> str:
    """Record the outcome, only while this worker's claim still holds the row; once it is
    committed, write the delivery's one log line."""
    outcome = _write_outcome(session, held, status, **values)
    if outcome == "claim_lost":
        log.warning("notification %s: claim lost, outcome %s not recorded",
                    held.notification_id, status, extra=_fields(held, outcome))
    else:
        log.log(logging.WARNING if outcome == "failed" else logging.INFO, "notification %s: %s",
                held.notification_id, _OUTCOMES[outcome], extra=_fields(held, outcome))
    return outcome


@one_transaction
def _write_outcome(session: Session, held: Claim, status: str, **values) -> str:
    recorded = session.execute(update(Notification).where(_held(held))
                               .values(status=status, claim_token=None, **values)
                               .execution_options(synchronize_session=False))
    return status if recorded.rowcount == 1 else "claim_lost"


# What each recorded outcome means, for the one line a delivery writes.
_OUTCOMES = {"sent": "sent", "skipped": "skipped, no longer relevant",
             "failed": "failed for good", "pending": "not sent, will be retried"}


def _fields(held: Claim, outcome: str) -> dict:
    """The structured fields of a delivery's log line (ids and the outcome, never the mail)."""
    return {"notification_id": held.notification_id, "outcome": outcome}


def deliver(session: Session, notification_id: int, backend, config: Mapping,
            templates: Environment) -> str:
    """Send one row if it is due and unclaimed (the nudge after commit); idempotent."""
    policy = DeliveryPolicy.from_config(config)
    held = claim(session, utcnow(), policy, notification_id=notification_id)
    if not held:
        return "not_due"
    return send_claimed(session, held[0], backend, config, templates, policy)


def deliver_due(session: Session, backend, config: Mapping, templates: Environment,
                batch_size: int = 50) -> int:
    """The periodic pass: send up to `batch_size` due rows (and rows a dead worker left),
    claiming each one only when its turn comes, so no claim waits behind other sends."""
    policy = DeliveryPolicy.from_config(config)
    handled = 0
    while handled < batch_size:
        held = claim(session, utcnow(), policy)
        if not held:
            break
        send_claimed(session, held[0], backend, config, templates, policy)
        handled += 1
    return handled
