"""Staff schedule changes: capacity, time and place, cancellation, transfers, weekly series."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, ClassSession, Enrollment, Notification
from app.models.base import utcnow
from app.services.errors import AlreadyEnrolled, Conflict, Invalid
from app.services.schedule import changes as service
from tests import factories

ZONE = "America/New_York"


def notifications_of(db, kind):
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def fresh(db, model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def full_session_with_waitlist(capacity=2, waiting=2, **kwargs):
    class_session = factories.ClassSessionFactory(capacity=capacity, **kwargs)
    holders = [factories.EnrollmentFactory(session=class_session) for _ in range(capacity)]
    waitlist = [factories.EnrollmentFactory(session=class_session, status="waitlisted")
                for _ in range(waiting)]
    return class_session, holders, waitlist


def test_capacity_cannot_drop_below_the_enrolled_count(db):
    class_session, _, _ = full_session_with_waitlist(capacity=3, waiting=0)
    admin = factories.admin()
    with pytest.raises(Invalid) as refused:
        service.update_session(db.session, admin, class_session, {"capacity": 2}, utcnow(), zone_name=ZONE)
    assert "capacity" in refused.value.fields
    assert fresh(db, ClassSession, class_session.id).capacity == 3


def test_raising_capacity_promotes_the_waitlist_in_order_and_mails_them(db):
    class_session, _, waitlist = full_session_with_waitlist(capacity=2, waiting=3)
    admin = factories.admin()
    service.update_session(db.session, admin, class_session, {"capacity": 4}, utcnow(), zone_name=ZONE)
    statuses = [fresh(db, Enrollment, e.id).status for e in waitlist]
    assert statuses == ["enrolled", "enrolled", "waitlisted"]
    assert fresh(db, ClassSession, class_session.id).seats_taken == 4
    promoted = notifications_of(db, "waitlist_promoted")
    assert [n.recipient_id for n in promoted] == [waitlist[0].learner_id, waitlist[1].learner_id]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.updated"))


def test_new_time_and_place_are_mailed_to_the_enrolled_only(db):
    class_session, holders, waitlist = full_session_with_waitlist(capacity=2, waiting=1)
    new_start = class_session.starts_at + timedelta(days=1)
    service.update_session(db.session, factories.admin(), class_session,
                           {"starts_at": new_start, "ends_at": new_start + timedelta(hours=3),
                            "location": "Hall B"}, utcnow(), zone_name=ZONE)
    changed = fresh(db, ClassSession, class_session.id)
    assert changed.location == "Hall B" and changed.enrollment_closes_at == new_start
    mails = notifications_of(db, "session_changed")
    assert sorted(n.recipient_id for n in mails) == sorted(h.learner_id for h in holders)
    assert any("Hall B" in line for line in mails[0].context["changes"])


def test_an_unchanged_value_writes_no_mail_and_no_audit(db):
    class_session, _, _ = full_session_with_waitlist(capacity=1, waiting=0)
    service.update_session(db.session, factories.admin(), class_session,
                           {"location": class_session.location}, utcnow(), zone_name=ZONE)
    assert notifications_of(db, "session_changed") == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.updated")) is None


def test_an_end_before_the_start_is_refused(db):
    class_session = factories.ClassSessionFactory()
    with pytest.raises(Invalid):
        service.update_session(db.session, factories.admin(), class_session,
                               {"ends_at": class_session.starts_at - timedelta(hours=1)}, utcnow(),
                               zone_name=ZONE)


def test_cancellation_notifies_every_enrolled_and_waitlisted_learner_once(db):
    class_session, holders, waitlist = full_session_with_waitlist(capacity=2, waiting=2)
    admin = factories.admin()
    service.cancel_session(db.session, admin, class_session, "Instructor ill", utcnow())
    service.cancel_session(db.session, admin, class_session, "Instructor ill", utcnow())
    cancelled = fresh(db, ClassSession, class_session.id)
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Instructor ill"
    assert cancelled.seats_taken == 0
    everyone = holders + waitlist
    for enrollment in everyone:
        row = fresh(db, Enrollment, enrollment.id)
        assert row.status == "cancelled" and row.cancelled_at is not None
    mails = notifications_of(db, "session_cancelled")
    assert sorted(n.recipient_id for n in mails) == sorted(e.learner_id for e in everyone)
    assert mails[0].context["reason"] == "Instructor ill"
    assert notifications_of(db, "waitlist_promoted") == []


def test_cancellation_needs_a_reason(db):
    class_session = factories.ClassSessionFactory()
    with pytest.raises(Invalid):
        service.cancel_session(db.session, factories.admin(), class_session, "  ", utcnow())


def test_a_cancelled_session_cannot_be_changed(db):
    class_session = factories.ClassSessionFactory(status="cancelled")
    with pytest.raises(Conflict):
        service.update_session(db.session, factories.admin(), class_session, {"capacity": 20},
                               utcnow(), zone_name=ZONE)


def test_transfer_keeps_both_sessions_within_capacity(db):
    source, holders, waitlist = full_session_with_waitlist(capacity=2, waiting=1)
    target, target_holders, _ = full_session_with_waitlist(capacity=1, waiting=0,
                                                           course=source.course)
    moved = service.transfer_enrollment(db.session, factories.admin(), holders[0].id, target.id,
                                        utcnow(), zone_name=ZONE)
    assert moved.status == "waitlisted"  # the target was full
    assert fresh(db, Enrollment, holders[0].id).status == "cancelled"
    assert fresh(db, Enrollment, waitlist[0].id).status == "enrolled"
    for class_session in (source, target):
        row = fresh(db, ClassSession, class_session.id)
        held = db.session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.session_id == row.id, Enrollment.status == "enrolled"))
        assert row.seats_taken == held <= row.capacity
    mails = notifications_of(db, "enrollment_transferred")
    assert [n.recipient_id for n in mails] == [holders[0].learner_id]
    assert mails[0].context["status"] == "waitlisted" and mails[0].context["waitlist_position"] == 1


def test_transfer_to_a_session_with_room_enrolls(db):
    source, holders, _ = full_session_with_waitlist(capacity=1, waiting=0)
    target = factories.ClassSessionFactory(course=source.course, capacity=5)
    moved = service.transfer_enrollment(db.session, factories.admin(), holders[0].id, target.id,
                                        utcnow(), zone_name=ZONE)
    assert moved.status == "enrolled"
    assert fresh(db, ClassSession, source.id).seats_taken == 0
    assert fresh(db, ClassSession, target.id).seats_taken == 1


def test_transfer_to_a_course_of_another_requirement_is_refused(db):
    source, holders, _ = full_session_with_waitlist(capacity=1, waiting=0)
    lay = factories.CourseFactory(level="lay_rescuer")
    fewer_topics = factories.CourseFactory(topics_mask=0b1001)
    for course in (lay, fewer_topics):
        target = factories.ClassSessionFactory(course=course)
        with pytest.raises(Invalid) as refused:
            service.transfer_enrollment(db.session, factories.admin(), holders[0].id, target.id,
                                        utcnow(), zone_name=ZONE)
        assert refused.value.fields["target"]
    assert fresh(db, Enrollment, holders[0].id).status == "enrolled"


def test_transfer_refuses_a_learner_already_in_the_target(db):
    source, holders, _ = full_session_with_waitlist(capacity=1, waiting=0)
    target = factories.ClassSessionFactory(course=source.course)
    factories.EnrollmentFactory(session=target, learner=holders[0].learner)
    with pytest.raises(AlreadyEnrolled):
        service.transfer_enrollment(db.session, factories.admin(), holders[0].id, target.id,
                                    utcnow(), zone_name=ZONE)


def test_weekly_series_keeps_the_local_time_across_a_clock_change(db, app):
    course = factories.CourseFactory()
    instructor = factories.authorised_instructor(course.family)
    zone = app.config["CENTER_TIMEZONE"]
    starts = utcnow().replace(year=utcnow().year + 1, month=10, day=20, hour=14, minute=0,
                              second=0, microsecond=0)
    created = service.schedule_weekly_series(
        db.session, factories.admin(), course=course, instructor=instructor, starts_at=starts,
        ends_at=starts + timedelta(hours=4), location="Room 1", capacity=8, weeks=3,
        zone_name=zone)
    from app.services.clock import local_moment

    local_hours = {local_moment(s.starts_at, zone).hour for s in created}
    assert len(created) == 3 and len(local_hours) == 1
    days = [local_moment(s.starts_at, zone).date() for s in created]
    assert days[1] - days[0] == days[2] - days[1] == timedelta(days=7)


def test_a_series_that_would_run_past_a_lapse_schedules_nothing(db, app):
    from app.services.schedule import authorisations

    course = factories.CourseFactory(family="bls")
    instructor = factories.instructor()
    starts = utcnow().replace(microsecond=0) + timedelta(days=3)
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls",
                                     (starts + timedelta(days=8)).date())
    with pytest.raises(Invalid):
        service.schedule_weekly_series(
            db.session, factories.admin(), course=course, instructor=instructor,
            starts_at=starts, ends_at=starts + timedelta(hours=2), location="Room 1",
            capacity=8, weeks=3, zone_name=app.config["CENTER_TIMEZONE"])
    assert db.session.scalars(select(ClassSession)).all() == []


def test_every_staff_mail_renders_from_the_context_it_is_queued_with(db, app):
    from app.services.notifications import mail
    from app.services.schedule import authorisations

    source, holders, waitlist = full_session_with_waitlist(capacity=2, waiting=1)
    target = factories.ClassSessionFactory(course=source.course, capacity=5)
    admin = factories.admin()
    new_start = source.starts_at + timedelta(days=1)
    service.update_session(db.session, admin, source, {"starts_at": new_start,
                                                       "ends_at": new_start + timedelta(hours=2)},
                           utcnow(), zone_name=ZONE)
    service.transfer_enrollment(db.session, admin, holders[0].id, target.id, utcnow(), zone_name=ZONE)
    service.cancel_session(db.session, admin, source, "Snow storm", utcnow())
    instructor = factories.instructor()
    authorisations.set_authorisation(db.session, admin, instructor, "bls",
                                     utcnow().date() + timedelta(days=30))
    authorisations.queue_lapse_reminders(db.session, utcnow().date())
    expected = {"session_changed": "has changed", "enrollment_transferred": "moved you",
                "session_cancelled": "Snow storm", "authorisation_reminder": "lapses on"}
    for kind, phrase in expected.items():
        notification = notifications_of(db, kind)[0]
        context = mail.template_context(db.session, notification, app.config)
        subject, text, html = mail.render(app.jinja_env, kind, context)
        assert subject and phrase in text and phrase in html, kind
