"""Schemathesis over /api/v1/openapi.json: every operation, as every role, against a world of
data, with all of Schemathesis' checks on valid and invalid requests: no 5xx, no traceback,
every error in the API.md shape with the status of its code, answers as documented, requests
the document allows accepted and those it refuses refused (so the document cannot drift from
what the API does). schemathesis.toml names the operations whose valid requests a rule may
still refuse with 422; a refusal by shape is a failure everywhere.

The operations come from the served document, so a new route is fuzzed without a change here.
Path ids and a few body fields are sometimes swapped for ids and values of the world, so the
fuzzer reaches past "not found" into the rules.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation

from app.api.validation import SHAPE_REFUSAL
from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow
from app.services.accounts import tokens
from tests import factories

ROLES = ("anonymous", "learner", "instructor", "employer", "admin")
EXAMPLES_PER_OPERATION = 20
CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
# API.md's error table: each code and the one status it comes with.
ERROR_STATUS = {
    "malformed": 400, "mistyped_code": 400, "unauthenticated": 401, "forbidden": 403,
    "not_found": 404, "already_enrolled": 409, "conflict": 409, "invalid": 422,
    "enrollment_closed": 422, "session_cancelled": 422, "not_started": 422, "rate_limited": 429,
    # API-2.md §2
    "invalid_promo_code": 422, "invalid_signature": 400, "payment_unavailable": 503,
    # API-2.md §3 and §4
    "invalid_voucher": 422, "voucher_not_valid_here": 422, "voucher_used_up": 422,
    "not_enough_seats": 422, "online_part_missing": 422,
}
# Werkzeug's own answers the error handler maps onto a code of the table.
HTTP_LAYER_STATUS = {("invalid", 405), ("invalid", 413), ("malformed", 415)}
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.exc", "Error: ")
# Mutating operations last, so the reads see the world as built; revoking the token very last.
METHOD_ORDER = {"GET": 0, "POST": 1, "PATCH": 2, "PUT": 2, "DELETE": 3}


def error_shape(response) -> None:
    """Raise AssertionError unless a 4xx/5xx body is the API.md error object of a known code."""
    raw = response.content if hasattr(response, "content") else response.get_data()  # or Flask's
    text = raw.decode("utf-8", "replace") if raw else ""
    for marker in TRACEBACK_MARKERS[:2]:
        assert marker not in text, f"traceback text in the answer: {text[:300]}"
    if response.status_code < 400:
        return
    try:
        body = json.loads(text)
    except ValueError:
        raise AssertionError(f"{response.status_code} answer is not JSON: {text[:200]!r}") from None
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    extra = set(body) - {"error", "message", "fields"}
    assert not extra, f"unexpected keys in an error body: {sorted(extra)}"
    code, message = body.get("error"), body.get("message")
    assert isinstance(code, str) and isinstance(message, str) and message, f"bad error body {body!r}"
    assert code in ERROR_STATUS, f"error code {code!r} is not in API.md"
    status = response.status_code
    assert ERROR_STATUS[code] == status or (code, status) in HTTP_LAYER_STATUS, (
        f"{code} came with status {status}, API.md says {ERROR_STATUS[code]}")
    if "fields" in body:
        # API-2 §4: online_part_missing names the enrollments missing it in `fields`.
        assert code in ("invalid", "online_part_missing"), f"fields sent with {code}"
        assert isinstance(body["fields"], dict) and all(
            isinstance(name, str) and isinstance(msgs, list) and msgs
            and all(isinstance(m, str) for m in msgs) for name, msgs in body["fields"].items()
        ), f"bad fields {body['fields']!r}"
    for marker in TRACEBACK_MARKERS[2:]:
        assert marker not in message, f"internal error text leaked: {message!r}"


@schemathesis.check
def api_error_shape(ctx, response, case):
    """Every answer is free of tracebacks; every error is {"error", "message"[, "fields"]}."""
    error_shape(response)


@schemathesis.check
def valid_request_refused_by_shape(ctx, response, case):
    """A request generated from the document is never refused as not matching it, nor as
    malformed; a rule may refuse it (schemathesis.toml names where), by its own code."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    body = json.loads(response.content or b"{}") if response.status_code >= 400 else {}
    assert not (response.status_code == 422 and body["message"].startswith(SHAPE_REFUSAL)), (
        f"a request the document allows was refused by its shape: {body}")
    # A webhook the document allows still needs Stripe's signature, which no schema states.
    assert response.status_code != 400 or body["error"] in ("mistyped_code",
                                                             "invalid_signature"), (
        f"a request the document allows was refused as malformed: {body}")


# Schemathesis' own checks (all enabled) and ours: a status, media type or body the document
# does not describe, or a request it allows refused, is the document drifting from the routes.
CHECKS = [api_error_shape, valid_request_refused_by_shape]
# Operations answering 2xx at least once, per role: public reads, the role's own routes.
MIN_REACHED = {"anonymous": 7, "learner": 10, "instructor": 8, "employer": 8, "admin": 13}


@dataclass
class World:
    """The data the fuzzer aims at: ids and codes that exist, and a bearer token per role."""

    users: dict = field(default_factory=dict)
    known: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def bearer_for(user) -> str:
    """A fresh token for a user, stored directly (no password check needed here)."""
    raw = secrets.token_urlsafe(24)
    now = utcnow()
    db.session.add(ApiToken(user_id=user.id, token_hash=tokens.digest(raw), created_at=now,
                            expires_at=now + timedelta(days=1)))
    db.session.commit()
    return raw


def build_world() -> World:
    world = World()
    learner, other = factories.learner(), factories.learner()
    instructor = factories.instructor()
    world.users = {"learner": learner, "instructor": instructor, "employer": factories.employer(),
                   "admin": factories.admin(), "other learner": other}
    course = factories.CourseFactory()
    now = utcnow().replace(microsecond=0)
    upcoming = factories.ClassSessionFactory(course=course, instructor=instructor, capacity=2)
    full = factories.ClassSessionFactory(course=course, instructor=instructor, capacity=1)
    empty = factories.ClassSessionFactory(course=course, instructor=instructor)
    running = factories.ClassSessionFactory(
        course=course, instructor=instructor, starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3), enrollment_closes_at=now - timedelta(hours=1))
    cancelled = factories.ClassSessionFactory(course=course, status="cancelled")
    enrollments = [
        factories.EnrollmentFactory(learner=learner, session=upcoming),
        factories.EnrollmentFactory(learner=other, session=full),
        factories.EnrollmentFactory(learner=learner, session=full, status="waitlisted"),
        factories.EnrollmentFactory(learner=learner, session=running),
        factories.EnrollmentFactory(learner=other, session=running),
    ]
    certificates = [
        factories.CertificateFactory(holder=learner, course=course),
        factories.CertificateFactory(holder=other, course=course),
        factories.CertificateFactory(holder=learner, course=course, code="LEGACY-0042.b"),
        factories.CertificateFactory(holder=learner, course=course, revoked_at=now,
                                     revoked_reason="Fraud"),
    ]
    codes = [c.code for c in certificates]
    mistyped = codes[0][:-1] + ("0" if codes[0][-1] != "0" else "1")
    world.known = {
        "class_id": [s.id for s in (upcoming, full, empty, running, cancelled)],
        "enrollment_id": [e.id for e in enrollments],
        "code": codes + [codes[0].lower().replace("-", " "), mistyped],
        "course": [course.code],
        "instructor_email": [instructor.email],
        "email": [learner.email],
        "password": [factories.DEFAULT_PASSWORD],
    }
    world.tokens = {role: bearer_for(user) for role, user in world.users.items()}
    return world


def aimed(value, known: dict, draw):
    """The generated value, or sometimes one that exists in the world (recursively in bodies)."""
    if isinstance(value, dict):
        return {key: (draw(st.sampled_from(known[key])) if key in known and draw(st.booleans())
                      else aimed(item, known, draw)) for key, item in value.items()}
    if isinstance(value, list):
        return [aimed(item, known, draw) for item in value]
    return value


def operations(schema) -> list:
    found = [result.ok() for result in schema.get_all_operations()]
    revoking_last = lambda op: (op.path == "/tokens/current", METHOD_ORDER.get(op.method.upper(), 9),  # noqa: E731
                                op.path)
    return sorted(found, key=revoking_last)


def strategy_for(operation):
    """Valid and invalid requests for an operation (invalid ones when the schema allows any)."""
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    try:
        negative = operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
    except Exception:  # noqa: BLE001  (an operation with nothing to negate)
        return positive
    return st.one_of(positive, negative)


def fuzz_operation(operation, world: World, role: str, reached: set) -> None:
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy_for(operation), data=st.data())
    def run(case, data):
        # Only valid parts are aimed: a known value could mend an invalid one.
        for name in list(case.path_parameters or {}):
            if (name in world.known and not case.meta.is_negative_at(ParameterLocation.PATH)
                    and data.draw(st.booleans(), label=f"known {name}")):
                case.path_parameters[name] = data.draw(st.sampled_from(world.known[name]))
        if isinstance(case.body, dict) and not case.meta.is_negative_at(ParameterLocation.BODY):
            case.body = aimed(case.body, world.known, data.draw)
        # A case whose generated headers are the invalid part keeps them: its bad token must
        # be refused (the ignored_auth check), so the role's token does not replace it.
        if not case.meta.is_negative_at(ParameterLocation.HEADER):
            case.headers = {**(case.headers or {}), **headers}
            if role == "anonymous":
                case.headers.pop("Authorization", None)
        response = case.call()
        if response.status_code < 300:
            reached.add(operation.label)
        db.session.rollback()  # the app context is shared with the requests: drop their leftovers
        case.validate_response(response, additional_checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_without_server_errors_in_the_error_shape(app, role):
    world = build_world()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app,
                                            config=SchemathesisConfig.from_path(CONFIG))
    found = operations(schema)
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    # Schemathesis leaves out the document's own operation, GET /openapi.json.
    assert len(found) == sum(len(ops) for ops in document["paths"].values()) - 1 >= 20
    failures, reached = [], set()
    for operation in found:
        try:
            fuzz_operation(operation, world, role, reached)
        # FailureGroup (schemathesis' report) is a BaseExceptionGroup, not an Exception.
        except (Exception, FailureGroup) as error:  # noqa: BLE001  (collect all, then report)
            failures.append(f"--- {operation.label} as {role}:\n{error}")
    assert not failures, "\n\n".join(failures)
    # The world is aimed at: each role got past "not found" and "forbidden" somewhere.
    assert len(reached) >= MIN_REACHED[role], f"{role} reached only {sorted(reached)}"


def test_error_shape_check_rejects_a_traceback_and_a_wrong_status():
    class Answer:
        def __init__(self, status, body):
            self.status_code, self.content = status, json.dumps(body).encode()

    error_shape(Answer(404, {"error": "not_found", "message": "No such session."}))
    error_shape(Answer(422, {"error": "invalid", "message": "Fix.", "fields": {"a": ["Bad."]}}))
    with pytest.raises(AssertionError):
        error_shape(Answer(400, {"error": "not_found", "message": "No such session."}))
    with pytest.raises(AssertionError):
        error_shape(Answer(409, {"error": "conflict", "message": "x", "fields": {"a": ["b"]}}))
    with pytest.raises(AssertionError):
        error_shape(Answer(200, {"message": "Traceback (most recent call last):\n  File \"/x\""}))
    with pytest.raises(AssertionError):
        error_shape(Answer(500, {"detail": "boom"}))


# What the fuzzers found (each was a 500), kept as plain regression cases.
FOUND = [
    ("get", "/api/v1/sessions/7768321094764454739968", None, 404),  # id beyond the driver's integers
    ("delete", "/api/v1/enrollments/2147483648", None, 404),
    ("get", "/api/v1/sessions?page=%C2%B2", None, 422),  # "²".isdigit() but int("²") fails
    ("get", "/api/v1/sessions?page=--5", None, 422),
    ("get", "/api/v1/sessions?page=" + "9" * 5000, None, 422),  # beyond int()'s digit limit
    ("get", "/api/v1/sessions?to=9999-12-31", None, 422),  # "the day after" overflowed
    ("get", "/api/v1/sessions?course=%00", None, 422),  # PostgreSQL refuses NUL
    ("post", "/api/v1/sessions", {"course": "X", "starts_at": "0001-01-01T00:00:00+05:00"}, 422),
    ("post", "/api/v1/tokens", b'{"email": "\\ud800@x.org", "password": "x"}', 401),
    ("post", "/api/v1/tokens", {"email": "a\x00@x.org", "password": "secret"}, 422),
    ("post", "/api/v1/tokens", b"[" * 100_000 + b"]" * 100_000, 400),  # nesting: RecursionError
    ("post", "/api/v1/courses", {"code": "X\x00"}, 422),
    ("post", "/api/v1/certificates/{code}/revocation", {"reason": "a\x00"}, 422),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), FOUND)
def test_inputs_the_fuzzers_found_answer_in_the_error_shape(app, method, path, body, status):
    admin = factories.admin()
    path = path.format(code=factories.CertificateFactory().code)
    kwargs = {"headers": {"Authorization": f"Bearer {bearer_for(admin)}"}}
    kwargs["data" if isinstance(body, bytes) else "json"] = body
    response = getattr(app.test_client(), method)(path, **kwargs)
    assert response.status_code == status
    error_shape(response)
