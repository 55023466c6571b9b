"""People: users with roles, their organisations, API tokens and instructor authorisations."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.vocab import ROLES


class Organisation(db.Model):
    """An employer (a hospital, a school district): its staff verify certificates, and it
    buys seats for them (its invoices go to the billing contact)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    billing_contact: Mapped[str | None] = mapped_column(String(200))
    billing_email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(UserMixin, db.Model):
    """Anyone who signs in: learners, instructors, staff and employers."""

    # E-mail addresses are stored lower-cased; the CHECK makes the plain UNIQUE case-insensitive.
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    job_title: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    instructor_number: Mapped[str | None] = mapped_column(String(64))
    reminders_opt_out: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None]
    # Part of every session and remember-me cookie (get_id): raising it ends them all.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def grant(self, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role: {role!r}")
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))

    def revoke(self, role: str) -> None:
        self.role_rows = [row for row in self.role_rows if row.role != role]

    def get_id(self) -> str:
        """Flask-Login's id, "id:epoch" (its "alternative tokens"): a cookie made before the
        epoch was raised names an old epoch, and the user loader refuses it."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class UserRole(db.Model):
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class InstructorAuthorisation(db.Model):
    """An instructor's authorisation to teach one course family, until a date."""

    __table_args__ = (UniqueConstraint("instructor_id", "family"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    family: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    instructor: Mapped[User] = relationship()
