"""Seat orders (API-2.md §3): an organisation buys N seats of a course, open or set aside in
one session at once (the same atomic seat count as enrollment), paid by invoice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Course, Organisation, SeatOrder, User
from app.services import audit
from app.services.certificates import codes
from app.services.clock import day_start_utc
from app.services.enrollment.seats import require_id, take_write_lock
from app.services.errors import Conflict, Invalid, NotEnoughSeats, NotFound, one_line
from app.services.payments.ledger import STAFF_METHODS
from app.services.records.reports import Report

VOUCHER_LENGTH = 12
MAX_SEATS = 500
NO_ORGANISATION = ("Your account is not linked to an organisation; ask the training center to "
                   "link it.")


def organisation_id_of(employer: User) -> int:
    """The employer's organisation; Invalid when the account has none (it may only verify)."""
    if employer.organisation_id is None:
        raise Invalid(NO_ORGANISATION)
    return employer.organisation_id


def offered_course(session: Session, code: str | None) -> Course:
    course = session.scalar(select(Course).where(Course.code == (code or "")))
    if course is None or not course.active or course.instructor_course:
        raise Invalid.field("course", "No course on offer has this code.")
    return course


def _check_seats(seats) -> int:
    if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats <= MAX_SEATS:
        raise Invalid.field("seats", f"Order 1 to {MAX_SEATS} seats.")
    return seats


def new_voucher_code(session: Session) -> str:
    """A voucher code no order has yet (11 random symbols and a check symbol)."""
    while True:
        code = codes.generate_short_code(VOUCHER_LENGTH)
        if session.scalar(select(SeatOrder.id).where(SeatOrder.voucher_code == code)) is None:
            return code


def set_aside(session: Session, class_session_id: int, seats: int) -> None:
    """Take `seats` seats of the session in one conditional UPDATE, or NotEnoughSeats."""
    taken = session.execute(
        update(ClassSession)
        .where(ClassSession.id == class_session_id,
               ClassSession.seats_taken + seats <= ClassSession.capacity)
        .values(seats_taken=ClassSession.seats_taken + seats)
        .execution_options(synchronize_session=False))
    loaded = session.identity_map.get((ClassSession, (class_session_id,), None))
    if loaded is not None:
        session.expire(loaded, ["seats_taken"])
    if taken.rowcount != 1:
        raise NotEnoughSeats()


def _order_session(session: Session, course: Course, session_id: int, organisation_id: int,
                   now: datetime) -> ClassSession:
    require_id(session_id, "No class session has this id.")
    class_session = session.scalar(select(ClassSession).where(ClassSession.id == session_id)
                                   .with_for_update(of=ClassSession)
                                   .execution_options(populate_existing=True))
    if (class_session is None or class_session.course_id != course.id
            or class_session.private_for_id not in (None, organisation_id)):
        raise Invalid.field("session_id", "No class of this course has this id.")
    if class_session.status != "scheduled" or now >= class_session.enrollment_closes_at:
        raise Invalid.field("session_id", "Enrollment for this class is closed.")
    return class_session


def add_order(session: Session, actor: User | None, *, organisation_id: int, course: Course,
              seats: int, class_session: ClassSession | None, currency: str,
              now: datetime) -> SeatOrder:
    """Record an order (its seats set aside first when it is for one session); no commit."""
    if class_session is not None:
        set_aside(session, class_session.id, seats)
        unit_price = class_session.price_due_cents
    else:
        unit_price = course.price_cents
    order = SeatOrder(organisation_id=organisation_id, course=course,
                      session_id=class_session.id if class_session else None,
                      ordered_by_id=actor.id if actor else None, seats=seats, seats_used=0,
                      voucher_code=new_voucher_code(session), status="unpaid",
                      amount_cents=unit_price * seats, currency=currency, created_at=now)
    session.add(order)
    session.flush()
    audit.record(session, actor, "order.placed", "seat_order", order.id, seats=seats,
                 course=course.code, session_id=order.session_id,
                 amount_cents=order.amount_cents)
    return order


@one_transaction
def place_order(session: Session, employer: User, course_code: str, seats: int,
                session_id: int | None, now: datetime, currency: str) -> SeatOrder:
    """An employer orders seats for their organisation; with a session, set aside at once."""
    organisation_id = organisation_id_of(employer)
    course = offered_course(session, course_code)
    _check_seats(seats)
    take_write_lock(session)
    class_session = None
    if session_id is not None:
        class_session = _order_session(session, course, session_id, organisation_id, now)
    return add_order(session, employer, organisation_id=organisation_id, course=course,
                     seats=seats, class_session=class_session, currency=currency, now=now)


def visible_order(session: Session, actor: User, order_id: int) -> SeatOrder:
    """The order, when the actor is staff or an employer of its organisation; NotFound else."""
    require_id(order_id, "No order of yours has this id.")
    order = session.get(SeatOrder, order_id)
    if order is None or not (actor.has_role("admin") or (
            actor.has_role("employer") and actor.organisation_id is not None
            and actor.organisation_id == order.organisation_id)):
        raise NotFound("No order of yours has this id.")
    return order


def orders_of(session: Session, actor: User) -> list[SeatOrder]:
    """Every order (staff), or the employer's organisation's; newest first."""
    query = select(SeatOrder).order_by(SeatOrder.id.desc())
    if not actor.has_role("admin"):
        if actor.organisation_id is None:
            return []
        query = query.where(SeatOrder.organisation_id == actor.organisation_id)
    return list(session.scalars(query))


@one_transaction
def mark_paid(session: Session, actor: User, order_id: int, method: str, reference: str | None,
              now: datetime) -> SeatOrder:
    """Staff record the organisation's payment of an order (once)."""
    order = visible_order(session, actor, order_id)
    if method not in STAFF_METHODS:
        raise Invalid.field("method", "Must be one of: " + ", ".join(STAFF_METHODS) + ".")
    one_line("reference", reference)
    if order.status == "paid":
        raise Conflict("This order is already paid.")
    order.status, order.payment_method, order.paid_at = "paid", method, now
    order.payment_reference = (reference or "").strip() or None
    audit.record(session, actor, "order.paid", "seat_order", order.id, method=method,
                 reference=order.payment_reference, amount_cents=order.amount_cents)
    return order


@one_transaction
def set_amount(session: Session, actor: User, order_id: int, amount_cents: int) -> SeatOrder:
    """Staff set a negotiated amount for an unpaid order."""
    order = visible_order(session, actor, order_id)
    if not isinstance(amount_cents, int) or not 0 <= amount_cents <= 100_000_000:
        raise Invalid.field("amount_cents", "Give a whole number of cents, 0 or more.")
    if order.status == "paid":
        raise Conflict("This order is paid; its amount can no longer change.")
    previous, order.amount_cents = order.amount_cents, amount_cents
    audit.record(session, actor, "order.amount_set", "seat_order", order.id,
                 amount_cents=amount_cents, previous=previous)
    return order


def revenue_by_organisation(session: Session, zone_name: str, first: date,
                            last: date) -> Report:
    """Orders placed from the first month through the last, per organisation: how many,
    the amount invoiced and the amount paid (cents), by name."""
    since = day_start_utc(first.replace(day=1), zone_name)
    until = day_start_utc((last.replace(day=1) + timedelta(days=32)).replace(day=1), zone_name)
    paid = func.sum(SeatOrder.amount_cents).filter(SeatOrder.status == "paid")
    rows = session.execute(
        select(Organisation.name, func.count(), func.sum(SeatOrder.amount_cents), paid)
        .join(Organisation, Organisation.id == SeatOrder.organisation_id)
        .where(SeatOrder.created_at >= since, SeatOrder.created_at < until)
        .group_by(Organisation.name).order_by(Organisation.name))
    return Report("revenue_by_organisation", "Revenue by organisation",
                  ("organisation", "orders", "invoiced_cents", "paid_cents"),
                  [(name, count, total or 0, done or 0) for name, count, total, done in rows])
