"""Issued certificates (never deleted) and the log of every verification."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.course import Course, TaggedMixin, tag_checks
from app.models.user import User
from app.models.vocab import REVOCATION_CATEGORIES


class Certificate(TaggedMixin, db.Model):
    """A certificate with a snapshot of its course as it was at issue."""

    __table_args__ = (
        *tag_checks(),
        CheckConstraint(check_in("revocation_category", REVOCATION_CATEGORIES),
                        name="revocation_category_known"),
        # A pass issues one original certificate; a reissue replaces it, never adds.
        Index(
            "uq_certificate_original_per_enrollment",
            "enrollment_id",
            unique=True,
            sqlite_where=text("replaces_id IS NULL AND enrollment_id IS NOT NULL"),
            postgresql_where=text("replaces_id IS NULL AND enrollment_id IS NOT NULL"),
        ),
        Index("ix_certificate_holder_expires", "holder_id", "expires_on"),
        # The revocation status list's version (count, id sum, latest) reads revoked rows
        # only: an index-only scan of this small index, not a scan of every certificate.
        Index("ix_certificate_revoked", "revoked_at", "id",
              sqlite_where=text("revoked_at IS NOT NULL"),
              postgresql_where=text("revoked_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    holder_name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    course_code: Mapped[str] = mapped_column(String(32))
    course_title: Mapped[str] = mapped_column(String(200))
    course_family: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(32))
    topics_mask: Mapped[int]
    guidelines_mask: Mapped[int]
    training_center: Mapped[str] = mapped_column(String(200))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id"))
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    instructor_name: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    # The public side of a revocation (REVOCATION_LABELS); the reason above is staff-only.
    revocation_category: Mapped[str | None] = mapped_column(String(32))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id"), unique=True
    )
    external_issuer: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(128))
    # A blended course's online part, as recorded when the certificate was issued.
    online_part_completed_on: Mapped[date | None]
    online_part_certificate_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    course: Mapped[Course] = relationship()
    replaces: Mapped[Certificate | None] = relationship(
        remote_side=[id], foreign_keys=[replaces_id], back_populates="replaced_by"
    )
    replaced_by: Mapped[Certificate | None] = relationship(
        back_populates="replaces", foreign_keys=[replaces_id], uselist=False
    )

    def status_on(self, day: date) -> str:
        """`revoked` outranks everything; valid through `expires_on` inclusive."""
        if self.revoked_at is not None:
            return "revoked"
        return "valid" if day <= self.expires_on else "expired"


class VerificationLog(db.Model):
    """One look-up of a certificate code, for the training center's verification log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    code_queried: Mapped[str] = mapped_column(String(80))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ip_hash: Mapped[str | None] = mapped_column(String(64))


class WatchListEntry(db.Model):
    """A certificate an employer's organisation keeps an eye on."""

    __table_args__ = (
        Index("uq_watch_list_entry_org_certificate", "organisation_id", "certificate_id",
              unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"), index=True)
    employee_name: Mapped[str] = mapped_column(String(200))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    certificate: Mapped[Certificate] = relationship()
