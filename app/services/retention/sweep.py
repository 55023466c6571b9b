"""The daily retention sweep: delete settled outbox rows (sent, skipped, failed) older than the
outbox's keep period, and verification-log rows older than the log's; keep every audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Notification, VerificationLog

SETTLED = ("sent", "skipped", "failed")


@dataclass(frozen=True)
class RetentionSummary:
    notifications_deleted: int
    verifications_deleted: int

    def lines(self) -> list[str]:
        return [f"{self.notifications_deleted} settled outbox rows deleted",
                f"{self.verifications_deleted} verification-log rows deleted"]


@one_transaction
def forget_old_rows(session: Session, now: datetime, *, outbox_keep_days: int,
                    verification_log_days: int) -> RetentionSummary:
    """Delete what is past its keep period; idempotent (a second run the same day deletes 0)."""
    outbox = session.execute(
        delete(Notification)
        .where(Notification.status.in_(SETTLED),
               Notification.created_at < now - timedelta(days=outbox_keep_days))
        .execution_options(synchronize_session=False))
    log = session.execute(
        delete(VerificationLog)
        .where(VerificationLog.created_at < now - timedelta(days=verification_log_days))
        .execution_options(synchronize_session=False))
    return RetentionSummary(outbox.rowcount, log.rowcount)
