"""Enrollment (DESIGN.md rules 1 and 2): seats claimed atomically, a waitlist in arrival order,
cancellations that promote the next learner — each use case one transaction with its mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.database import one_transaction
from app.models import ClassSession, Enrollment, User
from app.models.vocab import OUTCOMES, SEAT_CLAIMING_STATUSES
from app.services import audit, blended, notifications
from app.services.enrollment import covered, holds
from app.services.enrollment.waitlist import waitlist_position
from app.services.errors import (
    AlreadyEnrolled,
    Conflict,
    EnrollmentClosed,
    NotFound,
    SessionCancelled,
)
from app.services.language.text import N_

# Ids are 32-bit integers in the schema; a larger number in a URL names nothing (and would
# make PostgreSQL fail the query rather than find no row).
MAX_ID = 2**31 - 1


def require_id(value: int, message: str) -> int:
    """The id itself when it could name a row; NotFound otherwise."""
    if not 0 < value <= MAX_ID:
        raise NotFound(message)
    return value


def take_write_lock(session: Session) -> None:
    """On SQLite, start the transaction holding the write lock so concurrent writers queue up.

    SQLite's default deferred transaction upgrades its lock at the first write, and two such
    upgrades collide with "database is locked"; BEGIN IMMEDIATE makes them wait their turn.
    On PostgreSQL row locks do this job, so nothing happens there.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver_connection = connection.connection.driver_connection
    if not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def claim_seat(session: Session, class_session_id: int) -> bool:
    """Take one seat if one is free (a single conditional UPDATE); no commit."""
    result = session.execute(
        update(ClassSession)
        .where(ClassSession.id == class_session_id,
               ClassSession.seats_taken < ClassSession.capacity)
        .values(seats_taken=ClassSession.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    _forget_seat_count(session, class_session_id)
    return result.rowcount == 1


def release_seat(session: Session, class_session_id: int) -> None:
    """Give one seat back (never below zero); no commit."""
    session.execute(
        update(ClassSession)
        .where(ClassSession.id == class_session_id, ClassSession.seats_taken > 0)
        .values(seats_taken=ClassSession.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    _forget_seat_count(session, class_session_id)


def _forget_seat_count(session: Session, class_session_id: int) -> None:
    # The UPDATE bypassed the ORM: make a loaded ClassSession re-read its counter.
    loaded = session.identity_map.get((ClassSession, (class_session_id,), None))
    if loaded is not None:
        session.expire(loaded, ["seats_taken"])


def locked_class_session(session: Session, class_id: int) -> ClassSession | None:
    """The session row, fresh and locked (FOR UPDATE on PostgreSQL) for this transaction."""
    return session.scalar(
        select(ClassSession).where(ClassSession.id == class_id)
        .with_for_update(of=ClassSession).execution_options(populate_existing=True)
    )


@one_transaction
def enroll(session: Session, learner: User, class_id: int, now: datetime,
           charge: holds.Charge | None = None) -> Enrollment:
    """Enroll a learner in a seat (held while they pay when `charge` says so), or waitlist
    them when the class is full."""
    require_id(class_id, N_("No class session has this id."))
    take_write_lock(session)
    class_session = covered.public_only(locked_class_session(session, class_id))
    if class_session is None:
        raise NotFound(N_("No class session has this id."))
    if class_session.status == "cancelled":
        raise SessionCancelled()
    if (class_session.status != "scheduled" or now >= class_session.enrollment_closes_at
            or now >= class_session.starts_at):
        raise EnrollmentClosed()
    if active_enrollment(session, learner.id, class_id) is not None:
        raise AlreadyEnrolled()
    claimed = claim_seat(session, class_id) or _claim_after_lapsed_holds(
        session, class_session, now)
    status = holds.seat_status(charge, claimed)
    enrollment = Enrollment(learner_id=learner.id, session_id=class_id, status=status,
                            created_at=now, updated_at=now)
    session.add(enrollment)
    try:
        session.flush()
    except IntegrityError as error:  # a second request of the same learner won the race
        raise AlreadyEnrolled() from error
    enrollment.learner = learner
    enrollment.session = class_session
    holds.attach_payment(session, enrollment, charge, now)
    context = mail_context(enrollment) | blended.seat_taken(session, enrollment, now)
    if status == "enrolled":
        _notify(session, "enrollment_confirmed", enrollment, context)
    elif status == "waitlisted":
        context["waitlist_position"] = waitlist_position(session, enrollment)
        _notify(session, "waitlist_joined", enrollment, context)
    audit.record(session, learner, f"enrollment.{status}", "enrollment", enrollment.id,
                 session_id=class_id, learner=learner.email)
    return enrollment


def _claim_after_lapsed_holds(session: Session, class_session: ClassSession,
                              now: datetime) -> bool:
    """A full class may count holds whose time has passed: release them (their seats go to the
    waitlist first, in order) and try again, so a lapsed hold is never counted as taken."""
    if not holds.release_lapsed(session, now, class_session.id):
        return False
    promote_from_waitlist(session, class_session, now)
    return claim_seat(session, class_session.id)


def active_enrollment(session: Session, learner_id: int, class_id: int) -> Enrollment | None:
    """The learner's enrollment in the session that is not cancelled, if any."""
    return session.scalar(
        select(Enrollment).where(Enrollment.learner_id == learner_id,
                                 Enrollment.session_id == class_id,
                                 Enrollment.status != "cancelled")
    )


@one_transaction
def cancel_enrollment(session: Session, actor: User, enrollment_id: int,
                      now: datetime) -> Enrollment:
    """Cancel an enrollment (its learner before the start, or an admin); the freed seat goes
    to the first waitlisted learner in the same transaction."""
    require_id(enrollment_id, N_("No enrollment of yours has this id."))
    take_write_lock(session)
    enrollment = session.get(Enrollment, enrollment_id)
    is_admin = actor.has_role("admin")
    if enrollment is None or (not is_admin and enrollment.learner_id != actor.id):
        raise NotFound(N_("No enrollment of yours has this id."))
    class_session = locked_class_session(session, enrollment.session_id)
    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.id == enrollment_id)
        .with_for_update(of=Enrollment).execution_options(populate_existing=True))
    if enrollment.status == "cancelled":
        return enrollment
    if enrollment.status in OUTCOMES:
        raise Conflict(N_("An outcome is recorded for this enrollment; it cannot be cancelled."))
    if not is_admin and now >= class_session.starts_at:
        raise EnrollmentClosed(N_("The class has started; it can no longer be cancelled here."))
    held_seat = enrollment.status in SEAT_CLAIMING_STATUSES and not covered.kept(session, enrollment)
    enrollment.status = "cancelled"
    enrollment.cancelled_at = now
    enrollment.updated_at = now
    if held_seat:
        release_seat(session, class_session.id)
    blended.seat_given_up(session, enrollment)
    session.flush()
    _notify(session, "enrollment_cancelled", enrollment, mail_context(enrollment))
    audit.record(session, actor, "enrollment.cancelled", "enrollment", enrollment.id,
                 session_id=class_session.id, learner=enrollment.learner.email,
                 by_admin=is_admin and actor.id != enrollment.learner_id)
    if held_seat:
        promote_from_waitlist(session, class_session, now)
    return enrollment


def promote_from_waitlist(session: Session, class_session: ClassSession,
                          now: datetime) -> list[Enrollment]:
    """Fill every free seat from the waitlist in arrival order, notifying each promoted
    learner; runs inside the caller's transaction (no commit)."""
    session.flush()  # the caller's pending changes (a new capacity) must survive the re-read
    session.refresh(class_session)
    if class_session.status != "scheduled" or now >= class_session.starts_at:
        return []
    free = class_session.capacity - class_session.seats_taken
    if free <= 0:
        return []
    waiting = list(session.scalars(
        select(Enrollment)
        .where(Enrollment.session_id == class_session.id, Enrollment.status == "waitlisted")
        .order_by(Enrollment.id).limit(free)
    ))
    promoted = []
    for enrollment in waiting:
        if not claim_seat(session, class_session.id):
            break
        enrollment.status = holds.promoted_status(enrollment, now)
        enrollment.updated_at = now
        holds.count_promoted_promo_use(session, enrollment)
        session.flush()
        if enrollment.status == holds.HELD:
            _notify(session, "seat_held", enrollment,
                    mail_context(enrollment) | holds.hold_context(enrollment))
        else:
            _notify(session, "waitlist_promoted", enrollment,
                    mail_context(enrollment) | blended.seat_taken(session, enrollment, now))
        audit.record(session, None, "enrollment.promoted", "enrollment", enrollment.id,
                     session_id=class_session.id, learner=enrollment.learner.email)
        promoted.append(enrollment)
    return promoted


def mail_context(enrollment: Enrollment) -> dict:
    """What the enrollment e-mails show, as JSON-ready values."""
    class_session = enrollment.session
    course = class_session.course
    return {
        "enrollment_id": enrollment.id,
        "session_id": class_session.id,
        "session_path": f"/sessions/{class_session.id}",
        "course_code": course.code,
        "course_title": course.title,
        "starts_at": class_session.starts_at.isoformat(),
        "ends_at": class_session.ends_at.isoformat(),
        "location": class_session.location,
        "instructor_name": class_session.instructor.full_name,
        "price_cents": course.price_cents,
        # Fields another part of the schema may add; the mail shows them when present.
        "what_to_bring": getattr(course, "what_to_bring", None) or None,
        "arrival_notes": getattr(class_session, "arrival_notes", None) or None,
    }


def _notify(session: Session, kind: str, enrollment: Enrollment, context: dict) -> None:
    notifications.enqueue(
        session, kind=kind, recipient=enrollment.learner,
        event_key=f"{kind}:{enrollment.id}", context=context,
        subject=("enrollment", enrollment.id),
    )


def enrollments_of(session: Session, learner: User) -> list[Enrollment]:
    """Every enrollment of the learner, soonest class first, with its session loaded."""
    # The instructors and payments come joined: the instructors' roles are not needed here,
    # and a select-in load of either would add a query per 500 rows.
    return list(session.scalars(
        select(Enrollment).join(Enrollment.session)
        .where(Enrollment.learner_id == learner.id)
        .options(contains_eager(Enrollment.session).joinedload(ClassSession.instructor)
                 .lazyload(User.role_rows), joinedload(Enrollment.payment))
        .order_by(ClassSession.starts_at, Enrollment.id)
    ))


def closed_reason(class_session: ClassSession, now: datetime) -> str | None:
    """Why nobody can enroll in the session now, in plain words; None while it is open."""
    if class_session.status == "cancelled":
        return "This class has been cancelled."
    if class_session.status == "completed" or now >= class_session.starts_at:
        return "This class has already started."
    if now >= class_session.enrollment_closes_at:
        return "Enrollment for this class has closed."
    return None
