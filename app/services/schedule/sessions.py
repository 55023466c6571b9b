"""The schedule: listing, finding and creating class sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Course, Enrollment, User
from app.services import audit
from app.services.accounts.users import user_by_email
from app.services.clock import day_start_utc
from app.services.errors import Invalid, NotFound, one_line
from app.services.schedule import authorisations


@dataclass(frozen=True)
class SessionFilter:
    course_code: str | None = None
    level: str | None = None
    topic: str | None = None
    guideline: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    course_ids: tuple[int, ...] | None = None


def upcoming_sessions_query(now: datetime, criteria: SessionFilter, zone_name: str):
    """Scheduled sessions that have not started, soonest first, narrowed by the filter."""
    from app.models.vocab import guidelines_to_mask, topics_to_mask

    query = (
        select(ClassSession)
        .join(ClassSession.course)
        .where(ClassSession.status == "scheduled", ClassSession.starts_at > now,
               ClassSession.private_for_id.is_(None))  # a private class is never listed
        .order_by(ClassSession.starts_at, ClassSession.id)
    )
    if criteria.course_code:
        query = query.where(Course.code == criteria.course_code)
    if criteria.level:
        query = query.where(Course.level == criteria.level)
    if criteria.topic:
        mask = topics_to_mask([criteria.topic])
        query = query.where(Course.topics_mask.op("&")(mask) == mask)
    if criteria.guideline:
        query = query.where(Course.guidelines_mask.op("&")(guidelines_to_mask([criteria.guideline])) != 0)
    if criteria.date_from:
        query = query.where(ClassSession.starts_at >= day_start_utc(criteria.date_from, zone_name))
    if criteria.date_to:
        next_day = criteria.date_to + timedelta(days=1)
        query = query.where(ClassSession.starts_at < day_start_utc(next_day, zone_name))
    if criteria.course_ids is not None:
        query = query.where(ClassSession.course_id.in_(criteria.course_ids))
    return query


def list_upcoming(session: Session, now: datetime, criteria: SessionFilter, zone_name: str,
                  page: int = 1, per_page: int = 20) -> tuple[list[ClassSession], bool]:
    """One page of upcoming sessions and whether another page follows."""
    query = upcoming_sessions_query(now, criteria, zone_name)
    rows = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def waitlist_lengths(session: Session, session_ids: list[int]) -> dict[int, int]:
    """Waitlist length per session, in one query."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(Enrollment.session_id, func.count())
        .where(Enrollment.session_id.in_(session_ids), Enrollment.status == "waitlisted")
        .group_by(Enrollment.session_id)
    )
    return {session_id: count for session_id, count in rows}


def get_session(session: Session, class_id: int) -> ClassSession:
    class_session = session.get(ClassSession, class_id)
    if class_session is None:
        raise NotFound("No class session has this id.")
    return class_session


def instructor_by_email(session: Session, email: str) -> User:
    user = user_by_email(session, email)
    if user is None or not user.active or not user.has_role("instructor"):
        raise Invalid.field("instructor_email", "No active instructor has this e-mail address.")
    return user


def refuse_past(starts_at: datetime, now: datetime | None) -> None:
    """A class is scheduled for later, never for a time already gone (a typo such as 2020)."""
    if now is not None and starts_at < now:
        raise Invalid.field("starts_at", "This start is in the past: a class must start later "
                                         "than now.")


@one_transaction
def schedule_session(session: Session, actor: User | None, *, course: Course, instructor: User,
                     starts_at: datetime, ends_at: datetime, location: str, capacity: int,
                     zone_name: str, enrollment_closes_at: datetime | None = None,
                     now: datetime | None = None, price_cents: int | None = None) -> ClassSession:
    """Put a class on the schedule; the cut-off defaults to the start, the price to the
    course's. Given `now`, a class starting before it is refused."""
    one_line("location", location)
    refuse_past(starts_at, now)
    if ends_at <= starts_at:
        raise Invalid.field("ends_at", "The class must end after it starts.")
    closes_at = enrollment_closes_at or starts_at
    if closes_at > starts_at:
        raise Invalid.field("enrollment_closes_at", "Enrollment must close by the start.")
    if not course.active:
        raise Invalid.field("course", "This course is no longer offered.")
    authorisations.require_authorised(session, instructor, course, starts_at, zone_name=zone_name)
    class_session = ClassSession(
        course=course, instructor=instructor, starts_at=starts_at, ends_at=ends_at,
        location=location, capacity=capacity, seats_taken=0, enrollment_closes_at=closes_at,
        status="scheduled", price_cents=price_cents,
    )
    session.add(class_session)
    session.flush()
    audit.record(session, actor, "session.scheduled", "class_session", class_session.id,
                 course=course.code, starts_at=starts_at.isoformat(), instructor=instructor.email)
    return class_session
