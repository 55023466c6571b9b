"""Requirements over JSON: the presets, and checking a code against a requirement."""

from __future__ import annotations

from datetime import date, timedelta

from app.models import VerificationLog
from app.services.certificates.codes import generate_code
from tests import factories


def heartsaver_card(**fields):
    course = factories.CourseFactory(level="lay_rescuer", topics_mask=0b1001,
                                     guidelines_mask=0b101)
    fields.setdefault("expires_on", factories.center_today() + timedelta(days=300))
    return factories.CertificateFactory(course=course, **fields)


def test_presets_list_the_design_table(client):
    items = {item["name"]: item for item in client.get("/api/v1/requirements/presets")
             .get_json()["items"]}
    assert list(items) == ["bls", "workplace_cpr_aed", "pediatric_cpr", "first_aid",
                           "bloodborne_pathogens"]
    assert items["bls"] == {
        "name": "bls", "label": "BLS (healthcare provider CPR)", "level": "healthcare_provider",
        "topics": ["adult_cpr", "child_cpr", "infant_cpr", "aed"], "guidelines": [],
    }
    assert items["bloodborne_pathogens"]["guidelines"] == ["OSHA"]


def test_heartsaver_card_against_bls_is_no_with_reasons(client):
    card = heartsaver_card()
    response = client.post("/api/v1/requirements/check",
                           json={"code": card.code, "requirement": "bls"})
    assert response.status_code == 200
    assert response.get_json() == {"meets_requirement": False, "reasons": [
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS).",
        "Missing topics: child CPR, infant CPR.",
    ]}


def test_bls_card_meets_a_custom_lay_requirement_on_a_date(client):
    card = factories.CertificateFactory(expires_on=date(2031, 5, 31))
    meets = client.post("/api/v1/requirements/check", json={
        "code": card.code,
        "requirement": {"level": "lay_rescuer", "topics": ["adult_cpr", "aed"],
                        "guidelines": ["AHA", "ARC"], "valid_on": "2031-05-31"},
    })
    assert meets.get_json() == {"meets_requirement": True, "reasons": []}
    late = client.post("/api/v1/requirements/check", json={
        "code": card.code,
        "requirement": {"level": "lay_rescuer", "topics": ["adult_cpr"], "valid_on": "2031-06-01"},
    })
    assert late.get_json() == {"meets_requirement": False,
                               "reasons": ["Expired on 2031-05-31."]}


def test_unknown_code_is_404_and_mistyped_is_400(client, db):
    card = heartsaver_card()
    unknown = client.post("/api/v1/requirements/check",
                          json={"code": generate_code(), "requirement": "bls"})
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "not_found"
    typo = ("Z" if card.code[0] != "Z" else "Y") + card.code[1:]
    mistyped = client.post("/api/v1/requirements/check", json={"code": typo, "requirement": "bls"})
    assert mistyped.status_code == 400 and mistyped.get_json()["error"] == "mistyped_code"
    assert [row.outcome for row in db.session.query(VerificationLog).all()] == [
        "not_found", "mistyped"]


def test_bad_requests_are_invalid(client):
    card = heartsaver_card()
    for body in ({}, {"code": card.code}, {"code": card.code, "requirement": "nursing"},
                 {"code": 12, "requirement": "bls"},
                 {"code": card.code, "requirement": {"level": "lay_rescuer", "topics": ["x"]}},
                 {"code": card.code, "requirement": {"level": "lay_rescuer", "topics": [],
                                                     "valid_on": "2026-02-30"}}):
        response = client.post("/api/v1/requirements/check", json=body)
        assert response.status_code == 422, body
        assert response.get_json()["error"] == "invalid"
    assert client.post("/api/v1/requirements/check", data="nope").status_code == 400


def test_openapi_documents_the_verification_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/certificates/{code}", "/verifications", "/requirements/check",
            "/requirements/presets"} <= set(paths)
    assert "429" in paths["/verifications"]["post"]["responses"]
