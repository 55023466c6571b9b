"""Employers buying training (API-2.md §3): seat orders with a voucher code, the enrollments
made with it, the invitations sent, and requests for private on-site classes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.course import Course
from app.models.scheduling import ClassSession, Enrollment
from app.models.user import Organisation, User
from app.models.vocab import CLASS_REQUEST_STATUSES, ORDER_STATUSES, PAYMENT_METHODS


class SeatOrder(db.Model):
    """N seats of a course bought by an organisation: open (any public session of the course)
    or set aside in one session. `seats_used` counts the enrollments holding one of them."""

    __tablename__ = "seat_order"
    __table_args__ = (
        CheckConstraint("seats > 0", name="seats_positive"),
        # The last guard of a voucher's limit: the counter never passes it, whatever the race.
        CheckConstraint("seats_used >= 0 AND seats_used <= seats", name="seats_used_within"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint(check_in("status", ORDER_STATUSES), name="status_known"),
        CheckConstraint("payment_method IS NULL OR " + check_in("payment_method", PAYMENT_METHODS),
                        name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id"), index=True)
    ordered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    seats: Mapped[int]
    seats_used: Mapped[int] = mapped_column(default=0)
    voucher_code: Mapped[str] = mapped_column(String(14), unique=True)  # XXXX-XXXX-XXXX
    status: Mapped[str] = mapped_column(String(16), default="unpaid")
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str | None] = mapped_column(String(16))
    payment_reference: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    course: Mapped[Course] = relationship(lazy="joined")
    class_session: Mapped[ClassSession | None] = relationship()
    redemptions: Mapped[list[OrderRedemption]] = relationship(
        back_populates="order", order_by="OrderRedemption.id")
    invitations: Mapped[list[OrderInvitation]] = relationship(
        back_populates="order", order_by="OrderInvitation.id")


class OrderRedemption(db.Model):
    """An enrollment made with an order's voucher (its payment is `covered`)."""

    __tablename__ = "order_redemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("seat_order.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[SeatOrder] = relationship(back_populates="redemptions")
    enrollment: Mapped[Enrollment] = relationship(lazy="joined")


class OrderInvitation(db.Model):
    """One address invited to use an order's voucher; the same address is one invitation."""

    __tablename__ = "order_invitation"
    __table_args__ = (UniqueConstraint("order_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("seat_order.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    times_sent: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[SeatOrder] = relationship(back_populates="invitations")


class ClassRequest(db.Model):
    """An employer's request for a private on-site class, until staff schedule it."""

    __tablename__ = "class_request"
    __table_args__ = (
        CheckConstraint("headcount > 0", name="headcount_positive"),
        CheckConstraint(check_in("status", CLASS_REQUEST_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    headcount: Mapped[int]
    preferred_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    location: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("seat_order.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    course: Mapped[Course] = relationship(lazy="joined")
    requested_by: Mapped[User | None] = relationship()
    class_session: Mapped[ClassSession | None] = relationship()
    order: Mapped[SeatOrder | None] = relationship()

    @property
    def dates(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.preferred_dates or []]
