"""Calendar invites that stay right (RFC 5545/5546, API-2.md §4), parsed back with icalendar
field by field: one UID per enrollment, SEQUENCE raised on each change of time or place,
REQUEST updates, CANCEL on either side's cancellation, and the instructor's feed."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services.enrollment import calendar_invites
from app.services.enrollment import seats as service
from app.services.notifications import mail
from app.services.schedule import changes
from tests import factories

ZONE = "America/New_York"


def mails(kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def invite_of(app, notification: Notification) -> tuple[str, Calendar]:
    [(_, mimetype, body)] = calendar_invites.invite_attachments(db.session, notification,
                                                                app.config)
    return mimetype, Calendar.from_ical(body)


def event_of(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def enrolled(learner=None, **fields):
    class_session = factories.ClassSessionFactory(location="Room 1, 100 Main St", **fields)
    learner = learner or factories.learner(full_name="Lena Learnwell", email="lena@example.test")
    return service.enroll(db.session, learner, class_session.id, utcnow())


def test_the_confirmation_is_a_request_at_sequence_zero_with_organizer_and_attendee(app):
    enrollment = enrolled()
    mimetype, calendar = invite_of(app, mails("enrollment_confirmed")[0])
    event = event_of(calendar)
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(calendar["method"]) == "REQUEST" and str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == f"enrollment-{enrollment.id}@lifeline.test"
    assert event.decoded("sequence") == 0
    assert event.decoded("dtstart") == enrollment.session.starts_at
    assert event.decoded("dtend") == enrollment.session.ends_at
    assert str(event["location"]) == "Room 1, 100 Main St"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["organizer"]) == "mailto:no-reply@lifeline.test"
    assert str(event["organizer"].params["CN"]) == "Lifeline Training Center"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:lena@example.test"
    assert str(attendee.params["CN"]) == "Lena Learnwell"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"


def test_each_change_of_time_or_place_mails_a_request_with_a_higher_sequence(app):
    enrollment = enrolled()
    class_session, admin = enrollment.session, factories.admin()
    new_start = class_session.starts_at + timedelta(days=1)
    changes.update_session(db.session, admin, class_session,
                           {"starts_at": new_start, "ends_at": new_start + timedelta(hours=4)},
                           utcnow(), zone_name=ZONE)
    changes.update_session(db.session, admin, class_session, {"location": "Sim Lab 2"},
                           utcnow(), zone_name=ZONE)
    changes.update_session(db.session, admin, class_session, {"capacity": 20}, utcnow(),
                           zone_name=ZONE)  # neither time nor place: no update
    updates = [event_of(invite_of(app, n)[1]) for n in mails("session_changed")]
    assert [event.decoded("sequence") for event in updates] == [1, 2]
    assert {str(event["uid"]) for event in updates} == {f"enrollment-{enrollment.id}@lifeline.test"}
    assert updates[0].decoded("dtstart") == new_start
    assert str(updates[0]["location"]) == "Room 1, 100 Main St"
    assert str(updates[1]["location"]) == "Sim Lab 2"
    assert updates[1].decoded("dtstart") == new_start
    assert invite_of(app, mails("session_changed")[1])[0] == "text/calendar; method=REQUEST"


def test_a_learners_cancellation_mails_a_cancel_with_the_same_uid_and_a_higher_sequence(app):
    enrollment = enrolled()
    new_start = enrollment.session.starts_at + timedelta(hours=2)
    changes.update_session(db.session, factories.admin(), enrollment.session,
                           {"starts_at": new_start, "ends_at": new_start + timedelta(hours=4)},
                           utcnow(), zone_name=ZONE)
    service.cancel_enrollment(db.session, enrollment.learner, enrollment.id, utcnow())
    mimetype, calendar = invite_of(app, mails("enrollment_cancelled")[0])
    event = event_of(calendar)
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"enrollment-{enrollment.id}@lifeline.test"
    assert event.decoded("sequence") == 2


def test_the_center_cancelling_the_class_mails_each_learner_a_cancel(app):
    first = enrolled()
    second = service.enroll(db.session, factories.learner(), first.session_id, utcnow())
    changes.cancel_session(db.session, factories.admin(), first.session, "Instructor ill",
                           utcnow())
    events = {str(event_of(invite_of(app, n)[1])["uid"]): event_of(invite_of(app, n)[1])
              for n in mails("session_cancelled")}
    assert set(events) == {f"enrollment-{first.id}@lifeline.test",
                           f"enrollment-{second.id}@lifeline.test"}
    assert {str(event["status"]) for event in events.values()} == {"CANCELLED"}
    assert {event.decoded("sequence") for event in events.values()} == {1}


def test_the_mail_sends_the_invite_as_text_calendar_with_its_method(app):
    enrolled()
    message = mail.compose(db.session, mails("enrollment_confirmed")[0], app.config, app.jinja_env)
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST" and part.get_filename() == "class.ics"
    assert str(Calendar.from_ical(part.get_content())["method"]) == "REQUEST"


def test_the_instructors_feed_lists_their_classes_behind_a_signed_url(app, client):
    instructor = factories.instructor()
    mine = factories.ClassSessionFactory(instructor=instructor, location="Room 9")
    cancelled = factories.ClassSessionFactory(instructor=instructor, status="cancelled")
    factories.ClassSessionFactory()  # someone else's
    token = calendar_invites.feed_token(instructor.id, app.config["SECRET_KEY"])
    answer = client.get(f"/calendar/instructors/{token}.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    calendar = Calendar.from_ical(answer.data)
    assert str(calendar["method"]) == "PUBLISH"
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {f"class-session-{mine.id}@lifeline.test",
                           f"class-session-{cancelled.id}@lifeline.test"}
    assert events[f"class-session-{mine.id}@lifeline.test"].decoded("dtstart") == mine.starts_at
    assert str(events[f"class-session-{mine.id}@lifeline.test"]["location"]) == "Room 9"
    assert str(events[f"class-session-{cancelled.id}@lifeline.test"]["status"]) == "CANCELLED"
    assert client.get(f"/calendar/instructors/{token}x.ics").status_code == 404


def test_the_instructor_page_shows_the_feed_address(app, client, login):
    instructor = factories.instructor()
    login(instructor)
    page = client.get("/instructor").get_data(as_text=True)
    token = calendar_invites.feed_token(instructor.id, app.config["SECRET_KEY"])
    assert f"/calendar/instructors/{token}.ics" in page
