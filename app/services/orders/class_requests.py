"""Private on-site classes (API-2.md §3): an employer asks for one; staff schedule it as a
private session of that organisation with an order of its seats, and the employer is mailed
the date and the invitation tools."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassRequest, User
from app.services import audit, notifications, schedule
from app.services.enrollment.seats import require_id, take_write_lock
from app.services.errors import Conflict, Invalid, NotFound, one_line
from app.services.orders.placing import MAX_SEATS, add_order, offered_course, organisation_id_of
from app.services.schedule.sessions import instructor_by_email

MAX_DATES = 10
NOTES_MAX_LENGTH = 2000


def _check_request(headcount, preferred_dates, location: str | None, notes: str | None,
                   today: date) -> list[date]:
    if not isinstance(headcount, int) or isinstance(headcount, bool) or \
            not 1 <= headcount <= MAX_SEATS:
        raise Invalid.field("headcount", f"Give a headcount of 1 to {MAX_SEATS}.")
    if not preferred_dates or len(preferred_dates) > MAX_DATES:
        raise Invalid.field("preferred_dates", f"Give 1 to {MAX_DATES} preferred dates.")
    if any(day <= today for day in preferred_dates):
        raise Invalid.field("preferred_dates", "Preferred dates must be after today.")
    if not (location or "").strip():
        raise Invalid.field("location", "Say where the class should take place.")
    one_line("location", location)
    if notes is not None and len(notes) > NOTES_MAX_LENGTH:
        raise Invalid.field("notes", f"Keep the notes under {NOTES_MAX_LENGTH} characters.")
    return sorted(set(preferred_dates))


@one_transaction
def request_class(session: Session, employer: User, *, course_code: str, headcount: int,
                  preferred_dates: list[date], location: str, notes: str | None,
                  today: date, now: datetime) -> ClassRequest:
    """An employer asks for a private class for their organisation's staff."""
    organisation_id = organisation_id_of(employer)
    course = offered_course(session, course_code)
    days = _check_request(headcount, preferred_dates, location, notes, today)
    request = ClassRequest(
        organisation_id=organisation_id, requested_by_id=employer.id, course=course,
        headcount=headcount, preferred_dates=[day.isoformat() for day in days],
        location=location.strip(), notes=(notes or "").strip() or None, status="requested",
        created_at=now)
    session.add(request)
    session.flush()
    audit.record(session, employer, "class_request.made", "class_request", request.id,
                 course=course.code, headcount=headcount)
    return request


def visible_request(session: Session, actor: User, request_id: int) -> ClassRequest:
    """The request, for staff or its organisation's employers; NotFound otherwise."""
    require_id(request_id, "No class request of yours has this id.")
    request = session.get(ClassRequest, request_id)
    if request is None or not (actor.has_role("admin") or (
            actor.organisation_id is not None
            and actor.organisation_id == request.organisation_id)):
        raise NotFound("No class request of yours has this id.")
    return request


def requests_of(session: Session, actor: User, open_only: bool = False) -> list[ClassRequest]:
    """Every request (staff) or the employer's organisation's, newest first."""
    query = select(ClassRequest).order_by(ClassRequest.id.desc())
    if open_only:
        query = query.where(ClassRequest.status == "requested")
    if not actor.has_role("admin"):
        if actor.organisation_id is None:
            return []
        query = query.where(ClassRequest.organisation_id == actor.organisation_id)
    return list(session.scalars(query))


@one_transaction
def schedule_request(session: Session, actor: User, request_id: int, *, starts_at: datetime,
                     ends_at: datetime, location: str, instructor_email: str, capacity: int,
                     zone_name: str, currency: str, now: datetime) -> ClassRequest:
    """Schedule a requested class: a private session for the organisation and an order of
    `capacity` seats set aside in it; the employer who asked is mailed."""
    take_write_lock(session)
    request = visible_request(session, actor, request_id)
    if request.status != "requested":
        raise Conflict("This request has been scheduled already.")
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_SEATS:
        raise Invalid.field("capacity", f"Give a capacity of 1 to {MAX_SEATS}.")
    if starts_at <= now:
        raise Invalid.field("starts_at", "The class must start in the future.")
    instructor = instructor_by_email(session, instructor_email)
    class_session = schedule.schedule_session(
        session, actor, course=request.course, instructor=instructor, starts_at=starts_at,
        ends_at=ends_at, location=location, capacity=capacity, zone_name=zone_name)
    class_session.private_for_id = request.organisation_id
    order = add_order(session, actor, organisation_id=request.organisation_id,
                      course=request.course, seats=capacity, class_session=class_session,
                      currency=currency, now=now)
    request.status, request.class_session, request.order = "scheduled", class_session, order
    session.flush()
    audit.record(session, actor, "class_request.scheduled", "class_request", request.id,
                 session_id=class_session.id, order_id=order.id)
    if request.requested_by is not None:
        notifications.enqueue(
            session, kind="class_scheduled", recipient=request.requested_by,
            event_key=f"class_scheduled:{request.id}", subject=("seat_order", order.id),
            context={"order_id": order.id, "session_id": class_session.id,
                     "course_title": request.course.title, "course_code": request.course.code,
                     "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                     "location": location, "instructor_name": instructor.full_name,
                     "voucher_code": order.voucher_code, "order_path": f"/employer/orders/{order.id}",
                     "redeem_path": f"/redeem/{order.voucher_code}"})
    return request
