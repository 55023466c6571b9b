"""GET /sessions/{id}/roster and POST /sessions/{id}/completions, including concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db as _db
from app.models import Certificate, Enrollment, Notification, User
from app.models.base import utcnow
from app.services import certificates
from app.services.certificates.outcomes import OutcomeInput
from app.services.errors import DomainError
from tests import factories
from tests.support.concurrency import run_together


@pytest.fixture
def todays_class(db):
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    class_session = factories.ClassSessionFactory(starts_at=start, ends_at=start + timedelta(hours=4))
    seats = [factories.EnrollmentFactory(session=class_session) for _ in range(3)]
    return class_session, seats


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_roster_lists_seat_holders_with_their_status(client, api_token, todays_class):
    class_session, seats = todays_class
    factories.EnrollmentFactory(session=class_session, status="waitlisted")
    headers = api_token(class_session.instructor)
    response = client.get(f"/api/v1/sessions/{class_session.id}/roster", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["finalised"] is False
    assert body["items"] == [{"enrollment_id": e.id, "learner_name": e.learner.full_name,
                              "learner_email": e.learner.email, "status": "enrolled",
                              "online_part": None} for e in seats]


@pytest.mark.parametrize("who", ["other_instructor", "learner", "employer"])
def test_roster_and_completions_refuse_others_with_403(client, api_token, todays_class, who):
    class_session, seats = todays_class
    user = {"other_instructor": factories.instructor, "learner": factories.learner,
            "employer": factories.employer}[who]()
    headers = api_token(user)
    roster = client.get(f"/api/v1/sessions/{class_session.id}/roster", headers=headers)
    post = client.post(f"/api/v1/sessions/{class_session.id}/completions", headers=headers,
                       json={"results": [{"enrollment_id": seats[0].id, "outcome": "passed"}]})
    nonsense = client.post(f"/api/v1/sessions/{class_session.id}/completions", headers=headers,
                           json={"results": "all passed"})
    assert (roster.status_code, post.status_code, nonsense.status_code) == (403, 403, 403)
    assert roster.get_json()["error"] == post.get_json()["error"] == "forbidden"
    assert count(Certificate) == 0


def test_anonymous_callers_get_401(client, todays_class):
    class_session, _ = todays_class
    assert client.get(f"/api/v1/sessions/{class_session.id}/roster").status_code == 401
    response = client.post(f"/api/v1/sessions/{class_session.id}/completions", json={})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthenticated"


def test_unknown_session_is_404(client, api_token):
    headers = api_token(factories.admin())
    assert client.get("/api/v1/sessions/424242/roster", headers=headers).status_code == 404


def test_completions_issue_certificates_and_a_repost_returns_the_same_codes(
        client, api_token, todays_class):
    class_session, (ann, bob, cat) = todays_class
    headers = api_token(class_session.instructor)
    body = {"results": [{"enrollment_id": ann.id, "outcome": "passed", "score": 95},
                        {"enrollment_id": bob.id, "outcome": "passed", "remark": "ok"},
                        {"enrollment_id": cat.id, "outcome": "no_show"}], "finalise": True}
    url = f"/api/v1/sessions/{class_session.id}/completions"
    first = client.post(url, headers=headers, json=body)
    assert first.status_code == 200
    issued = first.get_json()["certificates"]
    assert sorted(item["enrollment_id"] for item in issued) == sorted([ann.id, bob.id])
    notifications = count(Notification)
    again = client.post(url, headers=headers, json=body)
    assert (again.status_code, again.get_json()) == (200, first.get_json())
    assert count(Certificate) == 2 and count(Notification) == notifications == 2
    roster = client.get(f"/api/v1/sessions/{class_session.id}/roster", headers=headers).get_json()
    assert roster["finalised"] is True
    assert [item["status"] for item in roster["items"]] == ["passed", "passed", "no_show"]


def test_a_different_outcome_on_a_finalised_roster_is_409(client, api_token, todays_class):
    class_session, (ann, bob, cat) = todays_class
    headers = api_token(class_session.instructor)
    url = f"/api/v1/sessions/{class_session.id}/completions"
    client.post(url, headers=headers, json={"finalise": True, "results": [
        {"enrollment_id": e.id, "outcome": "failed"} for e in (ann, bob, cat)]})
    response = client.post(url, headers=headers,
                           json={"results": [{"enrollment_id": ann.id, "outcome": "passed"}]})
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"


def test_an_enrollment_not_on_the_roster_is_422_invalid(client, api_token, todays_class):
    class_session, (ann, _, _) = todays_class
    stranger = factories.EnrollmentFactory()
    response = client.post(f"/api/v1/sessions/{class_session.id}/completions",
                           headers=api_token(class_session.instructor),
                           json={"results": [{"enrollment_id": ann.id, "outcome": "passed"},
                                             {"enrollment_id": stranger.id, "outcome": "passed"}]})
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid" and "results" in response.get_json()["fields"]
    assert count(Certificate) == 0


def test_malformed_and_mistyped_bodies_are_refused_without_a_500(client, api_token, todays_class):
    class_session, (ann, _, _) = todays_class
    headers = api_token(class_session.instructor)
    url = f"/api/v1/sessions/{class_session.id}/completions"
    assert client.post(url, headers=headers, data="[1,").status_code == 400
    for body in ({}, {"results": "all passed"}, {"results": [7]},
                 {"results": [{"enrollment_id": "1", "outcome": "passed"}]},
                 {"results": [{"enrollment_id": ann.id, "outcome": "excellent"}]},
                 {"results": [{"enrollment_id": ann.id, "outcome": "passed", "score": 101}]},
                 {"results": [], "finalise": "yes"}):
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == 422, body
        assert response.get_json()["error"] == "invalid"


def test_before_the_session_starts_it_is_422_not_started(client, api_token, db):
    class_session = factories.ClassSessionFactory()
    seat = factories.EnrollmentFactory(session=class_session)
    response = client.post(f"/api/v1/sessions/{class_session.id}/completions",
                           headers=api_token(class_session.instructor),
                           json={"results": [{"enrollment_id": seat.id, "outcome": "passed"}]})
    assert response.status_code == 422 and response.get_json()["error"] == "not_started"


def test_concurrent_identical_completions_issue_one_certificate(any_db_app):
    """Two requests at once, each on its own connection: one certificate, one e-mail."""
    class_session = factories.ClassSessionFactory(
        starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=3))
    seats = [factories.EnrollmentFactory(session=class_session) for _ in range(2)]
    instructor_id, class_id = class_session.instructor_id, class_session.id
    results = [OutcomeInput(e.id, "passed") for e in seats]
    _db.session.remove()
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def post():
        with any_db_app.app_context(), Session(_db.engine) as session:
            actor = session.get(User, instructor_id)
            barrier.wait()
            try:
                answers.append(certificates.record_outcomes(
                    session, actor, class_id, results, True, utcnow(),
                    center_name=any_db_app.config["CENTER_NAME"],
                    zone_name=any_db_app.config["CENTER_TIMEZONE"]))
            except (DomainError, SQLAlchemyError) as error:  # reported below
                errors.append(error)

    run_together(post, 2)
    assert errors == []
    assert len(answers) == 2 and answers[0] == answers[1] and len(answers[0]) == 2
    assert count(Certificate) == 2
    assert count(Notification, Notification.kind == "certificate_issued") == 2
    assert count(Enrollment, Enrollment.status == "passed") == 2
