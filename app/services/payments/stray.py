"""Money Stripe took that no payment is owed for: a hold that staff settled (cash, waived) while
its Checkout was still open, a second Checkout of the same seat paid, an amount that was not the
one due. It is recorded in the event's transaction, refunded in full at Stripe after the commit
(the sweep retries a failure), once per payment intent, and the learner is told."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.database import one_transaction
from app.models import Enrollment, StrayCharge
from app.services import audit, notifications
from app.services import enrollment as enrollment_service
from app.services.enrollment import holds
from app.services.payments.providers import Provider, refund_each

log = logging.getLogger(__name__)


def record_stray(session: Session, enrollment: Enrollment, checkout: dict, intent: str | None,
                 reason: str, now: datetime) -> bool:
    """Note a charge to give back (no commit); False when this intent is already noted, or
    there is none (a Checkout that took no money has nothing to refund)."""
    amount = checkout.get("amount_total")
    if not intent or not isinstance(amount, int) or amount <= 0 or session.scalar(
            select(StrayCharge.id).where(StrayCharge.payment_intent == intent[:255])):
        return False
    currency = str(checkout.get("currency") or enrollment.payment.currency).lower()[:3]
    session.add(StrayCharge(payment_intent=intent[:255], enrollment_id=enrollment.id,
                            amount_cents=amount, currency=currency, reason=reason, found_at=now))
    session.flush()
    log.warning("stripe charge %s for enrollment %s is not owed (%s): refunding %s %s", intent,
                enrollment.id, reason, amount, currency)
    audit.record(session, None, "payment.stray_charge", "enrollment", enrollment.id,
                 reference=intent, amount_cents=amount, currency=currency, reason=reason)
    return True


def run_stray_refunds(session: Session, provider: Provider, now: datetime) -> int:
    """Refund every stray charge not yet refunded (outside any transaction; keyed per intent,
    so a repeat gets the first refund back). Answers how many were recorded."""
    made = refund_each(provider, _due(session), "stray charge",
                       lambda _charge_id, intent: f"stray-{intent}")
    return sum(_record_refund(session, charge_id, reference, now)
               for charge_id, reference in made)


@one_transaction
def _due(session: Session) -> list[tuple[int, str, int]]:
    query = (select(StrayCharge.id, StrayCharge.payment_intent, StrayCharge.amount_cents)
             .where(StrayCharge.refunded_at.is_(None)).order_by(StrayCharge.id).limit(500))
    return [tuple(row) for row in session.execute(query)]


@one_transaction
def _record_refund(session: Session, charge_id: int, reference: str, now: datetime) -> int:
    enrollment_service.take_write_lock(session)
    charge = session.get(StrayCharge, charge_id, with_for_update=True, populate_existing=True)
    if charge.refunded_at is not None:  # a concurrent sweep recorded it first
        return 0
    charge.refunded_at, charge.refund_reference = now, reference
    audit.record(session, None, "payment.stray_refunded", "enrollment", charge.enrollment_id,
                 reference=reference, amount_cents=charge.amount_cents)
    enrollment = session.get(Enrollment, charge.enrollment_id)
    notifications.enqueue(
        session, kind="stray_charge_refunded", recipient=enrollment.learner,
        event_key=f"stray_charge_refunded:{charge.id}",
        context=enrollment_service.mail_context(enrollment) | {
            "amount_cents": charge.amount_cents, "currency": charge.currency,
            "reason": charge.reason, "learner_name": enrollment.learner.full_name,
            # a wrong amount's seat, still held, can be paid again (a new Checkout is offered)
            "may_pay_again": enrollment.status == holds.HELD and enrollment.hold_expires_at > now},
        subject=("enrollment", enrollment.id))
    return 1


def recent_stray_charges(session: Session, limit: int = 50) -> list[StrayCharge]:
    """The newest stray charges, with their enrollment's learner, session and course, for the
    staff payments page."""
    return list(session.scalars(
        select(StrayCharge).options(joinedload(StrayCharge.enrollment))
        .order_by(StrayCharge.id.desc()).limit(limit)))
