"""PATCH /sessions/{id} and POST /sessions/{id}/cancellation; authorisation checks; 401/403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import ClassSession, Enrollment, Notification
from app.models.base import utcnow
from app.services import accounts
from app.services.schedule import authorisations
from tests import factories


@pytest.fixture
def admin_headers(api_token):
    return api_token(factories.admin())


def test_patch_refuses_capacity_below_the_enrolled_count(client, db, admin_headers):
    class_session = factories.ClassSessionFactory(capacity=2)
    for _ in range(2):
        factories.EnrollmentFactory(session=class_session)
    response = client.patch(f"/api/v1/sessions/{class_session.id}", json={"capacity": 1},
                            headers=admin_headers)
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid" and "capacity" in response.get_json()["fields"]


def test_patch_raising_capacity_promotes_and_answers_the_session(client, db, admin_headers):
    class_session = factories.ClassSessionFactory(capacity=1)
    factories.EnrollmentFactory(session=class_session)
    waiting = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    response = client.patch(f"/api/v1/sessions/{class_session.id}", json={"capacity": 2},
                            headers=admin_headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["capacity"] == 2 and body["seats_left"] == 0 and body["waitlist_length"] == 0
    db.session.expire_all()
    assert db.session.get(Enrollment, waiting.id).status == "enrolled"


def test_patch_refuses_a_naive_time_and_unknown_instructor(client, db, admin_headers):
    class_session = factories.ClassSessionFactory()
    naive = client.patch(f"/api/v1/sessions/{class_session.id}",
                         json={"starts_at": "2030-01-01T10:00:00"}, headers=admin_headers)
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["fields"]
    nobody = client.patch(f"/api/v1/sessions/{class_session.id}",
                          json={"instructor_email": "ghost@example.test"}, headers=admin_headers)
    assert nobody.status_code == 422 and "instructor_email" in nobody.get_json()["fields"]


def test_patch_of_an_unknown_session_is_404(client, admin_headers):
    response = client.patch("/api/v1/sessions/999999", json={"capacity": 3}, headers=admin_headers)
    assert response.status_code == 404


def test_lapsed_instructor_is_refused_by_post_and_patch(client, db, admin_headers):
    course = factories.CourseFactory(family="bls", code="BLS-X")
    lapsed = factories.instructor(email="lapsed@example.test")
    authorisations.set_authorisation(db.session, factories.admin(), lapsed, "bls",
                                     utcnow().date() - timedelta(days=1))
    starts = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    created = client.post("/api/v1/sessions", headers=admin_headers, json={
        "course": course.code, "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(), "location": "Room 1",
        "instructor_email": "lapsed@example.test", "capacity": 5})
    assert created.status_code == 422
    assert "lapsed" in created.get_json()["fields"]["instructor_email"][0]
    class_session = factories.ClassSessionFactory(course=course)
    patched = client.patch(f"/api/v1/sessions/{class_session.id}", headers=admin_headers,
                           json={"instructor_email": "lapsed@example.test"})
    assert patched.status_code == 422 and "lapsed" in patched.get_json()["message"]


def test_cancellation_notifies_everyone_once_and_answers_the_session(client, db, admin_headers):
    class_session = factories.ClassSessionFactory(capacity=1)
    holder = factories.EnrollmentFactory(session=class_session)
    waiting = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    for _ in range(2):
        response = client.post(f"/api/v1/sessions/{class_session.id}/cancellation",
                               json={"reason": "Flooded building"}, headers=admin_headers)
        assert response.status_code == 200
        assert response.get_json()["status"] == "cancelled"
    recipients = db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == "session_cancelled")).all()
    assert sorted(recipients) == sorted([holder.learner_id, waiting.learner_id])
    assert db.session.scalar(select(func.count()).select_from(ClassSession)) == 1


def test_cancellation_needs_a_reason(client, admin_headers):
    class_session = factories.ClassSessionFactory()
    response = client.post(f"/api/v1/sessions/{class_session.id}/cancellation", json={},
                           headers=admin_headers)
    assert response.status_code == 422 and "reason" in response.get_json()["fields"]


def test_a_deactivated_users_token_gets_401(client, db, api_token):
    user = factories.admin()
    headers = api_token(user)
    accounts.deactivate_user(db.session, factories.admin(), user, utcnow())
    response = client.patch("/api/v1/sessions/1", json={"capacity": 3}, headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthenticated"


def admin_api_routes(app):
    """Every API route that carries roles_required("admin"), from the URL map."""
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint.startswith("api.") and getattr(view, "api_roles", ()) == ("admin",):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule


def test_non_admins_get_403_on_every_admin_api_route(app, client, api_token):
    routes = list(admin_api_routes(app))
    assert {("PATCH", "/api/v1/sessions/<int:class_id>"),
            ("POST", "/api/v1/sessions/<int:class_id>/cancellation")} <= {
        (method, rule.rule) for method, rule in routes}
    for user in (factories.learner(), factories.instructor(), factories.employer()):
        headers = api_token(user)
        for method, rule in routes:
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "X")
            response = client.open(path, method=method, json={}, headers=headers)
            assert response.status_code == 403, (method, path, user.roles)
            assert response.get_json()["error"] == "forbidden"
