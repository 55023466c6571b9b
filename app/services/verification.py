"""Finding certificates by code (DESIGN.md rule 4) and their public record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate
from app.services.codes import lookup_keys
from app.services.errors import MistypedCode, NotFound


def find_by_code(session: Session, text: str) -> Certificate:
    """The certificate for a typed or scanned code: stored codes match exactly first, then
    the Lifeline form; a 16-symbol code with a bad check is `mistyped`, anything else unknown
    is `not_found`."""
    keys = lookup_keys(text or "")
    candidates = [key for key in (keys.exact, keys.formatted) if key]
    if candidates:
        found = {c.code: c for c in session.scalars(select(Certificate).where(Certificate.code.in_(candidates)))}
        for key in candidates:
            if key in found:
                return found[key]
    if keys.mistyped:
        raise MistypedCode()
    raise NotFound("No certificate has this code.")


def certificate_view(certificate: Certificate, today: date) -> dict:
    """The public record of API.md: never an e-mail address or an internal id."""
    external = None
    if certificate.external_id:
        external = {"issuer": certificate.external_issuer or "", "id": certificate.external_id}
    return {
        "code": certificate.code,
        "status": certificate.status_on(today),
        "holder_name": certificate.holder_name,
        "course": {"code": certificate.course_code, "title": certificate.course_title},
        "level": certificate.level,
        "topics": certificate.topics,
        "guidelines": certificate.guidelines,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "instructor_name": certificate.instructor_name,
        "training_center": certificate.training_center,
        "external_card": external,
        "revoked_reason": certificate.revoked_reason,
        "replaced_by": certificate.replaced_by.code if certificate.replaced_by else None,
        "replaces": certificate.replaces.code if certificate.replaces else None,
    }
