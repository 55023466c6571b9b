"""Instructor authorisations: lapses refuse assignment, no record is flagged, reminders at 60 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Notification
from app.models.base import utcnow
from app.services.errors import Invalid
from app.services.schedule import authorisations, sessions
from tests import factories

ZONE = "America/New_York"


def schedule(db, instructor, course, days_ahead=10):
    starts = utcnow().replace(microsecond=0) + timedelta(days=days_ahead)
    return sessions.schedule_session(
        db.session, None, course=course, instructor=instructor, starts_at=starts,
        ends_at=starts + timedelta(hours=3), location="Room 1", capacity=6,
        zone_name=ZONE)


def test_a_lapsed_authorisation_refuses_scheduling_with_the_reason(db):
    course = factories.CourseFactory(family="bls")
    instructor = factories.instructor(full_name="Ivy Lapsed")
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls",
                                     utcnow().date() - timedelta(days=1))
    with pytest.raises(Invalid) as refused:
        schedule(db, instructor, course)
    assert "lapsed" in refused.value.fields["instructor_email"][0]
    assert "Ivy Lapsed" in refused.value.message


def test_an_authorisation_lapsing_before_the_class_day_refuses_it(db):
    course = factories.CourseFactory(family="bls")
    instructor = factories.instructor()
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls",
                                     utcnow().date() + timedelta(days=5))
    schedule(db, instructor, course, days_ahead=2)
    with pytest.raises(Invalid):
        schedule(db, instructor, course, days_ahead=20)


def test_no_record_refuses_scheduling_and_an_older_session_is_flagged(db):
    course = factories.CourseFactory(family="first_aid", title="Adult First Aid")
    instructor = factories.instructor(full_name="Una Known")
    with pytest.raises(Invalid) as refused:
        schedule(db, instructor, course)
    assert refused.value.fields["instructor_email"] == [
        "Una Known is not authorised to teach Adult First Aid: no authorisation is on record."]
    older = factories.ClassSessionFactory(course=course, instructor=instructor)
    flags = authorisations.schedule_flags(db.session, [older], ZONE)
    assert flags[older.id].status == "no_record"


def test_a_class_in_the_past_is_refused(db):
    course = factories.CourseFactory(family="bls")
    instructor = factories.authorised_instructor("bls")
    starts = utcnow().replace(microsecond=0) - timedelta(days=1)
    with pytest.raises(Invalid) as refused:
        sessions.schedule_session(db.session, None, course=course, instructor=instructor,
                                  starts_at=starts, ends_at=starts + timedelta(hours=3),
                                  location="Room 1", capacity=6, zone_name=ZONE, now=utcnow())
    assert "in the past" in refused.value.fields["starts_at"][0]


def test_a_current_authorisation_is_not_flagged(db):
    course = factories.CourseFactory(family="bls")
    instructor = factories.instructor()
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls",
                                     utcnow().date() + timedelta(days=400))
    class_session = schedule(db, instructor, course)
    assert authorisations.schedule_flags(db.session, [class_session], ZONE) == {}


def test_setting_an_authorisation_renews_it_and_is_audited(db):
    instructor = factories.instructor()
    admin = factories.admin()
    today = utcnow().date()
    authorisations.set_authorisation(db.session, admin, instructor, "bls", today)
    authorisations.set_authorisation(db.session, admin, instructor, "bls", today + timedelta(days=700))
    records = authorisations.list_for(db.session, instructor)
    assert [(r.family, r.expires_on) for r in records] == [("bls", today + timedelta(days=700))]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "authorisation.set")).all()
    assert len(events) == 2 and events[1].details["previous"] == today.isoformat()


def test_only_instructors_hold_authorisations(db):
    with pytest.raises(Invalid):
        authorisations.set_authorisation(db.session, factories.admin(), factories.learner(), "bls",
                                         utcnow().date())


def test_reminder_goes_out_once_within_sixty_days_of_the_lapse(db):
    today = utcnow().date()
    admin = factories.admin()
    due = factories.instructor()
    later = factories.instructor()
    lapsed = factories.instructor()
    authorisations.set_authorisation(db.session, admin, due, "bls", today + timedelta(days=60))
    authorisations.set_authorisation(db.session, admin, later, "bls", today + timedelta(days=61))
    authorisations.set_authorisation(db.session, admin, lapsed, "bls", today - timedelta(days=1))
    assert authorisations.queue_lapse_reminders(db.session, today) == 1
    assert authorisations.queue_lapse_reminders(db.session, today + timedelta(days=1)) == 1
    assert authorisations.queue_lapse_reminders(db.session, today + timedelta(days=2)) == 0
    mails = db.session.scalars(select(Notification).where(
        Notification.kind == "authorisation_reminder").order_by(Notification.id)).all()
    assert [m.recipient_id for m in mails] == [due.id, later.id]
    assert mails[0].context["days_left"] == 60


def test_a_renewed_authorisation_is_reminded_again_before_its_new_date(db):
    today = utcnow().date()
    admin = factories.admin()
    instructor = factories.instructor()
    authorisations.set_authorisation(db.session, admin, instructor, "bls", today + timedelta(days=30))
    assert authorisations.queue_lapse_reminders(db.session, today) == 1
    authorisations.set_authorisation(db.session, admin, instructor, "bls", today + timedelta(days=400))
    assert authorisations.queue_lapse_reminders(db.session, today + timedelta(days=350)) == 1


def test_the_daily_sweep_queues_lapse_reminders(db, monkeypatch):
    from workers import tasks

    monkeypatch.setattr(tasks.deliver_due, "delay", lambda: None)
    instructor = factories.instructor()
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls",
                                     utcnow().date() + timedelta(days=10))
    tasks.daily_reminders()
    mails = db.session.scalars(select(Notification).where(
        Notification.kind == "authorisation_reminder")).all()
    assert [m.recipient_id for m in mails] == [instructor.id]
