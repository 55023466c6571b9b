"""The wallet card over HTTP, revocation and reissue (admin), the awarding body's card id."""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select

from app.models import AuditEvent, Certificate
from app.services.verification.lookup import certificate_view
from tests import factories


def decoded_qr_codes(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=6).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_anyone_with_the_code_gets_the_card_pdf(client, db):
    certificate = factories.CertificateFactory()
    typed = certificate.code.lower().replace("-", " ")
    response = client.get(f"/api/v1/certificates/{typed}/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert certificate.code in text and certificate.holder_name in text
    assert decoded_qr_codes(response.data) == [f"http://lifeline.test/verify/{certificate.code}"]


def test_card_on_letter_paper_and_a_bad_paper_is_422(client, db):
    certificate = factories.CertificateFactory()
    letter = client.get(f"/api/v1/certificates/{certificate.code}/card.pdf?paper=letter")
    assert letter.status_code == 200
    assert float(PdfReader(io.BytesIO(letter.data)).pages[0].mediabox.width) == 612
    bad = client.get(f"/api/v1/certificates/{certificate.code}/card.pdf?paper=poster")
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid"


def test_card_of_an_unknown_or_mistyped_code(client, db):
    factories.CertificateFactory(code="K7M2-QZ9T-X4HW-0RND")
    assert client.get("/api/v1/certificates/K7M2-QZ9T-X4HW-0RNE/card.pdf").get_json()[
        "error"] == "mistyped_code"
    assert client.get("/api/v1/certificates/1234-5678-9ABC-DEFE/card.pdf").status_code == 404


def test_admin_revokes_and_the_card_says_revoked(client, api_token, db):
    certificate = factories.CertificateFactory()
    headers = api_token(factories.admin())
    response = client.post(f"/api/v1/certificates/{certificate.code}/revocation",
                           headers=headers, json={"reason": "Card obtained by fraud"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "revoked"
    assert response.get_json()["revoked_reason"] == "withdrawn"  # the public words, not the reason
    again = client.post(f"/api/v1/certificates/{certificate.code}/revocation",
                        headers=headers, json={"reason": "again"})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    card = client.get(f"/api/v1/certificates/{certificate.code}/card.pdf")
    assert "REVOKED" in PdfReader(io.BytesIO(card.data)).pages[0].extract_text()


def test_reissue_answers_the_new_record_linked_to_the_old(client, api_token, db):
    old = factories.CertificateFactory(holder_name="Jon Smiht")
    headers = api_token(factories.admin())
    response = client.post(f"/api/v1/certificates/{old.code}/reissue", headers=headers,
                           json={"holder_name": "Jon Smith"})
    assert response.status_code == 201
    new = response.get_json()
    assert new["holder_name"] == "Jon Smith" and new["replaces"] == old.code
    assert new["code"] != old.code and new["status"] == "valid"
    db.session.expire_all()
    stored_old = db.session.scalars(select(Certificate).where(Certificate.code == old.code)).one()
    view = certificate_view(stored_old, stored_old.issued_on)
    assert (view["status"], view["revoked_reason"], view["replaced_by"]) == (
        "revoked", "replaced", new["code"])
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(["certificate_revoked", "certificate_reissued"]))) == 2


def test_revoke_and_reissue_are_for_admins_only(client, api_token, db):
    certificate = factories.CertificateFactory()
    for user in (factories.instructor(), factories.learner(), factories.employer()):
        headers = api_token(user)
        assert client.post(f"/api/v1/certificates/{certificate.code}/revocation",
                           headers=headers, json={"reason": "x"}).status_code == 403
        assert client.post(f"/api/v1/certificates/{certificate.code}/reissue",
                           headers=headers, json={"holder_name": "x"}).status_code == 403
    assert client.post(f"/api/v1/certificates/{certificate.code}/revocation",
                       json={"reason": "x"}).status_code == 401
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_revoke_and_reissue_need_their_fields(client, api_token, db):
    certificate = factories.CertificateFactory()
    headers = api_token(factories.admin())
    for path, body in (("revocation", {}), ("revocation", {"reason": "  "}),
                       ("reissue", {"holder_name": 5})):
        response = client.post(f"/api/v1/certificates/{certificate.code}/{path}",
                               headers=headers, json=body)
        assert response.status_code == 422 and response.get_json()["error"] == "invalid"


def test_sessions_instructor_records_the_awarding_bodys_card_id(client, api_token, db):
    enrollment = factories.EnrollmentFactory(status="passed")
    certificate = factories.CertificateFactory(session_id=enrollment.session_id,
                                               enrollment_id=enrollment.id)
    url = f"/api/v1/certificates/{certificate.code}/external-card"
    body = {"issuer": "American Red Cross", "id": "ARC-0012345"}
    refused = client.post(url, headers=api_token(factories.instructor()), json=body)
    assert refused.status_code == 403
    response = client.post(url, headers=api_token(enrollment.session.instructor), json=body)
    assert response.status_code == 200
    assert response.get_json()["external_card"] == {"issuer": "American Red Cross",
                                                    "id": "ARC-0012345"}


def test_card_look_ups_share_the_public_rate_limit(app_factory, db):
    certificate = factories.CertificateFactory()
    limited = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="2 per minute").test_client()
    answers = [limited.get(f"/api/v1/certificates/{certificate.code}/card.pdf").status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]


def test_a_reissue_to_a_name_with_a_line_break_is_refused_by_the_document(client, api_token, db):
    certificate = factories.CertificateFactory()
    response = client.post(f"/api/v1/certificates/{certificate.code}/reissue",
                           headers=api_token(factories.admin()),
                           json={"holder_name": "Ann\r\nBcc: all@example.test"})
    assert response.status_code == 422 and "holder_name" in response.get_json()["fields"]
