"""Staff changes to the schedule: weekly series, edits, cancellations and transfers, each one
transaction with its mail and audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ClassSession, Course, Enrollment, User
from app.models.vocab import SEAT_CLAIMING_STATUSES
from app.services import audit, blended, enrollment, notifications, payments
from app.services.catalog.requirements import covers, covers_sql
from app.services.clock import local_moment
from app.services.enrollment import calendar_invites
from app.services.errors import AlreadyEnrolled, Conflict, Invalid, NotFound, one_line
from app.services.schedule import authorisations
from app.services.schedule import sessions as scheduling

CHANGEABLE = ("capacity", "instructor", "location", "starts_at", "ends_at", "enrollment_closes_at",
              "arrival_notes", "price_cents")
MAX_SERIES = 26


@one_transaction
def schedule_weekly_series(session: Session, actor: User, *, course: Course, instructor: User,
                           starts_at: datetime, ends_at: datetime, location: str, capacity: int,
                           weeks: int, zone_name: str,
                           now: datetime | None = None) -> list[ClassSession]:
    """Schedule `weeks` sessions a week apart, at the same local time (across DST changes).
    Every date is checked before any is created, so a refusal schedules nothing."""
    if not 1 <= weeks <= MAX_SERIES:
        raise Invalid.field("weeks", f"A series holds 1 to {MAX_SERIES} sessions.")
    scheduling.refuse_past(starts_at, now)
    zone = ZoneInfo(zone_name)
    local_start, local_end = local_moment(starts_at, zone_name), local_moment(ends_at, zone_name)
    times = [((local_start + timedelta(weeks=n)).replace(tzinfo=zone).astimezone(starts_at.tzinfo),
              (local_end + timedelta(weeks=n)).replace(tzinfo=zone).astimezone(ends_at.tzinfo))
             for n in range(weeks)]
    for start, _ in times:
        authorisations.require_authorised(session, instructor, course, start, zone_name=zone_name)
    return [scheduling.schedule_session(session, actor, course=course, instructor=instructor,
                                        starts_at=start, ends_at=end, location=location,
                                        capacity=capacity, zone_name=zone_name, now=now)
            for start, end in times]


def _check_changes(class_session: ClassSession, changes: dict) -> dict:
    """The requested values that differ from the session's, after shape and rule checks."""
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise Invalid(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    if class_session.status != "scheduled":
        raise Conflict(f"This session is {class_session.status}; it can no longer be changed.")
    wanted = {name: value for name, value in changes.items()
              if value is not None and value != getattr(class_session, name)}
    capacity = wanted.get("capacity")
    if capacity is not None and capacity < class_session.seats_taken:
        raise Invalid.field("capacity", f"{class_session.seats_taken} learners hold seats; the "
                                        f"capacity cannot go below that.")
    if capacity is not None and capacity < 1:
        raise Invalid.field("capacity", "Must be at least 1.")
    if "location" in wanted:
        one_line("location", wanted["location"])
    if "location" in wanted and not str(wanted["location"]).strip():
        raise Invalid.field("location", "A place is required.")
    return wanted


def _apply_times(class_session: ClassSession, wanted: dict) -> None:
    old_start = class_session.starts_at
    starts_at = wanted.get("starts_at", old_start)
    ends_at = wanted.get("ends_at", class_session.ends_at)
    if ends_at <= starts_at:
        raise Invalid.field("ends_at", "The class must end after it starts.")
    closes_at = wanted.get("enrollment_closes_at")
    if closes_at is None:
        # The cut-off follows the start when it was the default (the start), and never passes it.
        closes_at = class_session.enrollment_closes_at
        if closes_at == old_start or closes_at > starts_at:
            closes_at = starts_at
    if closes_at > starts_at:
        raise Invalid.field("enrollment_closes_at", "Enrollment must close by the start.")
    class_session.starts_at, class_session.ends_at = starts_at, ends_at
    class_session.enrollment_closes_at = closes_at


@one_transaction
def update_session(session: Session, actor: User, class_session: ClassSession, changes: dict,
                   now: datetime, *, zone_name: str) -> ClassSession:
    """Change capacity, instructor, place or times; raising the capacity promotes from the
    waitlist in order, and enrolled learners are mailed a new time or place. Commits."""
    enrollment.take_write_lock(session)
    session.refresh(class_session)
    wanted = _check_changes(class_session, changes)
    if not wanted:
        return class_session
    instructor = wanted.get("instructor", class_session.instructor)
    if {"instructor", "starts_at"} & set(wanted):
        authorisations.require_authorised(session, instructor, class_session.course,
                                          wanted.get("starts_at", class_session.starts_at),
                                          zone_name=zone_name,
                                          newly_assigned="instructor" in wanted)
    before = _describe(class_session, zone_name)
    was = {"old_starts_at": class_session.starts_at.isoformat(),
           "old_ends_at": class_session.ends_at.isoformat(), "old_location": class_session.location}
    _apply_times(class_session, wanted)
    for name in ("capacity", "instructor", "location", "arrival_notes", "price_cents"):
        if name in wanted:
            setattr(class_session, name, wanted[name])
    session.flush()
    after = _describe(class_session, zone_name)
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    event = audit.record(session, actor, "session.updated", "class_session", class_session.id,
                         changes=changed)
    session.flush()
    if {"when", "location"} & set(changed):
        _mail_change(session, class_session, event.id, changed, was)
    if "capacity" in changed:
        enrollment.promote_from_waitlist(session, class_session, now)
    return class_session


def when_text(class_session: ClassSession, zone: str) -> str:
    """The class's time as mail shows it, in the center's time zone."""
    starts, ends = local_moment(class_session.starts_at, zone), local_moment(class_session.ends_at, zone)
    return (starts.strftime("%A %B %-d, %Y, %-I:%M %p") + " to "
            + ends.strftime("%-I:%M %p ") + ends.tzname())


def _describe(class_session: ClassSession, zone_name: str) -> dict:
    return {"when": when_text(class_session, zone_name),
            "location": class_session.location, "capacity": class_session.capacity,
            "instructor": class_session.instructor.full_name,
            "arrival_notes": class_session.arrival_notes,
            "enrollment_closes_at": class_session.enrollment_closes_at.isoformat(),
            "price_cents": class_session.price_due_cents}


def _mail_change(session: Session, class_session: ClassSession, change_id: int,
                 changed: dict, was: dict) -> None:
    """Mail each seat holder the new time or place. The mail shows the old and new times from
    the moments (`changed_fields`, `old_*`), in its reader's language when sent; `changes` is
    the same in English words."""
    fields = [name for name in ("when", "location") if name in changed]
    lines = [f"{name.capitalize()}: was {changed[name][0]}, now {changed[name][1]}"
             for name in fields]
    for held in _enrollments(session, class_session, ("enrolled",)):
        context = enrollment.mail_context(held) | was | {
            "changes": lines, "changed_fields": fields, "learner_name": held.learner.full_name,
            "invite_sequence": calendar_invites.raise_sequence(held)}
        notifications.enqueue(session, kind="session_changed", recipient=held.learner,
                              event_key=f"session_changed:{change_id}:{held.id}",
                              context=context, subject=("enrollment", held.id))


def _enrollments(session: Session, class_session: ClassSession, statuses) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(
        Enrollment.session_id == class_session.id, Enrollment.status.in_(statuses))
        .order_by(Enrollment.id)))


@one_transaction
def cancel_session(session: Session, actor: User, class_session: ClassSession, reason: str,
                   now: datetime) -> ClassSession:
    """Cancel a class: every enrolled and waitlisted learner is cancelled and told once, seats
    are released, nothing is deleted. Cancelling a cancelled session changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", "Say why the class is cancelled.")
    if len(reason) > 500:
        raise Invalid.field("reason", "Must be at most 500 characters.")
    enrollment.take_write_lock(session)
    enrollment.locked_class_session(session, class_session.id)  # as payments and seats do
    if class_session.status == "cancelled":
        return class_session
    if class_session.status != "scheduled" or class_session.finalised_at is not None:
        raise Conflict("This session is completed; it can no longer be cancelled.")
    affected = _enrollments(session, class_session, ("enrolled", "waitlisted", "pending_payment"))
    payments.refund_session(session, class_session, now)
    for held in affected:
        context = enrollment.mail_context(held) | {
            "reason": reason, "was_waitlisted": held.status == "waitlisted",
            "learner_name": held.learner.full_name}
        if held.status in SEAT_CLAIMING_STATUSES:
            enrollment.give_back_order_seat(session, held)  # a voucher's seat returns to its order
            enrollment.release_seat(session, class_session.id)
        held.status, held.cancelled_at, held.updated_at = "cancelled", now, now
        blended.seat_given_up(session, held)
        notifications.enqueue(session, kind="session_cancelled", recipient=held.learner,
                              event_key=f"session_cancelled:{class_session.id}:{held.id}",
                              context=context, subject=("enrollment", held.id))
    class_session.status, class_session.cancel_reason = "cancelled", reason
    audit.record(session, actor, "session.cancelled", "class_session", class_session.id,
                 reason=reason, learners_notified=len(affected))
    return class_session


def transfer_problem(source: Course, target: Course) -> str | None:
    """Why a seat in `target` would not serve the requirement `source` serves, or None."""
    if target.level != source.level:
        return (f"{target.title} is at a different level from {source.title}; a transfer "
                f"must keep the same level.")
    if not covers(target.level, target.topics_mask, source.level, source.topics_mask):
        return f"{target.title} does not cover every topic of {source.title}."
    return None


def _checked_transfer(session: Session, enrollment_id: int, target_id: int,
                      now: datetime) -> tuple[Enrollment, ClassSession]:
    """The enrollment to move and the session to move it to, or the refusal."""
    old = session.get(Enrollment, enrollment_id)
    if old is None:
        raise NotFound("No enrollment has this id.")
    if old.status not in ("enrolled", "waitlisted"):
        raise Conflict(f"This enrollment is {old.status}; only a seat or a waitlist place "
                       f"can be transferred.")
    target = session.get(ClassSession, target_id)
    if target is None:
        raise Invalid.field("target", "No class session has this id.")
    if target.id == old.session_id:
        raise Invalid.field("target", "Choose a different session.")
    if target.status != "scheduled" or now >= target.starts_at:
        raise Invalid.field("target", "The new session must be scheduled and not yet started.")
    problem = transfer_problem(old.session.course, target.course)
    if problem:
        raise Invalid.field("target", problem)
    if enrollment.active_enrollment(session, old.learner_id, target.id) is not None:
        raise AlreadyEnrolled("The learner already holds a seat or waitlist place there.")
    return old, target


@one_transaction
def transfer_enrollment(session: Session, actor: User, enrollment_id: int, target_id: int,
                        now: datetime, *, zone_name: str) -> Enrollment:
    """Move a learner to another session serving the same requirement, in one transaction:
    the old seat is freed and its waitlist promoted, the new session enrolls or waitlists
    them, and one mail says what changed. Answers the new enrollment."""
    enrollment.take_write_lock(session)
    old, target = _checked_transfer(session, enrollment_id, target_id, now)
    source, held_seat = old.session, old.status == "enrolled"
    old.status, old.cancelled_at, old.updated_at = "cancelled", now, now
    blended.seat_given_up(session, old)
    if held_seat:
        enrollment.release_seat(session, source.id)
    status = "enrolled" if enrollment.claim_seat(session, target.id) else "waitlisted"
    new = Enrollment(learner_id=old.learner_id, session_id=target.id, status=status,
                     created_at=now, updated_at=now)
    session.add(new)
    session.flush()
    enrollment.carry_over(session, old, new)
    new.learner, new.session = old.learner, target
    context = enrollment.mail_context(new) | {
        "learner_name": old.learner.full_name, "status": status,
        "waitlist_position": enrollment.waitlist_position(session, new),
        "from_course_title": source.course.title, "from_when": when_text(source, zone_name),
        "from_location": source.location, "to_when": when_text(target, zone_name),
        # The mail shows the moments in its reader's language (from_when is the English words).
        "from_starts_at": source.starts_at.isoformat(), "from_ends_at": source.ends_at.isoformat()}
    context |= blended.seat_taken(session, new, now)
    notifications.enqueue(session, kind="enrollment_transferred", recipient=old.learner,
                          event_key=f"enrollment_transferred:{old.id}", context=context,
                          subject=("enrollment", new.id))
    audit.record(session, actor, "enrollment.transferred", "enrollment", new.id,
                 learner=old.learner.email, from_session=source.id, to_session=target.id,
                 from_enrollment=old.id, status=status)
    if held_seat:
        enrollment.promote_from_waitlist(session, source, now)
    return new


def transfer_targets(session: Session, source: ClassSession, now: datetime) -> list[ClassSession]:
    """Upcoming sessions a learner of `source` could move to (same level, every topic covered)."""
    candidates = session.scalars(
        select(ClassSession).join(ClassSession.course)
        .where(ClassSession.status == "scheduled", ClassSession.starts_at > now,
               ClassSession.id != source.id, Course.level == source.course.level,
               covers_sql(Course.level, Course.topics_mask, source.course.level,
                          source.course.topics_mask))
        .order_by(ClassSession.starts_at).limit(50))
    return list(candidates)


def schedule_listing(session: Session, since: datetime, limit: int = 200) -> list[ClassSession]:
    """Sessions starting from `since`, in every status, soonest first."""
    return list(session.scalars(select(ClassSession).where(ClassSession.starts_at >= since)
                                .order_by(ClassSession.starts_at, ClassSession.id).limit(limit)))


def session_enrollments(session: Session, class_session: ClassSession) -> list[Enrollment]:
    """Everyone holding a seat, an outcome or a waitlist place, in arrival order."""
    return _enrollments(session, class_session, ("enrolled", "waitlisted", "passed", "failed",
                                                 "no_show"))
