"""What cancelling a class would do, read before staff confirm it (docs/design.md: a
confirmation states the consequence): who loses a seat or a waitlist place, which payments are
refunded or stopped, what goes back to employers' orders and the keycode bank. It reads the
same rows `cancel_session` and `payments.refund_session` act on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import ClassSession, Enrollment, Payment
from app.models.vocab import SEAT_CLAIMING_STATUSES
from app.services.payments.refunds import refunded_when_cancelled


@dataclass(frozen=True)
class CancellationPreview:
    seated: list[str]  # names of the learners who lose a seat (held ones included)
    waiting: list[str]  # names of the learners taken off the waitlist
    refunded_online: list[Payment]
    refunded_by_staff: list[Payment]  # marked refunded at once; the center pays them back
    checkouts_stopped: int
    vouchers_back: int
    keycodes_back: bool


def cancellation_preview(session: Session, class_session: ClassSession) -> CancellationPreview:
    enrollments = list(session.scalars(
        select(Enrollment).where(Enrollment.session_id == class_session.id)
        .options(selectinload(Enrollment.learner), selectinload(Enrollment.payment))
        .order_by(Enrollment.id)))
    seated = [e for e in enrollments if e.status in SEAT_CLAIMING_STATUSES]
    refunded = [e.payment for e in enrollments if refunded_when_cancelled(e)]
    return CancellationPreview(
        seated=[e.learner.full_name for e in seated],
        waiting=[e.learner.full_name for e in enrollments if e.status == "waitlisted"],
        refunded_online=[p for p in refunded if p.method == "stripe"],
        refunded_by_staff=[p for p in refunded if p.method != "stripe"],
        checkouts_stopped=sum(1 for e in seated if e.payment and e.payment.status == "pending"),
        vouchers_back=sum(1 for e in seated if e.payment and e.payment.status == "covered"),
        keycodes_back=bool(seated) and class_session.course.format == "blended")
