"""The outbox: every e-mail is a row here first, written with the change that caused it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.user import User
from app.models.vocab import NOTIFICATION_KINDS, NOTIFICATION_STATUSES


class Notification(db.Model):
    __table_args__ = (
        CheckConstraint(check_in("kind", NOTIFICATION_KINDS), name="kind_known"),
        CheckConstraint(check_in("status", NOTIFICATION_STATUSES), name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # Each renewal reminder window goes out at most once per certificate, ever.
        UniqueConstraint(
            "certificate_id", "kind", "reminder_window", name="uq_notification_reminder"
        ),
        Index("ix_notification_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # One outbox row per event: a stable key such as "enrollment_confirmed:42".
    event_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    recipient_email: Mapped[str] = mapped_column(String(254))
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    reminder_window: Mapped[int | None]
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    # Written by the claim that holds the row; only that holder may record its outcome.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recipient: Mapped[User | None] = relationship()
