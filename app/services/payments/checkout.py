"""Enrolling with a price: the charge is decided, the seat claimed (held while the learner
pays online) in the enrollment's one transaction; the Checkout Session is made after it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Enrollment, Payment, StrayCharge, User
from app.services import audit
from app.services import enrollment as enrollment_service
from app.services.clock import local_date
from app.services.enrollment import holds
from app.services.enrollment.seats import require_id
from app.services.errors import NotFound
from app.services.language.text import N_
from app.services.payments import pricing
from app.services.payments.providers import CheckoutRequest, Provider
from app.services.payments.settings import PaymentSettings

# Stripe makes no Checkout Session that ends sooner than 30 minutes after it is made; a minute
# more covers the trip there. A hold whose end comes sooner is lengthened to match. A request
# repeated within half a minute (a double click, a lost answer) is sent again unchanged, under
# the same idempotency key; a later retry asks for a new end, since the old one is too close.
STRIPE_SHORTEST = timedelta(minutes=30)
SHORTEST_CHECKOUT = STRIPE_SHORTEST + timedelta(minutes=1)
SAME_REQUEST_WITHIN = SHORTEST_CHECKOUT - STRIPE_SHORTEST - timedelta(seconds=30)


@one_transaction
def enroll(session: Session, learner: User, class_id: int, now: datetime,
           settings: PaymentSettings, promo_code: str | None = None) -> Enrollment:
    """Enroll at the class's price (less a promo code): free or manual → a seat; online →
    a held seat while the learner pays; full → the waitlist. Commits."""
    require_id(class_id, N_("No class session has this id."))
    enrollment_service.take_write_lock(session)
    class_session = session.get(ClassSession, class_id)
    if class_session is None:
        raise NotFound(N_("No class session has this id."))
    charge = pricing.charge_for(session, class_session, promo_code, settings,
                                local_date(now, settings.zone_name))
    return enrollment_service.enroll(session, learner, class_id, now, charge=charge)


def open_checkout(session: Session, provider: Provider, enrollment_id: int, now: datetime,
                  settings: PaymentSettings) -> str | None:
    """The Checkout URL of a held seat, made once (call outside any transaction; safe to
    repeat: the request and its idempotency key are fixed before the first call). None when
    the enrollment holds no seat waiting for payment. PaymentUnavailable when Stripe fails."""
    request = _checkout_terms(session, enrollment_id, now, settings)
    if isinstance(request, str) or request is None:
        return request
    checkout = provider.create_checkout(request)  # no transaction is open during the call
    return _record_checkout(session, enrollment_id, checkout.id, checkout.url)


@one_transaction
def _checkout_terms(session: Session, enrollment_id: int, now: datetime,
                    settings: PaymentSettings) -> CheckoutRequest | str | None:
    enrollment_service.take_write_lock(session)
    enrollment = session.get(Enrollment, enrollment_id)
    payment = enrollment.payment if enrollment else None
    if (payment is None or enrollment.status != holds.HELD or payment.status != "pending"
            or enrollment.hold_expires_at <= now):
        return None
    if payment.checkout_url:
        return payment.checkout_url
    if (payment.checkout_expires_at is None
            or payment.checkout_expires_at < now + STRIPE_SHORTEST + SAME_REQUEST_WITHIN):
        ends = max(enrollment.hold_expires_at, now + SHORTEST_CHECKOUT)
        payment.checkout_expires_at = enrollment.hold_expires_at = ends
    course = enrollment.session.course
    back = f"{settings.public_base_url}/enrollments/{enrollment.id}/payment"
    # A Checkout paid with the wrong amount was refunded: the next one is a new request.
    refused = session.scalar(select(func.count()).select_from(StrayCharge).where(
        StrayCharge.enrollment_id == enrollment.id, StrayCharge.reason == "amount_mismatch"))
    return CheckoutRequest(
        enrollment_id=enrollment.id, attempt=refused, amount_cents=payment.amount_cents,
        currency=payment.currency, description=f"{course.title} ({course.code})",
        customer_email=enrollment.learner.email, expires_at=payment.checkout_expires_at,
        success_url=back, cancel_url=back)


@one_transaction
def _record_checkout(session: Session, enrollment_id: int, checkout_id: str, url: str) -> str:
    payment = session.scalar(select(Payment).where(Payment.enrollment_id == enrollment_id))
    if payment.checkout_url is None:
        payment.checkout_session_id, payment.checkout_url = checkout_id, url
        audit.record(session, None, "payment.checkout_opened", "enrollment", enrollment_id,
                     checkout_session=checkout_id)
    return payment.checkout_url


def my_enrollment(session: Session, actor: User, enrollment_id: int) -> Enrollment:
    """The actor's own enrollment (or any, for an admin); NotFound otherwise."""
    require_id(enrollment_id, N_("No enrollment of yours has this id."))
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or (enrollment.learner_id != actor.id and not actor.has_role("admin")):
        raise NotFound(N_("No enrollment of yours has this id."))
    return enrollment
