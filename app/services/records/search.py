"""Certificate records for staff: search by code, holder, course, dates, status; full history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Certificate, User, VerificationLog
from app.services.audit import events_for
from app.services.certificates.codes import lookup_keys
from app.services.errors import NotFound

PAGE_SIZE = 50
STATUSES = ("valid", "expired", "revoked")
RECENT_VERIFICATIONS = 20


@dataclass(frozen=True)
class RecordFilter:
    code: str = ""
    holder: str = ""  # name or e-mail, any part
    course_code: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    status: str = ""


def search_certificates(session: Session, criteria: RecordFilter, today: date,
                        page: int = 1) -> tuple[list[Certificate], bool]:
    """One page of certificates matching every given criterion, newest first."""
    query = (select(Certificate).join(Certificate.holder)
             .order_by(Certificate.issued_on.desc(), Certificate.id.desc()))
    code = criteria.code.strip()
    if code:
        formatted = lookup_keys(code).formatted
        query = query.where(or_(func.upper(Certificate.code).like(f"%{code.upper()}%"),
                                Certificate.code == (formatted or code)))
    holder = criteria.holder.strip().lower()
    if holder:
        query = query.where(or_(func.lower(Certificate.holder_name).like(f"%{holder}%"),
                                User.email.like(f"%{holder}%")))
    if criteria.course_code.strip():
        query = query.where(Certificate.course_code == criteria.course_code.strip().upper())
    if criteria.issued_from:
        query = query.where(Certificate.issued_on >= criteria.issued_from)
    if criteria.issued_to:
        query = query.where(Certificate.issued_on <= criteria.issued_to)
    if criteria.status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    elif criteria.status == "valid":
        query = query.where(Certificate.revoked_at.is_(None), Certificate.expires_on >= today)
    elif criteria.status == "expired":
        query = query.where(Certificate.revoked_at.is_(None), Certificate.expires_on < today)
    rows = list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


@dataclass
class CertificateRecord:
    """A certificate with everything that happened to it."""

    certificate: Certificate
    status: str
    chain: list[Certificate]  # oldest original first, through every reissue
    verification_count: int
    recent_verifications: list[VerificationLog]
    events: list[AuditEvent] = field(default_factory=list)
    revoked_by: User | None = None


def certificate_record(session: Session, certificate_id: int, today: date) -> CertificateRecord:
    """The certificate page's content: status, reissue chain, verifications, audit events."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound("No certificate has this id.")
    count = session.scalar(select(func.count()).select_from(VerificationLog)
                           .where(VerificationLog.certificate_id == certificate.id)) or 0
    recent = list(session.scalars(
        select(VerificationLog).where(VerificationLog.certificate_id == certificate.id)
        .order_by(VerificationLog.created_at.desc()).limit(RECENT_VERIFICATIONS)))
    return CertificateRecord(
        certificate=certificate, status=certificate.status_on(today),
        chain=reissue_chain(certificate), verification_count=count, recent_verifications=recent,
        events=events_for(session, "certificate", certificate.id),
        revoked_by=session.get(User, certificate.revoked_by_id) if certificate.revoked_by_id else None,
    )


def reissue_chain(certificate: Certificate) -> list[Certificate]:
    """The certificate's whole line: the original, then each reissue in turn."""
    first = certificate
    while first.replaces is not None:
        first = first.replaces
    chain = [first]
    while chain[-1].replaced_by is not None:
        chain.append(chain[-1].replaced_by)
    return chain

