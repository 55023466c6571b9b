"""The verification API: the public record of a code, bulk checks, rate limits, headers."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db as _db
from app.models import VerificationLog
from app.services.certificates.codes import generate_code
from tests import factories


def one_changed(code: str) -> str:
    return ("Z" if code[0] != "Z" else "Y") + code[1:]


def test_public_record_of_a_valid_code(client):
    card = factories.CertificateFactory(holder_name="Dana Reyes", instructor_name="Ivy Stone",
                                        expires_on=factories.center_today() + timedelta(days=300))
    response = client.get(f"/api/v1/certificates/{card.code.lower().replace('-', '')}")
    assert response.status_code == 200
    record = response.get_json()
    assert record["code"] == card.code and record["status"] == "valid"
    assert record["holder_name"] == "Dana Reyes"
    assert set(record) == {
        "code", "status", "holder_name", "course", "level", "topics", "guidelines",
        "issued_on", "expires_on", "instructor_name", "training_center", "external_card",
        "revoked_reason", "revocation_category", "replaced_by", "replaces",
    }


def test_mistyped_code_is_400_and_unknown_code_is_404(client):
    card = factories.CertificateFactory()
    mistyped = client.get(f"/api/v1/certificates/{one_changed(card.code)}")
    assert mistyped.status_code == 400
    assert mistyped.get_json() == {"error": "mistyped_code",
                                   "message": "This code looks mistyped — check the characters."}
    unknown = client.get(f"/api/v1/certificates/{generate_code()}")
    assert unknown.status_code == 404
    assert unknown.get_json()["error"] == "not_found"
    assert unknown.get_json()["message"] == "No certificate has this code."


def test_public_lookups_are_logged_with_the_api_channel(client, db):
    card = factories.CertificateFactory()
    client.get(f"/api/v1/certificates/{card.code}")
    client.get("/api/v1/certificates/UNKNOWN-1")
    rows = db.session.query(VerificationLog).order_by(VerificationLog.id).all()
    assert [(r.outcome, r.channel, r.certificate_id) for r in rows] == [
        ("valid", "api", card.id), ("not_found", "api", None),
    ]
    assert all(r.ip_hash and r.account_id is None for r in rows)


def test_bulk_verification_answers_each_code_in_order(client, api_token):
    headers = api_token(factories.employer())
    hs = factories.CourseFactory(level="lay_rescuer", topics_mask=0b1001)
    valid = factories.CertificateFactory(course=hs, expires_on=factories.center_today() + timedelta(days=90))
    expired = factories.CertificateFactory(expires_on=factories.center_today() - timedelta(days=1))
    sent = [valid.code.lower(), expired.code, "nope", one_changed(valid.code)]
    response = client.post("/api/v1/verifications", json={"codes": sent, "requirement": "bls"},
                           headers=headers)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["code"] for r in results] == sent
    assert [r["status"] for r in results] == ["valid", "expired", "not_found", "mistyped"]
    assert [r["found"] for r in results] == [True, True, False, False]
    assert [r["meets_requirement"] for r in results] == [False, False, None, None]
    assert results[0]["reasons"][0] == (
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS).")
    assert results[1]["reasons"][0].startswith("Expired on ")
    assert results[0]["certificate"]["code"] == valid.code
    assert results[2]["certificate"] is None


def test_bulk_without_requirement_leaves_meets_null(client, api_token):
    card = factories.CertificateFactory()
    response = client.post("/api/v1/verifications", json={"codes": [card.code]},
                           headers=api_token(factories.admin()))
    result = response.get_json()["results"][0]
    assert result["meets_requirement"] is None and result["reasons"] == []


def test_bulk_refuses_more_than_500_codes_and_wrong_types(client, api_token):
    headers = api_token(factories.employer())
    for body in ({"codes": ["X"] * 501}, {"codes": "ABC"}, {"codes": [1, 2]}, {},
                 {"codes": ["ABC"], "requirement": "nursing"},
                 {"codes": ["ABC"], "requirement": {"level": "expert", "topics": []}}):
        response = client.post("/api/v1/verifications", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.get_json()["error"] == "invalid"
    assert client.post("/api/v1/verifications", data="[", headers=headers).status_code == 400


def test_bulk_is_for_employers_and_admins_only(client, api_token):
    assert client.post("/api/v1/verifications", json={"codes": ["A"]}).status_code == 401
    learner = api_token(factories.learner())
    response = client.post("/api/v1/verifications", json={"codes": ["A"]}, headers=learner)
    assert response.status_code == 403


def test_bulk_lookups_are_logged_against_the_account(client, db, api_token):
    employer = factories.employer()
    client.post("/api/v1/verifications", json={"codes": ["A", "B"]}, headers=api_token(employer))
    rows = db.session.query(VerificationLog).all()
    assert [(r.channel, r.account_id, r.ip_hash) for r in rows] == [
        ("bulk", employer.id, None), ("bulk", employer.id, None),
    ]


def test_public_lookups_are_limited_per_address(app_factory):
    limited = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="3 per minute")
    client = limited.test_client()
    with limited.app_context():
        code = factories.CertificateFactory().code
        _db.session.remove()
    answers = [client.get(f"/api/v1/certificates/{code}").status_code for _ in range(3)]
    answers.append(client.get(f"/verify/{code}").status_code)
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/certificates/UNKNOWN")
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    other = client.get(f"/api/v1/certificates/{code}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_bulk_is_limited_per_account(app_factory, api_token):
    limited = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_BULK="2 per minute")
    client = limited.test_client()
    with limited.app_context():
        first, second = factories.employer(), factories.employer()
        first_headers, second_headers = api_token(first), api_token(second)
        _db.session.remove()
    body = {"codes": ["ABC"]}
    answers = [client.post("/api/v1/verifications", json=body, headers=first_headers).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.post("/api/v1/verifications", json=body,
                       headers=second_headers).status_code == 200


def test_security_headers_on_api_answers(client):
    response = client.get("/api/v1/certificates/UNKNOWN")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_limits_keep_working_in_memory_when_redis_is_down(app_factory):
    limited = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="2 per minute",
                          RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")  # nothing listens
    client = limited.test_client()
    answers = [client.get("/api/v1/certificates/UNKNOWN").status_code for _ in range(3)]
    assert answers == [404, 404, 429]


def test_unstorable_characters_in_a_code_are_answered_not_found(client, db):
    assert client.get("/api/v1/certificates/AB%00CD").status_code == 404
    response = client.post("/api/v1/requirements/check",
                           data='{"code": "\\ud800x", "requirement": "bls"}')
    assert response.status_code == 404
    page = client.get("/verify/AB%00CD")
    assert page.status_code == 404
    logged = [row.code_queried for row in db.session.query(VerificationLog).all()]
    assert logged == ["AB\ufffdCD", "?x", "AB\ufffdCD"]
