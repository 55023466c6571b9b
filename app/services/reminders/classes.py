"""Class operations (API-2.md §4): the "see you soon" mail to each enrolled learner, the roster
to the instructor the day before, and the staff alert for a class few have enrolled in.

Each mail is sent once per (enrollment, kind) — or (session, recipient, kind) for rosters and
alerts — ever: a ClassReminder row is inserted with its outbox row in the same transaction, and
its unique index refuses a second one (the insert ignores the conflict, as the renewal sweep's
does). A sweep works one session at a time, holding that session's row, and commits each: a
sweep killed half-way leaves whole sessions done or untouched, and the next sweep finishes the
rest without writing any mail twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote_plus

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import ClassReminder, ClassSession, Enrollment, User, UserRole
from app.services import enrollment as enrollments
from app.services import notifications
from app.services.clock import day_start_utc, local_date

KINDS = ("class_reminder", "instructor_roster", "low_enrollment")


@dataclass(frozen=True)
class ClassSweepSettings:
    reminder_hours: int = 24
    low_enrollment_days: int = 3
    low_enrollment_seats: int = 4

    @classmethod
    def from_config(cls, config: Mapping) -> ClassSweepSettings:
        return cls(reminder_hours=config.get("CLASS_REMINDER_HOURS", 24),
                   low_enrollment_days=config.get("LOW_ENROLLMENT_DAYS", 3),
                   low_enrollment_seats=config.get("LOW_ENROLLMENT_SEATS", 4))


def map_url(location: str) -> str:
    """A map search for the class's place (OpenStreetMap: no key, no tracking)."""
    return f"https://www.openstreetmap.org/search?query={quote_plus(location)}"


def _class_context(class_session: ClassSession) -> dict:
    course = class_session.course
    return {"session_id": class_session.id, "session_path": f"/sessions/{class_session.id}",
            "course_code": course.code, "course_title": course.title,
            "starts_at": class_session.starts_at.isoformat(),
            "ends_at": class_session.ends_at.isoformat(), "location": class_session.location,
            "map_url": map_url(class_session.location),
            "instructor_name": class_session.instructor.full_name,
            "what_to_bring": course.what_to_bring or "",
            "arrival_notes": class_session.arrival_notes or ""}


def _locked(session: Session, class_id: int) -> ClassSession:
    """The session row, fresh and held for this transaction (one sweep per session at a time)."""
    enrollments.take_write_lock(session)
    return session.scalar(select(ClassSession).where(ClassSession.id == class_id)
                          .with_for_update(of=ClassSession)
                          .execution_options(populate_existing=True))


def _mark(session: Session, kind: str, class_session: ClassSession, recipient_id: int,
          enrollment_id: int | None, now: datetime) -> bool:
    """Record that this mail goes out; False when it already went (the unique index says so)."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    inserted = session.scalar(
        dialect.insert(ClassReminder)
        .values(kind=kind, session_id=class_session.id, enrollment_id=enrollment_id,
                recipient_id=recipient_id, created_at=now)
        .on_conflict_do_nothing().returning(ClassReminder.id))
    return inserted is not None


def _send(session: Session, kind: str, recipient: User, event_key: str, context: dict,
          class_session: ClassSession, enrollment_id: int | None, now: datetime) -> int:
    if not _mark(session, kind, class_session, recipient.id, enrollment_id, now):
        return 0
    subject = ("enrollment", enrollment_id) if enrollment_id else ("class_session", class_session.id)
    notifications.enqueue(session, kind=kind, recipient=recipient, event_key=event_key,
                          context=context, subject=subject)
    return 1


def _seat_holders(session: Session, class_session: ClassSession) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(
        Enrollment.session_id == class_session.id, Enrollment.status == "enrolled")
        .order_by(Enrollment.id)))


def _remind_learners(session: Session, class_session: ClassSession, now: datetime) -> int:
    queued = 0
    for held in _seat_holders(session, class_session):
        context = _class_context(class_session) | {"enrollment_id": held.id,
                                                   "learner_name": held.learner.full_name}
        queued += _send(session, "class_reminder", held.learner, f"class_reminder:{held.id}",
                        context, class_session, held.id, now)
    return queued


def _send_roster(session: Session, class_session: ClassSession, now: datetime) -> int:
    learners = [{"name": held.learner.full_name, "email": held.learner.email,
                 "online_part": held.online_part is not None}
                for held in _seat_holders(session, class_session)]
    context = _class_context(class_session) | {
        "learners": learners, "blended": class_session.course.format == "blended",
        "roster_path": f"/instructor/sessions/{class_session.id}"}
    instructor = class_session.instructor
    return _send(session, "instructor_roster", instructor,
                 f"instructor_roster:{class_session.id}:{instructor.id}", context,
                 class_session, None, now)


def _alert_staff(session: Session, class_session: ClassSession, now: datetime,
                 low_seats: int) -> int:
    if class_session.seats_taken >= low_seats:
        return 0
    context = _class_context(class_session) | {
        "enrolled": class_session.seats_taken, "capacity": class_session.capacity,
        "low_enrollment_seats": low_seats, "admin_path": f"/admin/sessions/{class_session.id}"}
    return sum(_send(session, "low_enrollment", admin,
                     f"low_enrollment:{class_session.id}:{admin.id}", context, class_session,
                     None, now) for admin in _admins(session))


def _admins(session: Session) -> list[User]:
    return list(session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role == "admin", User.active.is_(True))
                                .order_by(User.id)))


def _starting_between(session: Session, start: datetime, end: datetime) -> list[int]:
    return list(session.scalars(
        select(ClassSession.id).where(ClassSession.status == "scheduled",
                                      ClassSession.starts_at > start,
                                      ClassSession.starts_at <= end)
        .order_by(ClassSession.starts_at, ClassSession.id)))


def sweep_classes(session: Session, now: datetime, settings: ClassSweepSettings,
                  zone_name: str) -> Counter:
    """Queue every class mail due at `now`, each once ever; commits per session. Answers the
    count queued per kind."""
    session.commit()  # each session below is its own transaction, begun with its lock
    queued: Counter = Counter({kind: 0 for kind in KINDS})
    tomorrow = local_date(now, zone_name) + timedelta(days=1)
    # "The day before": from the start of the day before the class's day, in the center's zone.
    roster_until = day_start_utc(tomorrow + timedelta(days=1), zone_name)
    horizon = max(now + timedelta(hours=settings.reminder_hours), roster_until,
                  now + timedelta(days=settings.low_enrollment_days))
    for class_id in _starting_between(session, now, horizon):
        class_session = _locked(session, class_id)
        if class_session.status == "scheduled" and class_session.starts_at > now:
            if class_session.starts_at <= now + timedelta(hours=settings.reminder_hours):
                queued["class_reminder"] += _remind_learners(session, class_session, now)
            if class_session.starts_at < roster_until:
                queued["instructor_roster"] += _send_roster(session, class_session, now)
            if class_session.starts_at <= now + timedelta(days=settings.low_enrollment_days):
                queued["low_enrollment"] += _alert_staff(session, class_session, now,
                                                         settings.low_enrollment_seats)
        session.commit()
    return queued


def stale_reason(session: Session, notification, today) -> str | None:
    """Why a queued class mail should no longer go out: the class was cancelled, or the
    learner gave up their seat, after it was queued."""
    class_session = session.get(ClassSession, (notification.context or {}).get("session_id"))
    if class_session is None or class_session.status != "scheduled":
        return "class not scheduled"
    if notification.kind == "class_reminder":
        held = session.get(Enrollment, notification.subject_id)
        if held is None or held.status != "enrolled":
            return "seat given up"
    return None
