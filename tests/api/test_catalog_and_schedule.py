"""Foundation API: health, tokens, the catalog and the schedule."""

from __future__ import annotations

from datetime import timedelta

from app.models.base import utcnow
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES
from tests import factories


def test_health_reports_database_and_embedded_broker(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "embedded"}


def test_courses_list_the_catalog_with_levels(client, db):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    items = {c["code"]: c for c in client.get("/api/v1/courses").get_json()["items"]}
    assert items["BLS-HCP"]["level"] == "healthcare_provider"
    assert items["HS-CPR-AED"]["level"] == "lay_rescuer"
    assert items["BBP"]["validity_months"] == 12
    assert items["BBP"]["guidelines"] == ["OSHA"]
    assert set(items["BLS-HCP"]) == {
        "code", "family", "title", "description", "level", "topics", "guidelines",
        "validity_months", "expiry_rule", "format", "duration_minutes", "default_capacity",
        "price_cents", "renewal", "instructor_course", "active", "what_to_bring",
        "online_course_url",
    }


def test_catalog_load_is_idempotent(db):
    assert catalog.load_catalog(db.session, STANDARD_COURSES) == (len(STANDARD_COURSES), 0)
    assert catalog.load_catalog(db.session, STANDARD_COURSES) == (0, len(STANDARD_COURSES))
    assert len(catalog.list_courses(db.session)) == len(STANDARD_COURSES)


def test_token_is_issued_for_right_password_only(client):
    user = factories.admin()
    good = client.post("/api/v1/tokens",
                       json={"email": user.email.upper(), "password": factories.DEFAULT_PASSWORD})
    assert good.status_code == 201 and good.get_json()["token"]
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "nope nope nope"})
    unknown = client.post("/api/v1/tokens",
                          json={"email": "ghost@example.test", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_revoked_token_stops_working(client, api_token):
    headers = api_token(factories.admin())
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    response = client.post("/api/v1/courses", json={}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthenticated"


def test_api_never_redirects_without_a_token(client):
    response = client.post("/api/v1/sessions", json={})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthenticated"


def session_body(**overrides):
    starts = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    body = {
        "course": "BLS-HCP", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(), "location": "Room 2",
        "instructor_email": "ivy@example.test", "capacity": 8,
    }
    body.update(overrides)
    return body


def test_admin_schedules_a_session_that_then_appears_in_the_listing(client, db, api_token):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    factories.authorised_instructor("bls", email="ivy@example.test", full_name="Ivy Instructor")
    headers = api_token(factories.admin())
    created = client.post("/api/v1/sessions", json=session_body(), headers=headers)
    assert created.status_code == 201, created.get_json()
    session = created.get_json()
    assert session["seats_left"] == 8 and session["waitlist_length"] == 0
    assert session["enrollment_closes_at"] == session["starts_at"]
    assert session["starts_at"].endswith("+00:00")
    listed = client.get("/api/v1/sessions?level=healthcare_provider").get_json()
    assert [s["id"] for s in listed["items"]] == [session["id"]]
    assert client.get(f"/api/v1/sessions/{session['id']}").get_json() == session


def test_learner_may_not_schedule(client, db, api_token):
    headers = api_token(factories.learner())
    response = client.post("/api/v1/sessions", json=session_body(), headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_session_needs_an_instructor_and_offsets(client, db, api_token):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    factories.learner(email="notateacher@example.test")
    headers = api_token(factories.admin())
    naive = client.post("/api/v1/sessions", headers=headers,
                        json=session_body(starts_at="2030-01-01T10:00:00"))
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["fields"]
    not_instructor = client.post("/api/v1/sessions", headers=headers,
                                 json=session_body(instructor_email="notateacher@example.test"))
    assert not_instructor.status_code == 422
    assert "instructor_email" in not_instructor.get_json()["fields"]


def test_bad_bodies_are_client_errors(client, api_token):
    headers = api_token(factories.admin())
    assert client.post("/api/v1/courses", data="{nope", headers=headers).get_json()["error"] == "malformed"
    assert client.post("/api/v1/courses", data="[1]", headers=headers).status_code == 400
    empty = client.post("/api/v1/courses", data="", headers=headers)
    assert empty.status_code == 422 and "code" in empty.get_json()["fields"]
    assert client.get("/api/v1/sessions/999999").status_code == 404
    assert client.get("/api/v1/sessions?page=abc").status_code == 422


def test_course_code_that_exists_is_a_conflict(client, db, api_token):
    headers = api_token(factories.admin())
    body = {"code": "CPR-X", "title": "CPR X", "level": "lay_rescuer", "topics": ["adult_cpr"],
            "guidelines": ["AHA"], "validity_months": 24, "expiry_rule": "exact_date",
            "format": "classroom", "duration_minutes": 120}
    assert client.post("/api/v1/courses", json=body, headers=headers).status_code == 201
    again = client.post("/api/v1/courses", json=body, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_openapi_documents_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint == "api.static":
            continue
        path = rule.rule[len("/api/v1"):].replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], f"{method} {path} undocumented"
