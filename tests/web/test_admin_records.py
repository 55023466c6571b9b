"""Certificate records, the audit log and the outbox pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.models import Certificate, Notification, VerificationLog
from app.models.base import utcnow
from app.services import audit
from tests import factories


def test_certificates_are_found_by_code_holder_course_dates_and_status(db, login):
    ada = factories.learner(full_name="Ada Lovelace", email="ada@example.test")
    found = factories.CertificateFactory(holder=ada, issued_on=date(2025, 3, 1))
    other = factories.CertificateFactory(revoked_at=utcnow(), revoked_reason="fraud")
    client = login(factories.admin())
    for query in (f"code={found.code.lower()}", "holder=lovelace", "holder=ada@example",
                  f"course={found.course_code}", "issued_from=2025-02-01&issued_to=2025-03-31",
                  "status=valid"):
        page = client.get(f"/admin/certificates?{query}")
        assert found.code.encode() in page.data, query
        assert other.code.encode() not in page.data, query
    assert other.code.encode() in client.get("/admin/certificates?status=revoked").data


def test_certificate_page_shows_history_and_verifications(db, login):
    certificate = factories.CertificateFactory(external_issuer="AHA eCard", external_id="ECARD-77")
    for _ in range(3):
        db.session.add(VerificationLog(code_queried=certificate.code, certificate_id=certificate.id,
                                       outcome="valid", channel="web"))
    db.session.commit()
    page = login(factories.admin()).get(f"/admin/certificates/{certificate.id}").data
    assert b"ECARD-77" in page and b"3 times" in page and b'class="badge badge-valid"' in page


def test_revoke_and_reissue_from_the_certificate_page(db, login):
    certificate = factories.CertificateFactory(holder_name="Jon Smtih")
    client = login(factories.admin())
    step = client.post(f"/admin/certificates/{certificate.id}/reissue",
                       data={"holder_name": "Jon Smith"})
    assert step.status_code == 200 and b"Reissue certificate" in step.data
    assert "A new code is issued to “Jon Smith”".encode() in step.data and b"Replaced by" in step.data
    assert db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id)) is None
    reissued = client.post(f"/admin/certificates/{certificate.id}/reissue",
                           data={"holder_name": "Jon Smith", "confirmed": "1"})
    assert reissued.status_code == 302
    replacement = db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))
    assert replacement.holder_name == "Jon Smith"
    page = client.get(f"/admin/certificates/{replacement.id}").data
    assert b"Reissue history" in page and certificate.code.encode() in page
    step = client.post(f"/admin/certificates/{replacement.id}/revoke", data={"reason": "Cheated"})
    assert step.status_code == 200 and b"will no longer count" in step.data
    assert db.session.get(Certificate, replacement.id).revoked_at is None
    revoked = client.post(f"/admin/certificates/{replacement.id}/revoke",
                          data={"reason": "Cheated", "confirmed": "1"})
    assert revoked.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, replacement.id).revoked_reason == "Cheated"
    page = client.get(f"/admin/certificates/{replacement.id}").data
    assert b'class="badge badge-revoked"' in page and b"Cheated" in page
    again = client.post(f"/admin/certificates/{replacement.id}/revoke",
                        data={"reason": "Twice", "confirmed": "1"})
    assert again.status_code == 302
    assert b"already revoked" in client.get(f"/admin/certificates/{replacement.id}").data


def test_audit_log_filters_by_actor_action_subject_and_date(db, login):
    staff = factories.admin(email="staff@example.test")
    audit.record(db.session, staff, "session.cancelled", "class_session", 42, reason="snow")
    audit.record(db.session, None, "catalog.loaded", "course", None)
    db.session.commit()
    client = login(factories.admin())
    today = factories.center_today()
    for query in ("actor=staff@", "action=session.", "subject_type=class_session&subject_id=42",
                  f"date_from={(today - timedelta(days=1)).isoformat()}&actor=staff"):
        page = client.get(f"/admin/audit?{query}").data
        assert b"session.cancelled" in page and b"catalog.loaded" not in page, query
    assert b"snow" in client.get("/admin/audit").data
    future = (today + timedelta(days=3)).isoformat()
    assert b"session.cancelled" not in client.get(f"/admin/audit?date_from={future}").data


def test_outbox_lists_statuses_and_retries_a_failed_row(db, login):
    learner = factories.learner()
    failed = Notification(kind="session_cancelled", recipient_id=learner.id,
                          recipient_email=learner.email, status="failed", attempts=5,
                          last_error="SMTP 550 mailbox unavailable",
                          next_attempt_at=utcnow() + timedelta(days=1))
    sent = Notification(kind="enrollment_confirmed", recipient_id=learner.id,
                        recipient_email=learner.email, status="sent", sent_at=utcnow())
    db.session.add_all([failed, sent])
    db.session.commit()
    client = login(factories.admin())
    page = client.get("/admin/outbox?status=failed").data
    assert b"SMTP 550 mailbox unavailable" in page and b"<td>enrollment confirmed</td>" not in page
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 302
    assert client.post(f"/admin/outbox/{sent.id}/retry").status_code == 302
    db.session.expire_all()
    retried = db.session.get(Notification, failed.id)
    assert retried.status == "pending" and retried.next_attempt_at <= utcnow()
    assert db.session.get(Notification, sent.id).status == "sent"
