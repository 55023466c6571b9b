"""API-2 §5 over HTTP: the credential of a code, the issuer profile, the revocation status
list (signed, cached with an ETag, one query a poll) and POST /credentials/verify, on SQLite
and PostgreSQL; a key rotation across two app configurations."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.extensions import db
from app.models.base import utcnow
from app.services.accounts import tokens
from app.services.credentials import keys, status_list
from bench.query_counts import counting_statements
from tests import factories

STATUS_URL = "/api/v1/status/revocation"


def credential_of(client, code: str) -> dict:
    answer = client.get(f"/api/v1/certificates/{code}/credential")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return json.loads(answer.data)


def verdict(client, credential) -> dict:
    answer = client.post("/api/v1/credentials/verify", json={"credential": credential})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_anyone_with_the_code_downloads_the_signed_credential(any_db_app):
    client = any_db_app.test_client()
    certificate = factories.CertificateFactory()
    typed = certificate.code.lower().replace("-", " ")
    answer = client.get(f"/api/v1/certificates/{typed}/credential")
    assert answer.status_code == 200 and answer.mimetype == "application/vc+ld+json"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="lifeline-{certificate.code}.json"')
    document = json.loads(answer.data)
    assert document["id"] == f"http://lifeline.test/api/v1/certificates/{certificate.code}/credential"
    assert document["proof"]["verificationMethod"] == "http://lifeline.test/api/v1/issuer#key-1"
    assert verdict(client, document) == {"verified": True, "status": "valid", "checks": [
        {"check": "issuer", "passed": True, "message": "Issued by Lifeline Training Center."},
        {"check": "proof", "passed": True, "message": "The signature matches the issuer's key."},
        {"check": "status", "passed": True,
         "message": "Not revoked: its bit is clear in the issuer's revocation list."},
        {"check": "validity", "passed": True, "message": (
            f"Valid from {document['validFrom']} until {document['validUntil']}.")}]}


def test_a_mistyped_code_is_400_and_an_unknown_one_404(client, db):
    assert client.get("/api/v1/certificates/1234-5678-9ABC-DEFF/credential").status_code == 400
    missing = client.get("/api/v1/certificates/1234-5678-9ABC-DEFE/credential")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_a_tampered_credential_is_refused_by_verify(client, db):
    document = credential_of(client, factories.CertificateFactory().code)
    document["validUntil"] = "2099-12-31T23:59:59-05:00"
    result = verdict(client, document)
    assert result["verified"] is False and result["status"] == "tampered"
    assert "changed after signing" in result["checks"][-1]["message"]


@pytest.mark.parametrize("credential", [{}, {"issuer": 5, "proof": []},
                                        {"issuer": "http://lifeline.test/api/v1/issuer",
                                         "proof": {"verificationMethod": 7}, "validFrom": 1},
                                        {"issuer": {"id": None}, "credentialStatus": "x"}])
def test_verify_answers_any_object_with_a_verdict(client, db, credential):
    result = verdict(client, credential)
    assert result["verified"] is False
    assert result["status"] in {"unknown_issuer", "tampered"}


def test_verify_wants_an_object(client, db):
    for body in ({}, {"credential": "eyJ..."}, {"credential": [1]}):
        answer = client.post("/api/v1/credentials/verify", json=body)
        assert answer.status_code == 422 and answer.get_json()["error"] == "invalid"


def admin_token() -> dict:
    raw_token, _ = tokens.issue_token(db.session, factories.admin().email,
                                      "correct horse battery", utcnow(), 30)
    return {"Authorization": f"Bearer {raw_token}"}


def test_revocation_sets_the_bit_and_verify_says_revoked(any_db_app):
    client = any_db_app.test_client()
    certificate = factories.CertificateFactory()
    document = credential_of(client, certificate.code)
    before = client.get(STATUS_URL)
    revoked = client.post(f"/api/v1/certificates/{certificate.code}/revocation",
                          json={"reason": "Issued to the wrong person"},
                          headers=admin_token())
    assert revoked.status_code == 200
    after = client.get(STATUS_URL)
    assert after.headers["ETag"] != before.headers["ETag"]
    bits = status_list.decode_list(json.loads(after.data)["credentialSubject"]["encodedList"])
    assert status_list.bit_is_set(bits, certificate.id)
    result = verdict(client, document)
    assert result["status"] == "revoked" and result["verified"] is False
    # The credential is still served; its own status says it is revoked.
    assert verdict(client, credential_of(client, certificate.code))["status"] == "revoked"


def test_the_status_list_is_cached_with_an_etag_and_a_poll_costs_one_query(any_db_app):
    client = any_db_app.test_client()
    factories.CertificateFactory()
    first = client.get(STATUS_URL)
    assert first.status_code == 200 and first.mimetype == "application/vc+ld+json"
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    document = json.loads(first.data)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert len(status_list.decode_list(document["credentialSubject"]["encodedList"])) * 8 >= 131_072
    engine = any_db_app.extensions["sqlalchemy"].engine
    with counting_statements(engine) as polled:
        again = client.get(STATUS_URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert len(polled) == 1, polled
    weakened = client.get(STATUS_URL, headers={"If-None-Match": f"W/{etag}"})
    assert weakened.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/issuer").headers["Access-Control-Allow-Origin"] == "*"
    with counting_statements(engine) as fetched:
        fresh = client.get(STATUS_URL)
    assert fresh.data == first.data and len(fetched) == 1, fetched


def test_the_issuer_profile_lists_the_signing_key(client, db):
    answer = client.get("/api/v1/issuer")
    assert answer.status_code == 200 and "max-age" in answer.headers["Cache-Control"]
    profile = answer.get_json()
    assert profile["id"] == "http://lifeline.test/api/v1/issuer"
    assert profile["name"] == "Lifeline Training Center" and profile["type"] == ["Profile"]
    [method] = profile["verificationMethod"]
    assert method == {"id": "http://lifeline.test/api/v1/issuer#key-1", "type": "Multikey",
                      "controller": "http://lifeline.test/api/v1/issuer",
                      "publicKeyMultibase": method["publicKeyMultibase"]}
    assert method["publicKeyMultibase"].startswith("z6Mk")


def test_without_a_configured_key_one_is_made_in_the_key_file_once(app_factory, tmp_path):
    path = tmp_path / "instance" / "credential-signing-key.pem"
    profiles = []
    for _ in range(2):
        app = app_factory(CREDENTIAL_KEY_FILE=str(path))
        profiles.append(app.test_client().get("/api/v1/issuer").get_json())
    assert path.is_file() and profiles[0] == profiles[1]


def test_after_a_rotation_the_old_key_stays_published_and_old_credentials_verify(app_factory):
    old_key, new_key = (keys.private_pem(Ed25519PrivateKey.generate()) for _ in range(2))
    before = app_factory(CREDENTIAL_SIGNING_KEY=old_key)
    with factories.within(before):
        code = factories.CertificateFactory().code
    old_document = credential_of(before.test_client(), code)
    after = app_factory(CREDENTIAL_SIGNING_KEY=new_key, CREDENTIAL_PREVIOUS_KEYS=old_key)
    client = after.test_client()
    methods = client.get("/api/v1/issuer").get_json()["verificationMethod"]
    assert [m["id"].rsplit("#")[1] for m in methods] == ["key-1", "key-2"]
    with factories.within(after):
        assert verdict(client, old_document)["status"] == "valid"
        new_document = credential_of(client, code)
        assert new_document["proof"]["verificationMethod"].endswith("#key-2")
        assert verdict(client, new_document)["status"] == "valid"


def test_the_openapi_document_describes_the_credential_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "application/vc+ld+json" in (
        paths["/certificates/{code}/credential"]["get"]["responses"]["200"]["content"])
    assert "get" in paths["/issuer"] and "get" in paths["/status/revocation"]
    verify = paths["/credentials/verify"]["post"]
    assert verify["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "credential"]
