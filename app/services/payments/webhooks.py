"""Stripe's webhook events, each applied once: the event id is stored with what it did, so a
redelivery (or one arriving out of order) changes nothing; the amount and currency must match
what is due; a payment that arrives after its hold lapsed keeps the seat if one is free, else
it is refunded."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Enrollment, StripeEvent
from app.services import audit
from app.services import enrollment as enrollment_service
from app.services.enrollment import holds
from app.services.payments import refunds
from app.services.payments.settings import PaymentSettings
from app.services.payments.stray import record_stray

log = logging.getLogger(__name__)
# A delayed method (a bank debit) completes the Checkout unpaid and settles later with one of
# the async events; Lifeline asks for cards only, but a dashboard setting can add others.
PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
NOT_PAID = ("checkout.session.expired", "checkout.session.async_payment_failed")


def apply_event(session: Session, event: dict, now: datetime, settings: PaymentSettings) -> str:
    """Apply a verified event once; answers what it did ("duplicate" the second time)."""
    try:
        return _apply(session, event, now, settings)
    except IntegrityError:  # the same event, delivered twice at once: the other one applied it
        return "duplicate"


@one_transaction
def _apply(session: Session, event: dict, now: datetime, settings: PaymentSettings) -> str:
    enrollment_service.take_write_lock(session)
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    if session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event_id)):
        return "duplicate"
    outcome = _outcome(session, kind, (event.get("data") or {}).get("object") or {}, now)
    session.add(StripeEvent(event_id=event_id[:255], type=kind[:64], outcome=outcome,
                            received_at=now))
    session.flush()
    log.info("stripe event %s (%s): %s", event_id, kind, outcome)
    return outcome


def _enrollment_of(session: Session, checkout: dict) -> Enrollment | None:
    raw = (checkout.get("metadata") or {}).get("enrollment_id") or checkout.get(
        "client_reference_id")
    if not (isinstance(raw, str | int) and str(raw).isdigit() and 0 < int(raw) < 2**31):
        return None
    enrollment = session.get(Enrollment, int(raw))
    if enrollment is None or enrollment.payment is None:
        return None
    return enrollment


def _outcome(session: Session, kind: str, checkout: dict, now: datetime) -> str:
    if kind not in PAID + NOT_PAID:
        return "ignored"
    enrollment = _enrollment_of(session, checkout)
    if enrollment is None:
        return "unknown_enrollment"
    class_session = enrollment_service.locked_class_session(session, enrollment.session_id)
    session.refresh(enrollment)  # and its payment: staff may have settled it meanwhile
    session.refresh(enrollment.payment)
    if kind in NOT_PAID:
        return _expired(session, enrollment, class_session, checkout, now)
    return _completed(session, enrollment, class_session, checkout, now)


def _expired(session: Session, enrollment: Enrollment, class_session: ClassSession,
             checkout: dict, now: datetime) -> str:
    payment = enrollment.payment
    if enrollment.status != holds.HELD or payment.checkout_session_id != checkout.get("id"):
        return "nothing_held"
    enrollment.hold_expires_at = min(enrollment.hold_expires_at, now)
    session.flush()
    holds.release_lapsed(session, now, class_session.id)
    for waiting in holds.sessions_with_waitlist(session, [class_session.id]):
        enrollment_service.promote_from_waitlist(session, waiting, now)
    return "released"


def _completed(session: Session, enrollment: Enrollment, class_session: ClassSession,
               checkout: dict, now: datetime) -> str:
    payment = enrollment.payment
    intent = str(checkout.get("payment_intent") or checkout.get("id") or "")
    if checkout.get("payment_status") != "paid":
        return "not_paid"
    if (checkout.get("amount_total") != payment.amount_cents
            or str(checkout.get("currency") or "").lower() != payment.currency):
        return _wrong_amount(session, enrollment, checkout, now)
    if payment.status not in ("pending", "expired", "unpaid"):
        if payment.reference == intent[:255]:  # this very payment, announced again
            return "already_settled"
        record_stray(session, enrollment, checkout, checkout.get("payment_intent"),
                     "already_settled", now)
        return "already_settled_refunded"
    if enrollment.status == holds.HELD or enrollment.status == "enrolled":
        _mark_paid(session, enrollment, intent, now)
        return "paid"
    if enrollment.status == "cancelled" and _lapsed_not_withdrawn(enrollment) and \
            _seat_again(session, enrollment, class_session, now):
        _mark_paid(session, enrollment, intent, now)
        return "paid_late_seat_kept"
    _mark_paid(session, enrollment, intent, now, confirm=False)
    refunds.request_refund(session, None, enrollment.payment, now)
    return "paid_late_refunded"


def _wrong_amount(session: Session, enrollment: Enrollment, checkout: dict,
                  now: datetime) -> str:
    """Not the amount due: the money goes back; a hold still running gets a new Checkout."""
    payment = enrollment.payment
    log.warning("stripe checkout %s for enrollment %s: %s %s, %s %s due", checkout.get("id"),
                enrollment.id, checkout.get("amount_total"), checkout.get("currency"),
                payment.amount_cents, payment.currency)
    audit.record(session, None, "payment.amount_mismatch", "enrollment", enrollment.id,
                 paid=checkout.get("amount_total"), currency=checkout.get("currency"),
                 due=payment.amount_cents)
    record_stray(session, enrollment, checkout, checkout.get("payment_intent"),
                 "amount_mismatch", now)
    if payment.status == "pending" and payment.checkout_session_id == checkout.get("id"):
        payment.checkout_session_id = payment.checkout_url = payment.checkout_expires_at = None
    return "amount_mismatch_refunded"


def _lapsed_not_withdrawn(enrollment: Enrollment) -> bool:
    """Released because its hold ran out, not because the learner cancelled it."""
    return (enrollment.hold_expires_at is not None and enrollment.cancelled_at is not None
            and enrollment.cancelled_at >= enrollment.hold_expires_at)


def _seat_again(session: Session, enrollment: Enrollment, class_session: ClassSession,
                now: datetime) -> bool:
    """Give a late payer their seat back when the class is open and a seat is free."""
    if (class_session.status != "scheduled" or now >= class_session.starts_at
            or enrollment_service.active_enrollment(
                session, enrollment.learner_id, class_session.id) is not None):
        return False
    if not enrollment_service.claim_seat(session, class_session.id):
        return False
    enrollment.status, enrollment.cancelled_at, enrollment.updated_at = "enrolled", None, now
    holds.count_promoted_promo_use(session, enrollment)  # the lapse gave its use back
    return True


def _mark_paid(session: Session, enrollment: Enrollment, intent: str, now: datetime,
               confirm: bool = True) -> None:
    payment = enrollment.payment
    payment.status, payment.method, payment.reference = "paid", "stripe", intent[:255]
    payment.paid_at = payment.updated_at = now
    if enrollment.status == holds.HELD:
        enrollment.status, enrollment.updated_at = "enrolled", now
    session.flush()
    audit.record(session, None, "payment.paid", "enrollment", enrollment.id,
                 amount_cents=payment.amount_cents, currency=payment.currency, reference=intent)
    if confirm:
        refunds.notify(session, "enrollment_confirmed", enrollment)
