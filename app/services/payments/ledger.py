"""Staff and payments: record one taken at class (cash, card, check, invoice) or waive it;
the payments list with its filters and CSV; revenue per course and month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from app.database import one_transaction
from app.models import ClassSession, Course, Enrollment, Payment, User
from app.services import audit
from app.services import enrollment as enrollment_service
from app.services.enrollment import holds
from app.services.errors import Conflict, Invalid, NotFound, one_line
from app.services.payments.refunds import notify
from app.services.payments.settings import PaymentSettings
from app.services.records.csv_cells import csv_text
from app.services.records.reports import Report, _month_bucket, month_starts

STAFF_METHODS = ("cash", "card", "check", "invoice")
SETTLED = ("paid", "waived", "covered", "refunded", "not_required")


@one_transaction
def record_payment(session: Session, actor: User, enrollment_id: int, status: str,
                   method: str, reference: str | None, now: datetime,
                   settings: PaymentSettings) -> Enrollment:
    """Staff record a payment taken (or waive it); a held seat becomes a seat. Commits."""
    if status not in ("paid", "waived"):
        raise Invalid.field("status", "Must be paid or waived.")
    if method not in STAFF_METHODS:
        raise Invalid.field("method", f"Must be one of {', '.join(STAFF_METHODS)}.")
    reference = one_line("reference", (reference or "").strip() or None)
    enrollment_service.take_write_lock(session)
    enrollment = session.get(Enrollment, enrollment_id) if 0 < enrollment_id < 2**31 else None
    if enrollment is None:
        raise NotFound("No enrollment has this id.")
    # The class's row first, as a webhook paying this seat locks it: one of the two waits, and
    # then reads what the other wrote (else both see "pending" and one overwrites the other).
    enrollment_service.locked_class_session(session, enrollment.session_id)
    session.refresh(enrollment)
    if enrollment.payment is not None:
        session.refresh(enrollment.payment)
    if enrollment.status not in ("enrolled", holds.HELD, "passed", "failed", "no_show"):
        raise Conflict(f"This enrollment is {enrollment.status}; only a seat can be paid for.")
    payment = enrollment.payment or _payment_for(session, enrollment, settings, now)
    if payment.status in SETTLED:
        raise Conflict(f"This payment is already {payment.status}.")
    was_held = enrollment.status == holds.HELD
    payment.status, payment.method, payment.reference = status, method, reference
    payment.paid_at = payment.updated_at = now
    if was_held:
        enrollment.status, enrollment.updated_at = "enrolled", now
    session.flush()
    audit.record(session, actor, f"payment.{status}", "enrollment", enrollment.id,
                 method=method, reference=reference, amount_cents=payment.amount_cents)
    if was_held:
        notify(session, "enrollment_confirmed", enrollment)
    return enrollment


def _payment_for(session: Session, enrollment: Enrollment, settings: PaymentSettings,
                 now: datetime) -> Payment:
    """A payment row for an enrollment made before it needed one (a free or older one)."""
    payment = Payment(enrollment_id=enrollment.id, provider="manual", status="unpaid",
                      amount_cents=enrollment.session.price_due_cents,
                      currency=settings.currency, created_at=now, updated_at=now)
    session.add(payment)
    enrollment.payment = payment
    return payment


@dataclass(frozen=True)
class PaymentFilter:
    status: str = ""
    method: str = ""
    course_code: str = ""
    date_from: datetime | None = None
    date_to: datetime | None = None


def list_payments(session: Session, criteria: PaymentFilter, limit: int = 500) -> list[Payment]:
    """Payments, newest first, with their enrollment, learner, session and course loaded."""
    query = (select(Payment).join(Payment.enrollment).join(Enrollment.session)
             .join(ClassSession.course)
             .options(contains_eager(Payment.enrollment).contains_eager(Enrollment.session)
                      .contains_eager(ClassSession.course)))
    if criteria.status:
        query = query.where(Payment.status == criteria.status)
    if criteria.method:
        query = query.where(Payment.method == criteria.method)
    if criteria.course_code:
        query = query.where(func.upper(Course.code) == criteria.course_code.strip().upper())
    if criteria.date_from:
        query = query.where(Payment.created_at >= criteria.date_from)
    if criteria.date_to:
        query = query.where(Payment.created_at < criteria.date_to)
    return list(session.scalars(query.order_by(Payment.id.desc()).limit(limit)).unique())


PAYMENT_COLUMNS = ("enrollment_id", "learner_email", "course_code", "session_starts_at",
                   "status", "amount_cents", "currency", "method", "reference", "paid_at",
                   "refunded_at", "refund_reference")


def payments_csv(payments: list[Payment]) -> str:
    rows = ((p.enrollment_id, p.enrollment.learner.email, p.enrollment.session.course.code,
             p.enrollment.session.starts_at.isoformat(), p.status, p.amount_cents, p.currency,
             p.method or "", p.reference or "", p.paid_at.isoformat() if p.paid_at else "",
             p.refunded_at.isoformat() if p.refunded_at else "", p.refund_reference or "")
            for p in payments)
    return csv_text(PAYMENT_COLUMNS, rows)


def revenue_by_course_month(session: Session, zone: str, first: date, last: date) -> Report:
    """Per course and month of the class: money taken (paid) and refunded, in cents."""
    month, period_start, period_end = _month_bucket(month_starts(first, last), zone)
    taken = func.sum(func.coalesce(Payment.amount_cents, 0)).filter(
        Payment.status.in_(("paid", "refunded")))
    refunded = func.sum(func.coalesce(Payment.amount_cents, 0)).filter(
        Payment.status == "refunded")
    query = (select(month, Course.code, Payment.currency, func.count(Payment.id), taken, refunded)
             .select_from(Payment).join(Payment.enrollment).join(Enrollment.session)
             .join(ClassSession.course)
             .where(ClassSession.starts_at >= period_start, ClassSession.starts_at < period_end,
                    Payment.status.in_(("paid", "refunded")))
             .group_by(month, Course.code, Payment.currency)
             .order_by(month, Course.code, Payment.currency))
    rows = [(m, code, currency, n, int(t or 0), int(r or 0), int(t or 0) - int(r or 0))
            for m, code, currency, n, t, r in session.execute(query)]
    return Report("revenue", "Revenue per course per month",
                  ("month", "course_code", "currency", "payments", "taken_cents",
                   "refunded_cents", "net_cents"), rows)
