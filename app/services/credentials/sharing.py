"""What a holder is offered to carry a certificate elsewhere: the credential's download
link and LinkedIn's "add a certification to your profile" link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import quote, urlencode

from sqlalchemy.orm import Session

from app.models import Certificate, Notification
from app.services.certificates.cards import verify_url

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_url(*, name: str, organisation: str, issued_on: date, expires_on: date,
                 cert_url: str, cert_id: str) -> str:
    """LinkedIn's add-to-profile link, its certification form filled in."""
    fields = {
        "startTask": "CERTIFICATION_NAME", "name": name, "organizationName": organisation,
        "issueYear": issued_on.year, "issueMonth": issued_on.month,
        "expirationYear": expires_on.year, "expirationMonth": expires_on.month,
        "certUrl": cert_url, "certId": cert_id,
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(fields, quote_via=quote)}"


def credential_download_url(base_url: str, code: str) -> str:
    return f"{base_url}/api/v1/certificates/{quote(code, safe='')}/credential"


def links_for(certificate: Certificate, base_url: str, center_name: str) -> dict:
    """The credential's download URL and the LinkedIn link of one certificate."""
    return {
        "credential_url": credential_download_url(base_url, certificate.code),
        "linkedin_url": linkedin_url(
            name=certificate.course_title, organisation=center_name,
            issued_on=certificate.issued_on, expires_on=certificate.expires_on,
            cert_url=verify_url(base_url, certificate.code), cert_id=certificate.code),
    }


def mail_links(session: Session, notification: Notification, config: Mapping) -> dict:
    """The links the certificate mail adds at send time (notifications/kinds.py)."""
    if notification.certificate_id is None:
        return {}
    certificate = session.get(Certificate, notification.certificate_id)
    if certificate is None:
        return {}
    return links_for(certificate, config["PUBLIC_BASE_URL"], config["CENTER_NAME"])
