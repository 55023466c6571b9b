"""Refunds: by the policy (REFUND_CUTOFF_HOURS) when a learner cancels, in full when the center
cancels, and at a staff member's request. A refund is requested in the cancelling transaction
and made at Stripe after it commits (retried by the periodic sweep until it is recorded);
a manual payment is marked refunded at once for staff to pay back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.database import one_transaction
from app.models import ClassSession, Enrollment, Payment, User
from app.services import audit, blended, notifications
from app.services import enrollment as enrollment_service
from app.services.enrollment import holds
from app.services.errors import Conflict, NotFound
from app.services.payments.providers import Provider, refund_each
from app.services.payments.settings import PaymentSettings
from app.services.payments.stray import run_stray_refunds

log = logging.getLogger(__name__)


def notify(session: Session, kind: str, enrollment: Enrollment) -> None:
    """Mail the learner about their payment (once per kind and enrollment)."""
    payment = enrollment.payment
    context = enrollment_service.mail_context(enrollment) | {
        "amount_cents": payment.amount_cents, "currency": payment.currency,
        "payment_status": payment.status, "learner_name": enrollment.learner.full_name}
    if kind == "enrollment_confirmed":  # a paid hold is a seat now: a blended one gets its key
        context |= blended.seat_taken(session, enrollment, enrollment.updated_at)
    notifications.enqueue(session, kind=kind, recipient=enrollment.learner,
                          event_key=f"{kind}:{enrollment.id}", context=context,
                          subject=("enrollment", enrollment.id))


def request_refund(session: Session, actor: User | None, payment: Payment,
                   now: datetime) -> None:
    """Ask for the whole payment back; a payment not taken online is marked refunded now."""
    if payment.status != "paid" or payment.refund_requested_at is not None:
        return
    payment.refund_requested_at = payment.updated_at = now
    audit.record(session, actor, "payment.refund_requested", "enrollment",
                 payment.enrollment_id, amount_cents=payment.amount_cents)
    if payment.method != "stripe":
        _record_refunded(session, payment, None, now)


def _record_refunded(session: Session, payment: Payment, reference: str | None,
                     now: datetime) -> None:
    payment.status, payment.refunded_at, payment.updated_at = "refunded", now, now
    payment.refund_reference = reference
    session.flush()
    audit.record(session, None, "payment.refunded", "enrollment", payment.enrollment_id,
                 amount_cents=payment.amount_cents, reference=reference,
                 method=payment.method)
    notify(session, "payment_refunded", payment.enrollment)


def settle_cancelled(session: Session, actor: User | None, enrollment: Enrollment,
                     now: datetime, settings: PaymentSettings, *, full: bool,
                     had_seat: bool = True) -> None:
    """What a cancellation does to the money: a paid one is refunded when `full` or early
    enough before the start; the rest as `_settle_given_up` says."""
    payment = enrollment.payment
    if payment is None:
        return
    cutoff = enrollment.session.starts_at - timedelta(hours=settings.refund_cutoff_hours)
    _settle_given_up(session, actor, payment, now, refund=full or now <= cutoff,
                     had_seat=had_seat)


def _settle_given_up(session: Session, actor: User | None, payment: Payment, now: datetime, *,
                     refund: bool, had_seat: bool) -> None:
    """A place given up: a hold's payment expires; a paid one is refunded when `refund`; a
    promo code's use comes back when the place neither keeps a seat nor kept the money (a
    waitlist place never took one)."""
    gives_back = had_seat and payment.status in ("pending", "unpaid", "not_required",
                                                 "waived", "refunded")
    if payment.status == "pending":
        payment.status, payment.updated_at = "expired", now
    elif payment.status == "paid" and refund:
        request_refund(session, actor, payment, now)
        gives_back = True
    if gives_back:
        holds.give_back_promo_uses(session, [payment.promo_code_id])


@one_transaction
def cancel_enrollment(session: Session, actor: User, enrollment_id: int, now: datetime,
                      settings: PaymentSettings) -> Enrollment:
    """Cancel (as enrollment.cancel_enrollment) and settle the payment: refunded by the policy
    for the learner, in full when staff cancel someone's place. Commits."""
    before = session.get(Enrollment, enrollment_id) if 0 < enrollment_id < 2**31 else None
    was_active = before is not None and before.status != "cancelled"
    had_seat = before is not None and before.status != "waitlisted"
    enrollment = enrollment_service.cancel_enrollment(session, actor, enrollment_id, now)
    if was_active:
        by_staff = actor.has_role("admin") and actor.id != enrollment.learner_id
        settle_cancelled(session, actor, enrollment, now, settings, full=by_staff,
                         had_seat=had_seat)
    return enrollment


GIVEN_UP_WITH_THE_CLASS = ("enrolled", holds.HELD, "waitlisted")


def refunded_when_cancelled(enrollment: Enrollment) -> bool:
    """Whether the center cancelling the class refunds this place's payment: every payment
    kept by a place the class takes away, and a late cancellation's (the class it paid for will
    not happen); not a place with an outcome recorded."""
    payment = enrollment.payment
    return (payment is not None and payment.status == "paid"
            and payment.refund_requested_at is None
            and enrollment.status in (*GIVEN_UP_WITH_THE_CLASS, "cancelled"))


def refund_session(session: Session, class_session: ClassSession, now: datetime) -> None:
    """The center cancelled the class: every paid enrollment is refunded in full, every hold's
    payment expires, promo uses come back (inside the cancelling transaction, before its
    enrollments are cancelled; the class's row is locked, so the rows read here are current)."""
    places = session.scalars(select(Enrollment).where(
        Enrollment.session_id == class_session.id).options(selectinload(Enrollment.payment))
        .execution_options(populate_existing=True))
    for enrollment in places.all():
        if enrollment.status in GIVEN_UP_WITH_THE_CLASS and enrollment.payment is not None:
            _settle_given_up(session, None, enrollment.payment, now, refund=True,
                             had_seat=enrollment.status != "waitlisted")
        elif refunded_when_cancelled(enrollment):  # cancelled late: its seat is long gone
            _settle_given_up(session, None, enrollment.payment, now, refund=True,
                             had_seat=False)


@one_transaction
def left_by_cancelled_class(session: Session, class_session_id: int) -> tuple[list[str], list[int]]:
    """What a cancelled class leaves for after the commit: its holds' Checkouts to stop at
    Stripe, and its payments whose refund is owed there."""
    of_class = select(Payment).join(Payment.enrollment).where(
        Enrollment.session_id == class_session_id)
    checkouts = session.scalars(of_class.where(
        Payment.status == "expired", Payment.checkout_session_id.is_not(None)))
    owed = session.scalars(of_class.where(
        Payment.status == "paid", Payment.method == "stripe",
        Payment.refund_requested_at.is_not(None)))
    return [p.checkout_session_id for p in checkouts], [p.id for p in owed]


@one_transaction
def refund_by_staff(session: Session, actor: User, enrollment_id: int, now: datetime) -> Payment:
    """The staff refund button: the whole payment back, whatever the policy. Commits."""
    enrollment = session.get(Enrollment, enrollment_id) if 0 < enrollment_id < 2**31 else None
    if enrollment is None or enrollment.payment is None:
        raise NotFound("No payment is recorded for this enrollment.")
    if enrollment.payment.status not in ("paid", "refunded"):
        raise Conflict("Only a paid enrollment can be refunded.")
    request_refund(session, actor, enrollment.payment, now)
    return enrollment.payment


def run_refunds(session: Session, provider: Provider, now: datetime,
                payment_ids: list[int] | None = None) -> int:
    """Make the requested online refunds at the provider (outside any transaction; each call
    keyed per payment, so a repeat returns the first refund), and, unless some payments are
    named, the refunds of stray charges. Answers how many were recorded."""
    done = 0 if payment_ids is not None else run_stray_refunds(session, provider, now)
    made = refund_each(provider, _refunds_due(session, payment_ids), "payment",
                       lambda payment_id, _intent: f"refund-{payment_id}")
    return done + sum(_record_refund(session, payment_id, reference, now)
                      for payment_id, reference in made)


@one_transaction
def _refunds_due(session: Session, payment_ids: list[int] | None) -> list[tuple[int, str, int]]:
    query = select(Payment.id, Payment.reference, Payment.amount_cents).where(
        Payment.status == "paid", Payment.refund_requested_at.is_not(None),
        Payment.method == "stripe", Payment.reference.is_not(None)).order_by(Payment.id)
    if payment_ids is not None:
        query = query.where(Payment.id.in_(payment_ids))
    return [tuple(row) for row in session.execute(query.limit(500))]


@one_transaction
def _record_refund(session: Session, payment_id: int, reference: str, now: datetime) -> int:
    enrollment_service.take_write_lock(session)
    payment = session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
    if payment.status != "paid":  # a concurrent sweep recorded it first
        return 0
    _record_refunded(session, payment, reference, now)
    return 1
