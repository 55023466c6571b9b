"""The enrollment API: enroll, cancel, my enrollments and certificates — only one's own —
and the login limit on POST /tokens."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db as _db
from app.models import Enrollment
from app.models.base import utcnow
from tests import factories


def test_enroll_answers_201_with_a_seat_then_a_waitlist_position(client, db, api_token):
    class_session = factories.ClassSessionFactory(capacity=1)
    first = client.post(f"/api/v1/sessions/{class_session.id}/enrollments", json={},
                        headers=api_token(factories.learner()))
    assert first.status_code == 201
    body = first.get_json()
    assert body["status"] == "enrolled" and body["waitlist_position"] is None
    assert set(body) == {"id", "session_id", "status", "waitlist_position", "created_at",
                         "online_part", "payment"}
    assert body["online_part"] is None  # a classroom course
    second = client.post(f"/api/v1/sessions/{class_session.id}/enrollments",
                         headers=api_token(factories.learner()))
    assert second.status_code == 201
    assert second.get_json()["status"] == "waitlisted"
    assert second.get_json()["waitlist_position"] == 1


def test_enroll_refusals_use_the_api_error_codes(client, db, api_token):
    learner = factories.learner()
    headers = api_token(learner)
    open_session = factories.ClassSessionFactory()
    cancelled = factories.ClassSessionFactory(status="cancelled")
    closed = factories.ClassSessionFactory(enrollment_closes_at=utcnow() - timedelta(minutes=1))
    client.post(f"/api/v1/sessions/{open_session.id}/enrollments", headers=headers)
    cases = {
        open_session.id: (409, "already_enrolled"),
        cancelled.id: (422, "session_cancelled"),
        closed.id: (422, "enrollment_closed"),
        999_999: (404, "not_found"),
    }
    for class_id, (status, code) in cases.items():
        response = client.post(f"/api/v1/sessions/{class_id}/enrollments", headers=headers)
        assert (response.status_code, response.get_json()["error"]) == (status, code)


def test_enroll_needs_a_learner_token_and_a_json_object(client, db, api_token):
    class_session = factories.ClassSessionFactory()
    path = f"/api/v1/sessions/{class_session.id}/enrollments"
    assert client.post(path).status_code == 401
    assert client.post(path, headers=api_token(factories.employer())).status_code == 403
    malformed = client.post(path, data="[1, 2", headers=api_token(factories.learner()))
    assert malformed.status_code == 400 and malformed.get_json()["error"] == "malformed"
    assert client.post("/api/v1/sessions/abc/enrollments",
                       headers=api_token(factories.learner())).status_code == 404


def test_cancel_frees_the_seat_and_promotes_the_first_waitlisted(client, db, api_token):
    class_session = factories.ClassSessionFactory(capacity=1)
    holder = factories.EnrollmentFactory(session=class_session)
    waiting = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    response = client.delete(f"/api/v1/enrollments/{holder.id}",
                             headers=api_token(holder.learner))
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    db.session.expire_all()
    assert db.session.get(Enrollment, waiting.id).status == "enrolled"


def test_other_learners_enrollments_are_404_and_untouched(client, db, api_token):
    enrollment = factories.EnrollmentFactory()
    headers = api_token(factories.learner())
    response = client.delete(f"/api/v1/enrollments/{enrollment.id}", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert client.delete("/api/v1/enrollments/0", headers=headers).status_code == 404
    assert client.delete("/api/v1/enrollments/x1", headers=headers).status_code == 404
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).status == "enrolled"


def test_an_admin_may_cancel_anyones_enrollment(client, db, api_token):
    enrollment = factories.EnrollmentFactory()
    response = client.delete(f"/api/v1/enrollments/{enrollment.id}",
                             headers=api_token(factories.admin()))
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"


def test_learner_cancelling_after_the_start_is_enrollment_closed(client, db, api_token):
    started = factories.ClassSessionFactory(starts_at=utcnow() - timedelta(minutes=30),
                                            enrollment_closes_at=utcnow() - timedelta(hours=1))
    enrollment = factories.EnrollmentFactory(session=started)
    response = client.delete(f"/api/v1/enrollments/{enrollment.id}",
                             headers=api_token(enrollment.learner))
    assert response.status_code == 422 and response.get_json()["error"] == "enrollment_closed"


def test_my_enrollments_list_only_mine_with_positions(client, db, api_token):
    learner = factories.learner()
    mine = factories.EnrollmentFactory(learner=learner)
    full = factories.ClassSessionFactory(capacity=1)
    factories.EnrollmentFactory(session=full)
    waiting = factories.EnrollmentFactory(session=full, learner=learner, status="waitlisted")
    factories.EnrollmentFactory()  # someone else's
    items = client.get("/api/v1/me/enrollments", headers=api_token(learner)).get_json()["items"]
    assert {item["id"]: item["waitlist_position"] for item in items} == {
        mine.id: None, waiting.id: 1}


def test_my_certificates_are_certificate_views_of_mine_only(client, db, api_token):
    learner = factories.learner()
    certificate = factories.CertificateFactory(holder=learner)
    factories.CertificateFactory()
    items = client.get("/api/v1/me/certificates", headers=api_token(learner)).get_json()["items"]
    assert [item["code"] for item in items] == [certificate.code]
    assert items[0]["status"] == "valid" and "holder_email" not in items[0]
    assert client.get("/api/v1/me/certificates").status_code == 401


def test_token_requests_are_throttled_after_failed_attempts(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per 15 minutes")
    with app.app_context():
        user = factories.learner(email="api@example.test")
        client = app.test_client()
        for _ in range(3):
            response = client.post("/api/v1/tokens", json={"email": user.email,
                                                           "password": "wrong wrong"})
            assert response.status_code == 401
        blocked = client.post("/api/v1/tokens", json={"email": user.email,
                                                      "password": factories.DEFAULT_PASSWORD})
        assert blocked.status_code == 429
        assert blocked.get_json()["error"] == "rate_limited"
        assert int(blocked.headers["Retry-After"]) > 0
        _db.session.remove()


def test_ids_beyond_the_schema_range_are_404_not_500(client, db, api_token, login):
    headers = api_token(factories.learner())
    huge = 2**40
    assert client.post(f"/api/v1/sessions/{huge}/enrollments", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/enrollments/{huge}", headers=headers).status_code == 404
    assert client.get(f"/sessions/{huge}").status_code == 404
