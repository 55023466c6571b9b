"""Blended learning and class operations: online parts, the keycode bank, class reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.scheduling import Enrollment

MAX_ONLINE_PART_PDF_BYTES = 2 * 2**20
CLASS_REMINDER_KINDS = ("class_reminder", "instructor_roster", "low_enrollment")


class OnlinePart(db.Model):
    """The online part of a blended enrollment, done before the skills session."""

    __tablename__ = "online_part"
    __table_args__ = (
        # The upload is kept in the database (web nodes keep no files): bounded here too.
        CheckConstraint(f"pdf IS NULL OR length(pdf) <= {MAX_ONLINE_PART_PDF_BYTES}",
                        name="pdf_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), unique=True)
    completed_on: Mapped[date]
    certificate_id: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_name: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set when the session's instructor (or staff) entered or checked it.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enrollment: Mapped[Enrollment] = relationship(
        backref=backref("online_part", uselist=False))


class Keycode(db.Model):
    """One online-course keycode the center bought, held by at most one enrollment."""

    __table_args__ = (
        UniqueConstraint("course_id", "key", name="uq_keycode_course_key"),
        Index("ix_keycode_free", "course_id", "used_up", "enrollment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    key: Mapped[str] = mapped_column(String(64))
    # Unique: an enrollment never holds two keys, and a key is never handed out twice.
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id"), unique=True)
    used_up: Mapped[bool] = mapped_column(default=False)
    assigned_at: Mapped[datetime | None]
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment | None] = relationship(
        backref=backref("keycode", uselist=False))


class ClassReminder(db.Model):
    """That one class mail of a kind went out for an enrollment (learners) or for a session
    and recipient (rosters, staff alerts): written with its outbox row, never twice."""

    __tablename__ = "class_reminder"
    __table_args__ = (
        CheckConstraint(check_in("kind", CLASS_REMINDER_KINDS), name="kind_known"),
        Index("uq_class_reminder_enrollment_kind", "enrollment_id", "kind", unique=True,
              sqlite_where=text("enrollment_id IS NOT NULL"),
              postgresql_where=text("enrollment_id IS NOT NULL")),
        Index("uq_class_reminder_session_recipient_kind", "session_id", "recipient_id", "kind",
              unique=True, sqlite_where=text("enrollment_id IS NULL"),
              postgresql_where=text("enrollment_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
