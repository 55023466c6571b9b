"""Scheduled class sessions and the learners enrolled in them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.course import Course
from app.models.user import User
from app.models.vocab import ENROLLMENT_STATUSES, SESSION_STATUSES

if TYPE_CHECKING:
    from app.models.payment import Payment


class ClassSession(db.Model):
    """One scheduled class. `seats_taken` counts enrollments holding a seat."""

    __tablename__ = "class_session"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(check_in("status", SESSION_STATUSES), name="status_known"),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    enrollment_closes_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    # The course's price unless this session sets its own.
    price_cents: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # Parking or room notes, shown in the class reminder mail.
    arrival_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    finalised_at: Mapped[datetime | None]
    # Set for a private (on-site) class: never listed, enrollable only with its order's voucher.
    private_for_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")
    instructor: Mapped[User] = relationship(lazy="joined")

    @property
    def private(self) -> bool:
        return self.private_for_id is not None

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    @property
    def price_due_cents(self) -> int:
        return self.course.price_cents if self.price_cents is None else self.price_cents


class Enrollment(db.Model):
    """A learner's place in a session: a seat, a waitlist place, or an outcome."""

    __table_args__ = (
        CheckConstraint(check_in("status", ENROLLMENT_STATUSES), name="status_known"),
        # One active enrollment per learner and session; cancelled ones may pile up.
        Index(
            "uq_enrollment_active_learner_session",
            "learner_id",
            "session_id",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
        Index("ix_enrollment_session_status", "session_id", "status", "id"),
        Index("ix_enrollment_status_hold", "status", "hold_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id"))
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None]
    remark: Mapped[str | None] = mapped_column(Text)
    outcome_recorded_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The calendar invite's SEQUENCE (RFC 5545): raised on each change of time or place.
    invite_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # A seat held while the learner pays (status pending_payment) counts until then.
    hold_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    learner: Mapped[User] = relationship(lazy="joined")
    session: Mapped[ClassSession] = relationship()
    payment: Mapped[Payment | None] = relationship(back_populates="enrollment", lazy="selectin")
