"""Calendar invites (.ics) attached to the mails that give a learner a seat."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy.orm import Session

from app.models import ClassSession, Enrollment, Notification
from app.models.base import utcnow

INVITE_KINDS = ("enrollment_confirmed", "waitlist_promoted")


def invite_attachments(session: Session, notification: Notification,
                       config: Mapping) -> list[tuple[str, str, bytes]]:
    """[("class.ics", "text/calendar", bytes)] for a seat-giving mail; [] for any other."""
    if notification.kind not in INVITE_KINDS or notification.subject_type != "enrollment":
        return []
    enrollment = session.get(Enrollment, notification.subject_id)
    if enrollment is None:
        return []
    return [("class.ics", "text/calendar", class_invite(enrollment, config))]


def class_invite(enrollment: Enrollment, config: Mapping) -> bytes:
    """An iCalendar event for the enrollment's class, the same UID every time it is sent."""
    return _event_calendar(enrollment.session, f"enrollment-{enrollment.id}", config)


def session_event(class_session: ClassSession, config: Mapping) -> bytes:
    """The class as an iCalendar event anyone may add to a calendar (the session page's link)."""
    return _event_calendar(class_session, f"session-{class_session.id}", config)


def _event_calendar(class_session: ClassSession, uid: str, config: Mapping) -> bytes:
    host = urlsplit(config["PUBLIC_BASE_URL"]).hostname or "lifeline.local"
    calendar = Calendar()
    calendar.add("prodid", f"-//{config['CENTER_NAME']}//Lifeline//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{uid}@{host}")
    event.add("dtstamp", utcnow().replace(microsecond=0))
    event.add("dtstart", class_session.starts_at.astimezone(UTC))
    event.add("dtend", class_session.ends_at.astimezone(UTC))
    event.add("summary", f"{class_session.course.title} ({config['CENTER_NAME']})")
    event.add("location", class_session.location)
    event.add("description", f"Instructor: {class_session.instructor.full_name}. "
                             f"Details: {config['PUBLIC_BASE_URL']}/sessions/{class_session.id}")
    event.add("url", f"{config['PUBLIC_BASE_URL']}/sessions/{class_session.id}")
    organizer = vCalAddress(f"mailto:{_address(config['MAIL_FROM'])}")
    organizer.params["cn"] = vText(config["CENTER_NAME"])
    event["organizer"] = organizer
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def _address(mail_from: str) -> str:
    # "Lifeline <no-reply@lifeline.test>" -> "no-reply@lifeline.test"
    if "<" in mail_from and ">" in mail_from:
        return mail_from.split("<", 1)[1].split(">", 1)[0].strip()
    return mail_from.strip()
