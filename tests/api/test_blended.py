"""Blended learning over JSON (API-2.md §4): POST /enrollments/{id}/online-part, the online part
in enrollment and roster answers, online_part_missing, and POST /courses/{code}/keycodes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import blended
from app.services.enrollment import seats as service
from tests import factories
from tests.support.blended import blended_class, blended_course, load

YESTERDAY = (factories.center_today() - timedelta(days=1)).isoformat()


def post_part(client, headers, enrollment, **body):
    body = {"completed_on": YESTERDAY, "certificate_id": "HC-123", **body}
    return client.post(f"/api/v1/enrollments/{enrollment.id}/online-part", json=body,
                       headers=headers)


def test_the_learner_records_the_online_part_and_sees_it_with_the_keycode(client, api_token):
    course = blended_course()
    load(course, "KEY-1")
    class_session = factories.ClassSessionFactory(course=course)
    learner = factories.learner()
    enrolled = client.post(f"/api/v1/sessions/{class_session.id}/enrollments", json={},
                           headers=api_token(learner))
    assert enrolled.status_code == 201
    assert enrolled.get_json()["online_part"] == {"completed_on": None, "certificate_id": None,
                                                   "confirmed": False, "keycode": "KEY-1"}
    enrollment = service.active_enrollment(db.session, learner.id, class_session.id)
    answer = post_part(client, api_token(learner), enrollment)
    assert answer.status_code == 200
    assert answer.get_json()["online_part"] == {"completed_on": YESTERDAY,
                                                "certificate_id": "HC-123", "confirmed": False,
                                                "keycode": "KEY-1"}
    mine = client.get("/api/v1/me/enrollments", headers=api_token(learner)).get_json()
    assert mine["items"][0]["online_part"]["certificate_id"] == "HC-123"


def test_a_classroom_enrollment_has_no_online_part(client, api_token):
    enrollment = factories.EnrollmentFactory()
    mine = client.get("/api/v1/me/enrollments", headers=api_token(enrollment.learner))
    assert mine.get_json()["items"][0]["online_part"] is None


def test_the_instructor_confirms_by_entering_it_and_sees_no_keycode(client, api_token):
    class_session, (seat, _) = blended_class()
    load(class_session.course, "KEY-1")
    seat.status = "enrolled"
    blended.assign_keycode(db.session, seat, utcnow())
    db.session.commit()
    answer = post_part(client, api_token(class_session.instructor), seat)
    assert answer.status_code == 200
    assert answer.get_json()["online_part"]["confirmed"] is True
    assert answer.get_json()["online_part"]["keycode"] is None
    roster = client.get(f"/api/v1/sessions/{class_session.id}/roster",
                        headers=api_token(class_session.instructor)).get_json()
    parts = {item["enrollment_id"]: item["online_part"] for item in roster["items"]}
    assert parts[seat.id]["certificate_id"] == "HC-123" and parts[seat.id]["keycode"] is None
    staff_view = client.get(f"/api/v1/sessions/{class_session.id}/roster",
                            headers=api_token(factories.admin())).get_json()
    assert {i["enrollment_id"]: i["online_part"]["keycode"]
            for i in staff_view["items"]}[seat.id] == "KEY-1"


def test_a_future_date_or_a_bad_id_is_invalid(client, api_token):
    _, (seat, _) = blended_class()
    tomorrow = (factories.center_today() + timedelta(days=1)).isoformat()
    future = post_part(client, api_token(seat.learner), seat, completed_on=tomorrow)
    long_id = post_part(client, api_token(seat.learner), seat, certificate_id="x" * 65)
    assert (future.status_code, future.get_json()["error"]) == (422, "invalid")
    assert (long_id.status_code, long_id.get_json()["error"]) == (422, "invalid")


def test_another_learners_enrollment_is_not_found(client, api_token):
    _, (seat, other) = blended_class()
    answer = post_part(client, api_token(other.learner), seat)
    assert (answer.status_code, answer.get_json()["error"]) == (404, "not_found")


def test_a_pass_without_the_online_part_is_online_part_missing(client, api_token):
    class_session, (missing, done) = blended_class()
    post_part(client, api_token(done.learner), done)
    answer = client.post(f"/api/v1/sessions/{class_session.id}/completions",
                         headers=api_token(class_session.instructor),
                         json={"results": [{"enrollment_id": missing.id, "outcome": "passed"},
                                           {"enrollment_id": done.id, "outcome": "passed"}]})
    assert answer.status_code == 422
    assert answer.get_json()["error"] == "online_part_missing"
    assert list(answer.get_json()["fields"]) == [str(missing.id)]


def test_admins_load_keycodes_once_each(client, api_token):
    course, headers = blended_course(), api_token(factories.admin())
    first = client.post(f"/api/v1/courses/{course.code}/keycodes", headers=headers,
                        json={"keycodes": ["A-1", "A-2", "A-1"]})
    again = client.post(f"/api/v1/courses/{course.code}/keycodes", headers=headers,
                        json={"keycodes": ["A-2"]})
    assert (first.status_code, first.get_json()) == (201, {"added": 2, "available": 2})
    assert (again.status_code, again.get_json()) == (201, {"added": 0, "available": 2})
    unknown = client.post("/api/v1/courses/NOPE/keycodes", headers=headers,
                          json={"keycodes": ["A-3"]})
    assert unknown.status_code == 404
    learner = client.post(f"/api/v1/courses/{course.code}/keycodes",
                          headers=api_token(factories.learner()), json={"keycodes": ["A-4"]})
    assert learner.status_code == 403


def test_staff_set_a_sessions_arrival_notes_without_mailing_anyone(client, api_token):
    enrollment = factories.EnrollmentFactory()
    answer = client.patch(f"/api/v1/sessions/{enrollment.session_id}",
                          headers=api_token(factories.admin()),
                          json={"arrival_notes": "Park in lot B; room 4 is upstairs."})
    assert answer.status_code == 200
    assert answer.get_json()["arrival_notes"] == "Park in lot B; room 4 is upstairs."
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
