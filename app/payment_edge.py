"""The edge's view of payments: the settings and the provider of the running app (the provider
is built once per app, its Stripe client kept in app.extensions)."""

from __future__ import annotations

import logging

from flask import current_app

from app.extensions import db
from app.models.base import utcnow
from app.services import payments
from app.services.errors import PaymentUnavailable

log = logging.getLogger(__name__)


def payment_settings() -> payments.PaymentSettings:
    return payments.settings_from(current_app.config)


def payment_provider() -> payments.Provider:
    provider = current_app.extensions.get("payment_provider")
    if provider is None:
        provider = payments.provider_from(current_app.config)
        current_app.extensions["payment_provider"] = provider
    return provider


def open_checkout_for(enrollment) -> None:
    """Make a new hold's Checkout Session after its enrollment committed; if the provider fails
    the hold stays, and its pay link (Lifeline's page) tries again when the learner opens it."""
    if enrollment.status != "pending_payment":
        return
    try:
        payments.open_checkout(db.session, payment_provider(), enrollment.id, utcnow(),
                               payment_settings())
    except PaymentUnavailable as error:
        log.warning("no checkout yet for enrollment %s: %s", enrollment.id, error)


def after_cancel(enrollment) -> None:
    """After a cancellation committed: make the refund it asked for now (the sweep retries a
    failure), or stop the Checkout Session of a hold given up."""
    payment = enrollment.payment
    if payment is None:
        return
    payment_id, checkout_id = payment.id, payment.checkout_session_id
    if payment.status == "paid" and payment.refund_requested_at is not None:
        payments.run_refunds(db.session, payment_provider(), utcnow(), [payment_id])
    elif payment.status == "expired" and checkout_id:
        payment_provider().expire_checkout(checkout_id)
    db.session.refresh(enrollment)


def after_staff_settled(enrollment) -> None:
    """After staff recorded or waived a held seat's payment: stop its Checkout, so the learner
    cannot pay a second time (money that still arrives is refunded as a stray charge)."""
    payment = enrollment.payment
    if payment is not None and payment.checkout_session_id and payment.method != "stripe":
        payment_provider().expire_checkout(payment.checkout_session_id)


def after_session_cancelled(class_session_id: int) -> None:
    """After the center cancelled a class: stop its holds' Checkouts first (so no one pays for
    a class that will not happen), then make its refunds now rather than at the next sweep
    (which retries any the provider refuses)."""
    checkouts, owed = payments.left_by_cancelled_class(db.session, class_session_id)
    for checkout_id in checkouts:
        payment_provider().expire_checkout(checkout_id)
    if owed:
        payments.run_refunds(db.session, payment_provider(), utcnow(), owed)
