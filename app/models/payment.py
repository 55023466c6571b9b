"""Money at enrollment: the payment of each priced enrollment, promo codes, and the ids of
the provider events already applied (each applied once)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.course import Course
from app.models.vocab import PAYMENT_METHODS, PAYMENT_PROVIDERS, PAYMENT_STATUSES

if TYPE_CHECKING:
    from app.models.scheduling import Enrollment

promo_code_course = Table(
    "promo_code_course", db.metadata,
    Column("promo_code_id", ForeignKey("promo_code.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
)


class PromoCode(db.Model):
    """A discount: percent or amount off, a date range, a use limit, optionally some courses."""

    __tablename__ = "promo_code"
    __table_args__ = (
        CheckConstraint("(percent_off IS NULL) <> (amount_off_cents IS NULL)",
                        name="one_discount"),
        CheckConstraint("percent_off IS NULL OR (percent_off >= 1 AND percent_off <= 100)",
                        name="percent_in_range"),
        CheckConstraint("amount_off_cents IS NULL OR amount_off_cents > 0",
                        name="amount_positive"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
        # The last guard of the use limit: the counter never passes it, whatever the race.
        CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # stored upper-case
    percent_off: Mapped[int | None]
    amount_off_cents: Mapped[int | None]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    max_uses: Mapped[int | None]
    uses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    courses: Mapped[list[Course]] = relationship(secondary=promo_code_course, lazy="selectin")


class Payment(db.Model):
    """What an enrollment owes and what became of it; money is integer cents."""

    __table_args__ = (
        CheckConstraint(check_in("status", PAYMENT_STATUSES), name="status_known"),
        CheckConstraint(check_in("provider", PAYMENT_PROVIDERS), name="provider_known"),
        CheckConstraint("method IS NULL OR " + check_in("method", PAYMENT_METHODS),
                        name="method_known"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint("discount_cents >= 0", name="discount_not_negative"),
        Index("ix_payment_status_refund", "status", "refund_requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), unique=True)
    provider: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int]
    discount_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    promo_code_id: Mapped[int | None] = mapped_column(ForeignKey("promo_code.id"), index=True)
    # The hold a waitlisted learner gets when promoted: the terms they enrolled under.
    hold_minutes: Mapped[int | None]
    method: Mapped[str | None] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(255))
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), index=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    # Fixed before the first call to the provider, so a repeated call sends the same request.
    checkout_expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    refund_requested_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    refund_reference: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enrollment: Mapped[Enrollment] = relationship(back_populates="payment")
    promo_code: Mapped[PromoCode | None] = relationship()


class StripeEvent(db.Model):
    """A webhook event already applied: its id is stored once, so a redelivery changes nothing."""

    __tablename__ = "stripe_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class StrayCharge(db.Model):
    """Money Stripe took that no payment is owed for (a hold settled by staff while its Checkout
    was open, a second Checkout paid, an amount that was not the one due): refunded in full,
    once per payment intent."""

    __tablename__ = "stray_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_intent: Mapped[str] = mapped_column(String(255), unique=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(32))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    refunded_at: Mapped[datetime | None]
    refund_reference: Mapped[str | None] = mapped_column(String(255))

    enrollment: Mapped[Enrollment] = relationship()
