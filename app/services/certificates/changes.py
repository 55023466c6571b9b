"""Changes to issued certificates (DESIGN.md rule 5): revocation, reissue, the awarding body's
card id, and the holder's e-mails. `app.services.certificates.outcomes` re-exports the public ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Certificate, ClassSession, User
from app.models.vocab import LEVEL_LABELS, REVOCATION_CATEGORIES
from app.services import audit, notifications
from app.services.certificates.codes import generate_code
from app.services.errors import Conflict, Forbidden, Invalid, one_line


def notify(session: Session, kind: str, certificate: Certificate) -> None:
    notifications.enqueue(
        session, kind=kind, recipient=certificate.holder,
        event_key=f"{kind}:{certificate.id}", context=mail_context(certificate),
        subject=("certificate", certificate.id), certificate_id=certificate.id,
    )


def mail_context(certificate: Certificate) -> dict:
    return {
        "holder_name": certificate.holder_name, "code": certificate.code,
        "course_title": certificate.course_title,
        "level_label": LEVEL_LABELS.get(certificate.level, certificate.level),
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "instructor_name": certificate.instructor_name,
        "training_center": certificate.training_center,
        "revoked_reason": certificate.revoked_reason,
    }


def _require_admin(actor: User) -> None:
    if not actor.has_role("admin"):
        raise Forbidden("Only an admin may do this.")


def _required_text(name: str, value: str | None, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid.field(name, "This field is required.")
    if len(text) > max_length:
        raise Invalid.field(name, f"Must be at most {max_length} characters.")
    return text


def _mark_revoked(session: Session, actor: User, certificate: Certificate, reason: str,
                  category: str, now: datetime) -> None:
    if certificate.revoked_at is not None:
        raise Conflict("This certificate is already revoked.")
    certificate.revoked_at, certificate.revoked_reason = now, reason
    certificate.revocation_category = category
    certificate.revoked_by_id = actor.id
    audit.record(session, actor, "certificate_revoked", "certificate", certificate.id,
                 code=certificate.code, reason=reason, category=category)


@one_transaction
def revoke_certificate(session: Session, actor: User, certificate: Certificate, reason: str,
                       now: datetime, category: str = "withdrawn") -> Certificate:
    """Revoke a certificate, keeping the record; its holder is told. The category (one of
    REVOCATION_CATEGORIES) is what the public record says; the reason stays with staff."""
    _require_admin(actor)
    if category not in REVOCATION_CATEGORIES:
        raise Invalid.field("category", f"Must be one of: {', '.join(REVOCATION_CATEGORIES)}.")
    _mark_revoked(session, actor, certificate, _required_text("reason", reason, 500), category,
                  now)
    notify(session, "certificate_revoked", certificate)
    return certificate


_SNAPSHOT = ("holder_id", "course_id", "course_code", "course_title", "course_family", "level",
             "topics_mask", "guidelines_mask", "training_center", "session_id", "enrollment_id",
             "instructor_id", "instructor_name", "issued_on", "expires_on", "external_issuer",
             "external_id")


@one_transaction
def reissue_certificate(session: Session, actor: User, certificate: Certificate,
                        holder_name: str, now: datetime) -> Certificate:
    """Replace a certificate with a corrected holder name: a new code, the old one revoked."""
    _require_admin(actor)
    name = _required_text("holder_name", one_line("holder_name", holder_name), 200)
    _mark_revoked(session, actor, certificate, "reissued", "replaced", now)
    replacement = Certificate(
        code=generate_code(), holder_name=name, replaces_id=certificate.id, created_at=now,
        **{column: getattr(certificate, column) for column in _SNAPSHOT},
    )
    session.add(replacement)
    session.flush()
    audit.record(session, actor, "certificate_reissued", "certificate", replacement.id,
                 code=replacement.code, replaces=certificate.code, holder_name=name,
                 previous_name=certificate.holder_name)
    notify(session, "certificate_issued", replacement)
    return replacement


@one_transaction
def set_external_card(session: Session, actor: User, certificate: Certificate, issuer: str,
                      external_id: str) -> Certificate:
    """Record the awarding body's own card id (AHA eCard, Red Cross certificate id)."""
    class_session = session.get(ClassSession, certificate.session_id) if certificate.session_id else None
    teaches = class_session is not None and class_session.instructor_id == actor.id
    if not (actor.has_role("admin") or teaches):
        raise Forbidden("Only this class's instructor or an admin may do this.")
    issuer_text = _required_text("issuer", one_line("issuer", issuer), 64)
    id_text = _required_text("external_id", one_line("external_id", external_id), 128)
    audit.record(session, actor, "external_card_recorded", "certificate", certificate.id,
                 issuer=issuer_text, external_id=id_text,
                 previous_issuer=certificate.external_issuer,
                 previous_id=certificate.external_id)
    certificate.external_issuer, certificate.external_id = issuer_text, id_text
    return certificate
