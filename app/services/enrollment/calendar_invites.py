"""Calendar invites that stay right (RFC 5545 objects, RFC 5546 iTIP methods).

Each enrollment is one event with a UID that never changes. The mail giving the seat carries a
METHOD:REQUEST at SEQUENCE 0; each change of the class's time or place raises the
enrollment's SEQUENCE and mails a REQUEST with it; a cancellation, by the learner or the
center, mails a METHOD:CANCEL with STATUS:CANCELLED and a SEQUENCE above the last one. The
event's time and place come from the outbox row (what the mail says), not from the session
at delivery, so a delayed mail never carries a later state under an earlier SEQUENCE.

Instructors also get a subscribable feed of their classes, behind a signed URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ClassSession, Enrollment, Notification, User
from app.models.base import utcnow

# Which mails carry an invite, and with which iTIP method.
INVITE_METHODS = {"enrollment_confirmed": "REQUEST", "waitlist_promoted": "REQUEST",
                  "session_changed": "REQUEST", "enrollment_cancelled": "CANCEL",
                  "session_cancelled": "CANCEL"}
FEED_SALT = "lifeline-instructor-calendar"
FEED_PAST_DAYS = 60


def invite_attachments(session: Session, notification: Notification,
                       config: Mapping) -> list[tuple[str, str, bytes]]:
    """[(file name, "text/calendar; method=…", bytes)] for a mail that carries an invite."""
    method = INVITE_METHODS.get(notification.kind)
    if method is None or notification.subject_type != "enrollment":
        return []
    enrollment = session.get(Enrollment, notification.subject_id)
    if enrollment is None:
        return []
    name = "cancel.ics" if method == "CANCEL" else "class.ics"
    invite = class_invite(enrollment, config, method=method, snapshot=notification.context)
    return [(name, f"text/calendar; method={method}", invite)]


def raise_sequence(enrollment: Enrollment) -> int:
    """The class moved or changed place: the enrollment's next SEQUENCE (no commit)."""
    enrollment.invite_sequence = (enrollment.invite_sequence or 0) + 1
    return enrollment.invite_sequence


def _host(config: Mapping) -> str:
    return urlsplit(config["PUBLIC_BASE_URL"]).hostname or "lifeline.local"


def _calendar(config: Mapping, method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{config['CENTER_NAME']}//Lifeline//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _organizer(config: Mapping) -> vCalAddress:
    organizer = vCalAddress(f"mailto:{_address(config['MAIL_FROM'])}")
    organizer.params["cn"] = vText(config["CENTER_NAME"])
    return organizer


def _attendee(learner: User) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{learner.email}")
    attendee.params.update({"cn": vText(learner.full_name), "role": "REQ-PARTICIPANT",
                            "partstat": "ACCEPTED", "rsvp": "FALSE"})
    return attendee


def _moment(snapshot: Mapping, key: str, current: datetime) -> datetime:
    value = snapshot.get(key)
    return (datetime.fromisoformat(value) if value else current).astimezone(UTC)


def class_invite(enrollment: Enrollment, config: Mapping, *, method: str = "REQUEST",
                 snapshot: Mapping | None = None) -> bytes:
    """The enrollment's event as an iTIP message: the same UID every time it is sent."""
    class_session, snapshot = enrollment.session, snapshot or {}
    base_url = config["PUBLIC_BASE_URL"]
    if method == "CANCEL":
        sequence = (enrollment.invite_sequence or 0) + 1
    else:
        sequence = int(snapshot.get("invite_sequence", 0))
    event = Event()
    event.add("uid", f"enrollment-{enrollment.id}@{_host(config)}")
    event.add("dtstamp", utcnow().replace(microsecond=0))
    event.add("sequence", sequence)
    event.add("dtstart", _moment(snapshot, "starts_at", class_session.starts_at))
    event.add("dtend", _moment(snapshot, "ends_at", class_session.ends_at))
    event.add("summary", f"{class_session.course.title} ({config['CENTER_NAME']})")
    event.add("location", snapshot.get("location") or class_session.location)
    event.add("description", f"Instructor: {class_session.instructor.full_name}. "
                             f"Details: {base_url}/sessions/{class_session.id}")
    event.add("url", f"{base_url}/sessions/{class_session.id}")
    event["organizer"] = _organizer(config)
    event.add("attendee", _attendee(enrollment.learner))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar = _calendar(config, method)
    calendar.add_component(event)
    return calendar.to_ical()


def session_event(class_session: ClassSession, config: Mapping) -> bytes:
    """The class as an event anyone may add to a calendar (the session page's link)."""
    base_url = config["PUBLIC_BASE_URL"]
    event = Event()
    event.add("uid", f"session-{class_session.id}@{_host(config)}")
    event.add("dtstamp", utcnow().replace(microsecond=0))
    event.add("dtstart", class_session.starts_at.astimezone(UTC))
    event.add("dtend", class_session.ends_at.astimezone(UTC))
    event.add("summary", f"{class_session.course.title} ({config['CENTER_NAME']})")
    event.add("location", class_session.location)
    event.add("description", f"Instructor: {class_session.instructor.full_name}. "
                             f"Details: {base_url}/sessions/{class_session.id}")
    event.add("url", f"{base_url}/sessions/{class_session.id}")
    calendar = _calendar(config, "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()


def feed_token(instructor_id: int, secret_key: str) -> str:
    """The signed, non-expiring token of an instructor's calendar feed URL."""
    return URLSafeSerializer(secret_key, salt=FEED_SALT).dumps({"i": instructor_id})


def read_feed_token(token: str, secret_key: str) -> int | None:
    """The instructor id of a genuine feed token; None for a forged or garbled one."""
    try:
        payload = URLSafeSerializer(secret_key, salt=FEED_SALT).loads(token)
    except BadSignature:
        return None
    instructor_id = payload.get("i") if isinstance(payload, dict) else None
    return instructor_id if isinstance(instructor_id, int) else None


def instructor_feed(session: Session, instructor_id: int, config: Mapping,
                    now: datetime) -> bytes | None:
    """The instructor's classes from FEED_PAST_DAYS ago on, as a subscribable calendar;
    None when no active instructor has this id."""
    instructor = session.get(User, instructor_id)
    if instructor is None or not instructor.active or not instructor.has_role("instructor"):
        return None
    classes = session.scalars(select(ClassSession).where(
        ClassSession.instructor_id == instructor_id,
        ClassSession.starts_at >= now - timedelta(days=FEED_PAST_DAYS))
        .order_by(ClassSession.starts_at, ClassSession.id))
    calendar = _calendar(config, "PUBLISH")
    calendar.add("x-wr-calname", f"{config['CENTER_NAME']}: {instructor.full_name}'s classes")
    for class_session in classes:
        event = Event()
        event.add("uid", f"class-session-{class_session.id}@{_host(config)}")
        event.add("dtstamp", now.replace(microsecond=0))
        event.add("dtstart", class_session.starts_at.astimezone(UTC))
        event.add("dtend", class_session.ends_at.astimezone(UTC))
        event.add("summary", f"Teach: {class_session.course.title}")
        event.add("location", class_session.location)
        event.add("description", f"{class_session.seats_taken} of {class_session.capacity} "
                                 f"seats taken. Roster: {config['PUBLIC_BASE_URL']}"
                                 f"/instructor/sessions/{class_session.id}")
        event["organizer"] = _organizer(config)
        event.add("status", "CANCELLED" if class_session.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def _address(mail_from: str) -> str:
    # "Lifeline <no-reply@lifeline.test>" -> "no-reply@lifeline.test"
    if "<" in mail_from and ">" in mail_from:
        return mail_from.split("<", 1)[1].split(">", 1)[0].strip()
    return mail_from.strip()
