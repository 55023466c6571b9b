"""Instructor authorisations: who may teach which course family, until when; lapse reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Course, InstructorAuthorisation, User
from app.services import audit, notifications
from app.services.clock import local_date
from app.services.errors import Invalid, NotFound

REMINDER_DAYS_BEFORE_LAPSE = 60


@dataclass(frozen=True)
class AssignmentCheck:
    """What an instructor's record says about teaching a family on a day."""

    status: str  # "current", "lapsed" or "no_record"
    message: str


def authorisation_for(session: Session, instructor: User, family: str) -> InstructorAuthorisation | None:
    return session.scalar(select(InstructorAuthorisation).where(
        InstructorAuthorisation.instructor_id == instructor.id,
        InstructorAuthorisation.family == family))


def _long(day: date) -> str:
    return day.strftime("%B %-d, %Y")


def check_assignment(session: Session, instructor: User, family: str, day: date,
                     course_title: str | None = None) -> AssignmentCheck:
    """Whether the instructor's authorisation for the family covers the day; the message names
    the course in plain words when its title is given."""
    record = authorisation_for(session, instructor, family)
    teaching = course_title or family_name(session, family)
    if record is None:
        return AssignmentCheck("no_record", f"{instructor.full_name} is not authorised to teach "
                                            f"{teaching}: no authorisation is on record.")
    if record.expires_on < day:
        return AssignmentCheck("lapsed", f"{instructor.full_name}'s authorisation to teach "
                                         f"{teaching} lapsed on {_long(record.expires_on)}, "
                                         f"before this class on {_long(day)}.")
    return AssignmentCheck("current", f"Authorised to teach {teaching} until "
                                      f"{_long(record.expires_on)}.")


def require_authorised(session: Session, instructor: User, course: Course, starts_at: datetime,
                       *, zone_name: str, newly_assigned: bool = True) -> None:
    """Refuse (422 invalid), before anything is saved, an instructor newly put on a class
    without an authorisation for its course family, or one whose authorisation has lapsed by
    the class day (in the center's zone). Moving a class its instructor already has checks the
    lapse only: sessions made before authorisations were recorded stay movable (and flagged)."""
    verdict = check_assignment(session, instructor, course.family,
                               local_date(starts_at, zone_name), course.title)
    if verdict.status == "lapsed" or (verdict.status == "no_record" and newly_assigned):
        raise Invalid.field("instructor_email", verdict.message)


def schedule_flags(session: Session, class_sessions: list[ClassSession], zone_name: str
                   ) -> dict[int, AssignmentCheck]:
    """For a schedule listing: each session whose instructor is not currently authorised."""
    flags = {}
    for class_session in class_sessions:
        verdict = check_assignment(session, class_session.instructor, class_session.course.family,
                                   local_date(class_session.starts_at, zone_name),
                                   class_session.course.title)
        if verdict.status != "current":
            flags[class_session.id] = verdict
    return flags


def list_for(session: Session, instructor: User) -> list[InstructorAuthorisation]:
    return list(session.scalars(select(InstructorAuthorisation)
                                .where(InstructorAuthorisation.instructor_id == instructor.id)
                                .order_by(InstructorAuthorisation.family)))


@one_transaction
def set_authorisation(session: Session, actor: User, instructor: User, family: str,
                      expires_on: date) -> InstructorAuthorisation:
    """Record or renew an instructor's authorisation for a course family."""
    family = family.strip()
    if not family:
        raise Invalid.field("family", "Choose a course family.")
    if not instructor.has_role("instructor"):
        raise Invalid.field("instructor", "Only instructors hold teaching authorisations.")
    record = authorisation_for(session, instructor, family)
    previous = record.expires_on.isoformat() if record else None
    if record is None:
        record = InstructorAuthorisation(instructor_id=instructor.id, family=family,
                                         expires_on=expires_on)
        session.add(record)
    record.expires_on = expires_on
    session.flush()
    audit.record(session, actor, "authorisation.set", "user", instructor.id, family=family,
                 expires_on=expires_on.isoformat(), previous=previous)
    return record


@one_transaction
def remove_authorisation(session: Session, actor: User, authorisation_id: int) -> None:
    """Delete an authorisation entered by mistake (the audit log keeps what it said)."""
    record = session.get(InstructorAuthorisation, authorisation_id)
    if record is None:
        raise NotFound("No authorisation has this id.")
    audit.record(session, actor, "authorisation.removed", "user", record.instructor_id,
                 family=record.family, expires_on=record.expires_on.isoformat())
    session.delete(record)


@one_transaction
def set_instructor_number(session: Session, actor: User, instructor: User, number: str | None) -> None:
    """Record the instructor's number with the awarding body."""
    number = (number or "").strip() or None
    if number == instructor.instructor_number:
        return
    audit.record(session, actor, "instructor_number.set", "user", instructor.id,
                 number=number, previous=instructor.instructor_number)
    instructor.instructor_number = number


@one_transaction
def queue_lapse_reminders(session: Session, today: date) -> int:
    """Queue one reminder per authorisation lapsing within 60 days (once per expiry date);
    answers how many were queued. An authorisation already lapsed gets none."""
    horizon = today + timedelta(days=REMINDER_DAYS_BEFORE_LAPSE)
    due = session.scalars(select(InstructorAuthorisation).where(
        InstructorAuthorisation.expires_on >= today, InstructorAuthorisation.expires_on <= horizon))
    names, queued = family_names(session), 0
    for record in due:
        instructor = record.instructor
        if not instructor.active:
            continue
        added = notifications.enqueue(
            session, kind="authorisation_reminder", recipient=instructor,
            event_key=f"authorisation_reminder:{record.id}:{record.expires_on.isoformat()}",
            context={"instructor_name": instructor.full_name, "family": record.family,
                     "family_name": names[record.family],
                     "expires_on": record.expires_on.isoformat(),
                     "days_left": (record.expires_on - today).days},
            subject=("user", instructor.id))
        queued += added is not None
    return queued


class FamilyNames(dict):
    """{family: name}; a family no course names reads as its code with spaces for underscores."""

    def __missing__(self, family: str) -> str:
        return family.replace("_", " ")


def family_names(session: Session, *only: str) -> FamilyNames:
    """Every course family in the catalog (or only the ones given) in people's words, in one
    query: the title of its first initial course (neither a renewal nor an instructor course),
    else its code with spaces for underscores."""
    initial = and_(Course.renewal.is_(False), Course.instructor_course.is_(False))
    query = select(Course.family, Course.title, initial).order_by(
        Course.family, initial.desc(), Course.active.desc(), Course.id)
    if only:
        query = query.where(Course.family.in_(only))
    names = FamilyNames()
    for family, title, is_initial in session.execute(query):
        names.setdefault(family, title if is_initial else names[family])
    return names


def family_name(session: Session, family: str) -> str:
    """A course family in people's words (see family_names)."""
    return family_names(session, family)[family]
