"""The public record of a revoked certificate says why in the center's fixed words (a revocation
category), never the staff's free-text reason; staff still see the reason."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db as _db
from app.models import AuditEvent
from app.models.base import utcnow
from app.services.catalog import requirements
from app.services.certificates import changes
from tests import factories

PRIVATE = "Refunded after the complaint; moved to the BLS waitlist"


def revoked_card(category: str = "issued_in_error"):
    certificate = factories.CertificateFactory(expires_on=factories.center_today() + timedelta(days=300))
    changes.revoke_certificate(_db.session, factories.admin(), certificate, PRIVATE, utcnow(),
                               category=category)
    return certificate


def test_the_public_page_shows_the_category_and_never_the_reason(client, db):
    certificate = revoked_card()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "issued in error" in page
    assert "Refunded" not in page and "waitlist" not in page


def test_the_public_json_shows_the_category_and_never_the_reason(client, db, api_token):
    certificate = revoked_card("training_not_completed")
    record = client.get(f"/api/v1/certificates/{certificate.code}").get_json()
    assert record["revocation_category"] == "training_not_completed"
    assert record["revoked_reason"] == "training not completed"
    bulk = client.post("/api/v1/verifications", json={"codes": [certificate.code],
                                                       "requirement": "bls"},
                       headers=api_token(factories.employer())).get_data(as_text=True)
    assert "Refunded" not in bulk and "waitlist" not in bulk
    assert "Revoked: training not completed." in bulk


def test_requirement_reasons_name_the_category(db):
    certificate = revoked_card("withdrawn")
    result = requirements.check(certificate, requirements.parse_requirement("bls", factories.center_today()),
                                factories.center_today())
    assert result.reasons[0] == "Revoked: withdrawn."


def test_staff_keep_the_reason_in_the_admin_view_and_the_audit_log(client, db, login):
    certificate = revoked_card()
    admin = factories.admin()
    login(admin)
    page = client.get(f"/admin/certificates/{certificate.id}").get_data(as_text=True)
    assert PRIVATE in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_revoked"))
    assert event.details["reason"] == PRIVATE and event.details["category"] == "issued_in_error"


def test_the_api_takes_a_category_defaulting_to_withdrawn(client, db, api_token):
    headers = api_token(factories.admin())
    first, second = factories.CertificateFactory(), factories.CertificateFactory()
    answer = client.post(f"/api/v1/certificates/{first.code}/revocation", headers=headers,
                         json={"reason": PRIVATE, "category": "issued_in_error"})
    assert answer.status_code == 200
    assert answer.get_json()["revocation_category"] == "issued_in_error"
    assert PRIVATE not in answer.get_data(as_text=True)
    default = client.post(f"/api/v1/certificates/{second.code}/revocation", headers=headers,
                          json={"reason": PRIVATE})
    assert default.get_json()["revocation_category"] == "withdrawn"
    bad = client.post(f"/api/v1/certificates/{factories.CertificateFactory().code}/revocation",
                      headers=headers, json={"reason": "x", "category": "fraud"})
    assert bad.status_code == 422 and "category" in bad.get_json()["fields"]


def test_a_reissue_marks_the_old_card_replaced(client, db):
    certificate = factories.CertificateFactory()
    changes.reissue_certificate(_db.session, factories.admin(), certificate, "Dana Reyes", utcnow())
    assert certificate.revocation_category == "replaced"


def test_the_admin_form_offers_the_categories(client, db, login):
    certificate = factories.CertificateFactory()
    login(factories.admin())
    page = client.get(f"/admin/certificates/{certificate.id}").get_data(as_text=True)
    assert 'value="issued_in_error"' in page and "issued in error" in page
