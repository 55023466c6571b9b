"""API-2 §5 for people: the verify page takes a credential uploaded or pasted, the learner's
certificate page and the certificate mail offer the .json download and "Add to LinkedIn"."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from app.models import Notification
from app.models.base import utcnow
from app.services.certificates import changes
from app.services.notifications import mail
from tests import factories
from tests.support.pages import visible_text


def credential_of(client, certificate) -> bytes:
    return client.get(f"/api/v1/certificates/{certificate.code}/credential").data


def test_the_verify_page_offers_the_credential_form(client, db):
    page = client.get("/verify").get_data(as_text=True)
    assert 'action="/verify/credential"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="credential_file"' in page and 'name="credential"' in page


def test_an_uploaded_credential_file_is_verified(client, db):
    certificate = factories.CertificateFactory()
    upload = (io.BytesIO(credential_of(client, certificate)), "lifeline.json")
    answer = client.post("/verify/credential", data={"credential_file": upload},
                         content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Valid credential" in page and "banner-ok" in page
    assert certificate.course_title in page and "Proof: passed." in page


def test_a_pasted_credential_is_verified_and_a_changed_one_is_tampered(client, db):
    certificate = factories.CertificateFactory()
    document = json.loads(credential_of(client, certificate))
    assert "Valid credential" in client.post("/verify/credential", data={
        "credential": json.dumps(document)}).get_data(as_text=True)
    document["name"] = "Advanced Cardiac Life Support"
    page = client.post("/verify/credential",
                       data={"credential": json.dumps(document)}).get_data(as_text=True)
    assert "Altered credential" in page and "Proof: failed." in page


def test_a_revoked_certificates_credential_is_shown_revoked(client, db):
    certificate = factories.CertificateFactory()
    text = credential_of(client, certificate).decode()
    changes.revoke_certificate(db.session, factories.admin(), certificate, "fraud", utcnow())
    page = client.post("/verify/credential", data={"credential": text}).get_data(as_text=True)
    assert "Revoked credential" in page and "Status: failed." in page
    assert "banner-danger" in page and "has revoked it" in page


def test_a_replaced_certificates_credential_says_replaced_by_the_new_code(client, db):
    certificate = factories.CertificateFactory()
    text = credential_of(client, certificate).decode()
    replacement = changes.reissue_certificate(db.session, factories.admin(), certificate,
                                              "Lena Corrected", utcnow())
    page = client.post("/verify/credential", data={"credential": text}).get_data(as_text=True)
    assert "Replaced credential" in page and "banner-neutral" in page
    assert f"Replaced by <strong>{replacement.code}</strong>" in page
    assert f'href="/verify/{replacement.code}"' in page and "Status: failed." in page
    assert "revoked" not in visible_text(page).lower() and "banner-danger" not in page


def test_no_credential_status_is_written_in_capitals(client, db):
    certificate = factories.CertificateFactory()
    document = json.loads(credential_of(client, certificate))
    pages = [client.post("/verify/credential", data={"credential": json.dumps(document)})]
    document["name"] = "Changed"
    pages.append(client.post("/verify/credential", data={"credential": json.dumps(document)}))
    document["issuer"] = {"id": "https://elsewhere.example/issuer", "type": ["Profile"]}
    pages.append(client.post("/verify/credential", data={"credential": json.dumps(document)}))
    for answer in pages:
        verdict = answer.get_data(as_text=True).split('<strong class="verdict">')[1]
        verdict = verdict.split("</strong>")[0]
        assert verdict[0].isupper() and verdict[1:] == verdict[1:].lower(), verdict
        for word in ("VALID", "EXPIRED", "REVOKED", "TAMPERED", "UNKNOWN ISSUER"):
            assert word not in visible_text(answer.get_data(as_text=True)), word


def test_nothing_or_something_that_is_no_credential_is_refused_with_a_message(client, db):
    for data, message in (({}, "Upload the credential"), ({"credential": "{not json"},
                                                          "This is not JSON"),
                          ({"credential": "[1, 2]"}, "A credential is a JSON object")):
        answer = client.post("/verify/credential", data=data)
        assert answer.status_code == 422 and message in answer.get_data(as_text=True)



ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_the_validity_period_reads_as_long_dates_on_the_page_only(client, db):
    certificate = factories.CertificateFactory(issued_on=date(2026, 1, 5),
                                               expires_on=date(2028, 1, 31))
    text = credential_of(client, certificate).decode()
    page = client.post("/verify/credential", data={"credential": text}).get_data(as_text=True)
    assert "Valid from Monday, January 5, 2026 until Monday, January 31, 2028." in page
    assert not ISO_MOMENT.search(visible_text(page))
    api = client.post("/api/v1/credentials/verify", json={"credential": json.loads(text)})
    assert ISO_MOMENT.search(api.get_json()["checks"][-1]["message"])


def test_an_expired_credential_says_its_last_day_as_a_long_date(client, db):
    certificate = factories.CertificateFactory(issued_on=date(2022, 3, 1),
                                               expires_on=date(2024, 3, 31))
    page = client.post("/verify/credential", data={
        "credential": credential_of(client, certificate).decode()}).get_data(as_text=True)
    assert "Expired credential" in page and "Expired: valid until Sunday, March 31, 2024." in page
    assert not ISO_MOMENT.search(visible_text(page))

def _linkedin_fields(href: str) -> dict:
    parts = urlsplit(unescape(href))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    return {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_the_learner_page_offers_the_credential_and_add_to_linkedin(client, db, login):
    holder = factories.learner()
    certificate = factories.CertificateFactory(holder=holder)
    login(holder)
    page = client.get("/me").get_data(as_text=True)
    assert f'href="/api/v1/certificates/{certificate.code}/credential"' in page
    href = page.split('rel="noopener noreferrer"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert _linkedin_fields(href) == {
        "startTask": "CERTIFICATION_NAME", "name": certificate.course_title,
        "organizationName": "Lifeline Training Center",
        "issueYear": str(certificate.issued_on.year),
        "issueMonth": str(certificate.issued_on.month),
        "expirationYear": str(certificate.expires_on.year),
        "expirationMonth": str(certificate.expires_on.month),
        "certUrl": f"http://lifeline.test/verify/{certificate.code}",
        "certId": certificate.code}


def test_the_certificate_mail_offers_the_credential_and_add_to_linkedin(app, db):
    certificate = factories.CertificateFactory()
    replacement = changes.reissue_certificate(db.session, factories.admin(), certificate,
                                              "Lena Corrected", utcnow())
    issued = db.session.scalar(select(Notification).where(
        Notification.kind == "certificate_issued", Notification.certificate_id == replacement.id))
    message = mail.compose(db.session, issued, app.config, app.jinja_env)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    download = f"http://lifeline.test/api/v1/certificates/{replacement.code}/credential"
    assert download in text and download in html
    linkedin = next(line for line in text.splitlines() if "linkedin.com" in line).split(": ")[1]
    assert _linkedin_fields(linkedin)["certId"] == replacement.code
    assert "Add to LinkedIn" in html
