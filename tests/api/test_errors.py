"""One error handler: the API.md error shape under /api/v1, an HTML page elsewhere; never a 500
or a redirect for bad input."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from app import demo
from app.models import Certificate, ClassSession
from app.models.base import utcnow
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES
from tests import factories

BAD_BODIES = (
    b"",
    b"{not json",
    b"[1, 2, 3]",
    b'"just a string"',
    b"\xff\xfe\x00garbage",
    b'{"email": 3, "password": [], "code": 7, "title": {}, "level": "royal", "topics": "cpr",'
    b' "capacity": "many", "starts_at": "2026-13-45T99:00", "ends_at": "2026-01-01T10:00:00",'
    b' "course": 5, "results": [1, {"enrollment_id": "x"}], "finalise": "yes", "reason": 5,'
    b' "holder_name": "", "codes": "ABCD", "requirement": {"level": 3}, "issuer": 9}',
)
BAD_QUERY = "?page=abc&per_page=-5&from=not-a-date&to=2026-02-30&level=royal&topic=x&course="


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_unknown_page_is_an_html_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Not found" in html and "Traceback" not in html


def test_unknown_api_path_is_a_json_404(client):
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/sessions/not-a-number"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/sessions/999999"), 404, "not_found")


def test_wrong_method_in_the_api_is_a_json_405_that_names_the_allowed_ones(client):
    response = client.delete("/api/v1/courses")
    assert_error_shape(response, 405, "invalid")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_body_that_is_not_a_json_object_is_400_malformed(client):
    for body in (b"{not json", b"[1, 2]", b"\xff\xfe\x00", b"null"):
        response = client.post("/api/v1/tokens", data=body, content_type="application/json")
        assert_error_shape(response, 400, "malformed")


def test_body_is_read_as_json_whatever_the_content_type(client):
    user = factories.admin()
    body = f'{{"email": "{user.email}", "password": "{factories.DEFAULT_PASSWORD}"}}'
    response = client.post("/api/v1/tokens", data=body, content_type="text/plain")
    assert response.status_code == 201


def test_missing_fields_are_422_invalid_with_each_field_named(client, api_token):
    headers = api_token(factories.admin())
    body = assert_error_shape(client.post("/api/v1/courses", json={}, headers=headers), 422, "invalid")
    assert {"code", "title", "level", "validity_months"} <= set(body["fields"])


def test_a_naive_time_is_422_invalid(client, api_token, db):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    teacher = factories.instructor()
    headers = api_token(factories.admin())
    body = assert_error_shape(client.post("/api/v1/sessions", headers=headers, json={
        "course": "BLS-HCP", "starts_at": "2026-12-01T09:00:00", "ends_at": "2026-12-01T13:00:00",
        "location": "Room A", "instructor_email": teacher.email, "capacity": 6,
    }), 422, "invalid")
    assert "starts_at" in body["fields"]


def test_no_api_route_has_a_trailing_slash_that_would_redirect(app, client):
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert api_rules
    assert [rule.rule for rule in api_rules if rule.rule.endswith("/")] == []
    assert_error_shape(client.get("/api/v1/courses/"), 404, "not_found")


def test_protected_api_routes_answer_json_401_never_a_redirect(app, client):
    for method, path in api_calls(app, class_id=1, code="ABCD-EFGH-JKMN-PQRS"):
        if path.endswith(("/health", "/openapi.json")):
            continue
        for headers in ({}, {"Authorization": "Bearer not-a-real-token"}):
            response = client.open(path, method=method, headers=headers)
            assert not 300 <= response.status_code < 400, (method, path)
            assert response.status_code < 500, (method, path)
            assert response.mimetype in ("application/json", "application/pdf",
                                         "application/vc+ld+json"), (method, path)


def test_bad_input_never_gives_a_500_or_a_redirect_on_any_api_route(app, client, db, api_token):
    """Every /api/v1 route, called by a user holding every role, with every kind of junk body."""
    catalog.load_catalog(db.session, STANDARD_COURSES)
    demo.seed(db.session, utcnow(), app.config["CENTER_NAME"], app.config["CENTER_TIMEZONE"])
    everyone = factories.UserFactory(roles=["learner", "instructor", "admin", "employer"])
    class_id = db.session.scalar(select(ClassSession.id).order_by(ClassSession.id))
    code = db.session.scalar(select(Certificate.code).order_by(Certificate.id))
    failures = []
    for method, path in api_calls(app, class_id=class_id, code=code):
        headers = api_token(everyone)
        for body in BAD_BODIES:
            target = path + BAD_QUERY if method == "GET" else path
            response = client.open(target, method=method, data=body, headers=headers,
                                   content_type="application/json")
            status = response.status_code
            if status >= 500 or 300 <= status < 400:
                failures.append(f"{method} {path} {body[:20]!r} -> {status}")
            elif status >= 400 and not (response.is_json and "error" in response.get_json()):
                failures.append(f"{method} {path} {body[:20]!r} -> {status} without the error shape")
    assert failures == []


def api_calls(app, class_id: int, code: str) -> list[tuple[str, str]]:
    """(method, path) for every /api/v1 route, its parameters filled in."""
    calls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        values = {name: class_id if isinstance(converter, IntegerConverter) else code
                  for name, converter in rule._converters.items()}
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            calls.append((method, path))
    # Revoking the caller's own token would turn the rest into 401s: call it last.
    return sorted(calls, key=lambda call: call[1].endswith("/tokens/current"))
