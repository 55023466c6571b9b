"""Enrolling with a voucher (API-2.md §3): the order pays (payment `covered`); a session order's
seat was set aside already, an open order's is claimed like any enrollment's; the order's use
is counted in one conditional UPDATE, so its last seat cannot be used twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Enrollment, OrderRedemption, Payment, SeatOrder, User
from app.services import audit, notifications
from app.services import enrollment as enrollment_service
from app.services.certificates import codes
from app.services.enrollment.seats import require_id
from app.services.errors import (
    AlreadyEnrolled,
    Conflict,
    EnrollmentClosed,
    InvalidVoucher,
    NotFound,
    SessionCancelled,
    VoucherNotValidHere,
    VoucherUsedUp,
)
from app.services.language.text import N_
from app.services.orders.placing import VOUCHER_LENGTH

MISTYPED = N_("This voucher code looks mistyped: check its characters.")


def voucher_order(session: Session, text: str | None) -> SeatOrder:
    """The order of a typed voucher code; InvalidVoucher (saying "mistyped" when the check
    symbol fails) when there is none."""
    code, mistyped = codes.short_code_keys(text or "", VOUCHER_LENGTH)
    if mistyped:
        raise InvalidVoucher(MISTYPED)
    order = session.scalar(select(SeatOrder).where(SeatOrder.voucher_code == code)) if code else None
    if order is None:
        raise InvalidVoucher()
    return order


def check_fits(order: SeatOrder, class_session: ClassSession) -> None:
    """VoucherNotValidHere for another course, another session of a session order, or a
    private class the order is not for."""
    if (class_session.course_id != order.course_id
            or (order.session_id is not None and order.session_id != class_session.id)
            or (class_session.private and order.session_id != class_session.id)):
        raise VoucherNotValidHere()


def _take_use(session: Session, order: SeatOrder) -> None:
    taken = session.execute(
        update(SeatOrder).where(SeatOrder.id == order.id, SeatOrder.seats_used < SeatOrder.seats)
        .values(seats_used=SeatOrder.seats_used + 1).execution_options(synchronize_session=False))
    session.expire(order, ["seats_used"])
    if taken.rowcount != 1:
        raise VoucherUsedUp()


@one_transaction
def redeem(session: Session, learner: User, class_id: int, voucher: str | None,
           now: datetime) -> Enrollment:
    """Enroll the learner in the session with an order's voucher; commits."""
    require_id(class_id, "No class session has this id.")
    enrollment_service.take_write_lock(session)
    class_session = session.scalar(select(ClassSession).where(ClassSession.id == class_id)
                                   .with_for_update(of=ClassSession)
                                   .execution_options(populate_existing=True))
    if class_session is None:
        raise NotFound(N_("No class session has this id."))
    order = voucher_order(session, voucher)
    check_fits(order, class_session)
    session.refresh(order, ["seats_used"])
    if order.seats_used >= order.seats:
        raise VoucherUsedUp()
    if class_session.status == "cancelled":
        raise SessionCancelled()
    if (class_session.status != "scheduled" or now >= class_session.enrollment_closes_at
            or now >= class_session.starts_at):
        raise EnrollmentClosed()
    if enrollment_service.active_enrollment(session, learner.id, class_id) is not None:
        raise AlreadyEnrolled()
    if order.session_id is None and not enrollment_service.claim_seat(session, class_id):
        raise Conflict(N_("This class is full; choose another class of the course."))
    _take_use(session, order)
    enrollment = Enrollment(learner_id=learner.id, session_id=class_id, status="enrolled",
                            created_at=now, updated_at=now)
    session.add(enrollment)
    try:
        session.flush()
    except IntegrityError as error:  # a second request of the same learner won the race
        raise AlreadyEnrolled() from error
    enrollment.learner, enrollment.session = learner, class_session
    enrollment.payment = Payment(
        enrollment_id=enrollment.id, provider="manual", status="covered",
        amount_cents=order.amount_cents // order.seats, currency=order.currency,
        method="invoice", reference=f"order {order.id}", created_at=now, updated_at=now)
    session.add(OrderRedemption(order_id=order.id, enrollment_id=enrollment.id, created_at=now))
    notifications.enqueue(session, kind="enrollment_confirmed", recipient=learner,
                          event_key=f"enrollment_confirmed:{enrollment.id}",
                          context=enrollment_service.mail_context(enrollment),
                          subject=("enrollment", enrollment.id))
    audit.record(session, learner, "enrollment.enrolled", "enrollment", enrollment.id,
                 session_id=class_id, learner=learner.email, order_id=order.id)
    return enrollment


def open_sessions(session: Session, order: SeatOrder, now: datetime) -> list[ClassSession]:
    """Where the voucher can be used now: its session, or every upcoming public session of
    its course, soonest first."""
    query = select(ClassSession).where(
        ClassSession.status == "scheduled", ClassSession.enrollment_closes_at > now,
        ClassSession.starts_at > now).order_by(ClassSession.starts_at, ClassSession.id)
    if order.session_id is not None:
        query = query.where(ClassSession.id == order.session_id)
    else:
        query = query.where(ClassSession.course_id == order.course_id,
                            ClassSession.private_for_id.is_(None))
    return list(session.scalars(query))


def open_sessions_of_courses(session: Session, now: datetime, limit: int = 200
                             ) -> list[ClassSession]:
    """Upcoming public sessions still open for enrollment (where a session order can go)."""
    return list(session.scalars(
        select(ClassSession).where(
            ClassSession.status == "scheduled", ClassSession.enrollment_closes_at > now,
            ClassSession.private_for_id.is_(None))
        .order_by(ClassSession.starts_at, ClassSession.id).limit(limit)))
