"""The keycode bank (API-2.md §4): loading, assignment at enrollment, the key's return on
cancellation, used-up keys, and the admins' low-stock mail once per course until restocked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import blended
from app.services.enrollment import seats as service
from app.services.errors import Invalid
from app.services.schedule import changes
from tests import factories
from tests.support.blended import blended_course, load


def mail(kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def upcoming(course, capacity=10):
    return factories.ClassSessionFactory(course=course, capacity=capacity)


def test_pasted_and_csv_keycodes_are_read_once_each():
    text = "keycode,note\nHC-1,first\nHC-2,\n\nHC-1,again\n"
    assert blended.parse_keycodes(text) == ["HC-1", "HC-2"]
    assert blended.parse_keycodes("HC-3\nHC-4 HC-5\n") == ["HC-3", "HC-4", "HC-5"]


def test_loading_adds_only_new_keys_and_counts_what_is_left(app):
    course, admin = blended_course(), factories.admin()
    first = blended.load_keycodes(db.session, admin, course.code, ["A1", "A2"], utcnow(),
                                  low_mark=5)
    again = blended.load_keycodes(db.session, admin, course.code, ["A2", "A3"], utcnow(),
                                  low_mark=5)
    known = blended.load_keycodes(db.session, admin, course.code, ["A1"], utcnow(), low_mark=5)
    assert (first.added, first.available) == (2, 2)
    assert (again.added, again.available) == (1, 3)
    assert (known.added, known.available) == (0, 3)


def test_a_malformed_keycode_loads_nothing(app):
    course = blended_course()
    with pytest.raises(Invalid):
        blended.load_keycodes(db.session, factories.admin(), course.code, ["OK-1", "no way"],
                              utcnow(), low_mark=5)
    assert blended.available(db.session, course.id) == 0


def test_enrolling_assigns_a_key_and_the_confirmation_carries_it(app):
    course = blended_course()
    load(course, "K-1", "K-2")
    enrollment = service.enroll(db.session, factories.learner(), upcoming(course).id, utcnow())
    assert enrollment.keycode.key == "K-1"
    [confirmation] = mail("enrollment_confirmed")
    assert confirmation.context["keycode"] == "K-1"
    assert confirmation.context["online_course_url"] == course.online_course_url


def test_with_no_key_left_the_enrollment_still_succeeds_without_one(app):
    course = blended_course()
    enrollment = service.enroll(db.session, factories.learner(), upcoming(course).id, utcnow())
    assert enrollment.status == "enrolled" and enrollment.keycode is None
    assert mail("enrollment_confirmed")[0].context["keycode"] is None


def test_a_waitlisted_learner_gets_a_key_when_promoted(app):
    course = blended_course()
    load(course, "K-1", "K-2")
    class_session = upcoming(course, capacity=1)
    first = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    waiting = service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    assert waiting.keycode is None
    service.cancel_enrollment(db.session, first.learner, first.id, utcnow())
    db.session.expire_all()
    assert waiting.status == "enrolled" and waiting.keycode.key == "K-1"  # first's, returned


def test_a_cancelled_enrollments_unused_key_returns_to_the_bank(app):
    course = blended_course()
    load(course, "K-1")
    enrollment = service.enroll(db.session, factories.learner(), upcoming(course).id, utcnow())
    service.cancel_enrollment(db.session, enrollment.learner, enrollment.id, utcnow())
    assert blended.available(db.session, course.id) == 1


def test_a_key_marked_used_up_stays_with_its_enrollment(app):
    course = blended_course()
    load(course, "K-1", "K-2")
    enrollment = service.enroll(db.session, factories.learner(), upcoming(course).id, utcnow())
    blended.mark_used_up(db.session, factories.admin(), enrollment.keycode.id)
    service.cancel_enrollment(db.session, enrollment.learner, enrollment.id, utcnow())
    db.session.expire_all()
    assert enrollment.keycode.key == "K-1" and enrollment.keycode.used_up
    assert blended.available(db.session, course.id) == 1


def test_a_class_cancelled_by_the_center_returns_its_keys(app):
    course = blended_course()
    load(course, "K-1", "K-2")
    class_session = upcoming(course)
    for _ in range(2):
        service.enroll(db.session, factories.learner(), class_session.id, utcnow())
    changes.cancel_session(db.session, factories.admin(), class_session, "Instructor ill",
                           utcnow())
    assert blended.available(db.session, course.id) == 2


def test_a_classroom_course_assigns_no_key(app):
    course = factories.CourseFactory()
    load(course, "K-1")
    enrollment = service.enroll(db.session, factories.learner(), upcoming(course).id, utcnow())
    assert enrollment.keycode is None and "keycode" not in mail("enrollment_confirmed")[0].context


def test_admins_are_mailed_once_per_course_until_it_is_restocked(app):
    admins = [factories.admin(), factories.admin()]
    factories.instructor()  # not staff: never mailed
    course = blended_course()
    load(course, "K-1", "K-2")
    now = utcnow()
    assert blended.alert_low_banks(db.session, now, low_mark=5) == 1
    assert blended.alert_low_banks(db.session, now + timedelta(minutes=10), low_mark=5) == 0
    assert sorted(n.recipient_id for n in mail("keycodes_low")) == sorted(a.id for a in admins)
    assert mail("keycodes_low")[0].context["available"] == 2

    blended.load_keycodes(db.session, admins[0], course.code, [f"R-{n}" for n in range(5)],
                          now, low_mark=5)
    assert blended.alert_low_banks(db.session, now + timedelta(hours=1), low_mark=5) == 0
    for _ in range(4):
        service.enroll(db.session, factories.learner(), upcoming(course).id, now)
    assert blended.alert_low_banks(db.session, now + timedelta(hours=2), low_mark=5) == 1
    assert len(mail("keycodes_low")) == 4  # a second alert after the restock ran low again


def test_a_transfer_returns_the_old_key_and_gives_the_new_enrollment_one(app):
    course = blended_course()
    load(course, "K-1")
    enrollment = service.enroll(db.session, factories.learner(), upcoming(course).id, utcnow())
    moved = changes.transfer_enrollment(db.session, factories.admin(), enrollment.id,
                                        upcoming(course).id, utcnow(), zone_name="America/New_York")
    db.session.expire_all()
    assert enrollment.keycode is None and moved.keycode.key == "K-1"
