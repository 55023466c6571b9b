"""The online part of a blended enrollment: recorded by its learner or the session's instructor,
required before a pass, and copied onto the certificate it leads to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Enrollment, OnlinePart, User
from app.models.blended import MAX_ONLINE_PART_PDF_BYTES
from app.models.vocab import OUTCOMES
from app.services import audit
from app.services.errors import Conflict, Invalid, NotFound, OnlinePartMissing, one_line
from app.services.language.text import N_

MAX_CERTIFICATE_ID = 64
MAX_PDF_NAME = 200


def is_blended(enrollment: Enrollment) -> bool:
    return enrollment.session.course.format == "blended"


def _is_staff_for(actor: User, enrollment: Enrollment) -> bool:
    return actor.has_role("admin") or enrollment.session.instructor_id == actor.id


def _enrollment_for(session: Session, actor: User, enrollment_id: int) -> Enrollment:
    """The enrollment, when the actor is its learner, its session's instructor or an admin."""
    enrollment = session.get(Enrollment, enrollment_id) if 0 < enrollment_id < 2**31 else None
    if enrollment is None or not (enrollment.learner_id == actor.id
                                  or _is_staff_for(actor, enrollment)):
        raise NotFound(N_("No enrollment of yours has this id."))
    return enrollment


def _checked(completed_on: date, certificate_id: str, today: date,
             pdf: bytes | None) -> str:
    if completed_on > today:
        raise Invalid.field("completed_on", N_("The online part cannot be completed in the future."))
    certificate_id = one_line("certificate_id", (certificate_id or "").strip())
    if not 1 <= len(certificate_id) <= MAX_CERTIFICATE_ID:
        raise Invalid.field("certificate_id", N_("Give the completion certificate's id, 1 to "
                                                 "%(count)d characters.", count=MAX_CERTIFICATE_ID))
    if pdf is not None and len(pdf) > MAX_ONLINE_PART_PDF_BYTES:
        raise Invalid.field("pdf", N_("The completion certificate PDF may be at most 2 MB."))
    if pdf is not None and not pdf.startswith(b"%PDF-"):
        raise Invalid.field("pdf", N_("The completion certificate must be a PDF file."))
    return certificate_id


@one_transaction
def record_online_part(session: Session, actor: User, enrollment_id: int, *,
                       completed_on: date, certificate_id: str, today: date, now: datetime,
                       pdf: bytes | None = None, pdf_name: str | None = None) -> Enrollment:
    """Record (or correct) the online part of a blended enrollment; an entry by the session's
    instructor or an admin counts as confirmed. Commits."""
    enrollment = _enrollment_for(session, actor, enrollment_id)
    if not is_blended(enrollment):
        raise Conflict(N_("This course has no online part."))
    certificate_id = _checked(completed_on, certificate_id, today, pdf)
    staff = _is_staff_for(actor, enrollment)
    if not staff and enrollment.status in OUTCOMES:
        raise Conflict(N_("An outcome is recorded for this class; ask your instructor to "
                          "correct the online part."))
    part = enrollment.online_part or OnlinePart(enrollment_id=enrollment.id, created_at=now)
    part.completed_on, part.certificate_id, part.updated_at = completed_on, certificate_id, now
    part.recorded_by_id = actor.id
    if pdf is not None:
        part.pdf, part.pdf_name = pdf, (pdf_name or "online-part.pdf")[:MAX_PDF_NAME]
    part.confirmed_by_id, part.confirmed_at = (actor.id, now) if staff else (None, None)
    session.add(part)
    session.flush()
    audit.record(session, actor, "online_part.recorded", "enrollment", enrollment.id,
                 completed_on=completed_on.isoformat(), certificate_id=certificate_id,
                 confirmed=staff, with_pdf=part.pdf is not None)
    return enrollment


@one_transaction
def confirm_online_part(session: Session, actor: User, enrollment_id: int,
                        now: datetime) -> Enrollment:
    """The session's instructor (or an admin) checked the learner's entry. Commits."""
    enrollment = _enrollment_for(session, actor, enrollment_id)
    if not _is_staff_for(actor, enrollment):
        raise NotFound(N_("No enrollment of yours has this id."))
    part = enrollment.online_part
    if part is None:
        raise Conflict(N_("No online part is recorded for this learner yet."))
    if part.confirmed_at is None:
        part.confirmed_by_id, part.confirmed_at = actor.id, now
        audit.record(session, actor, "online_part.confirmed", "enrollment", enrollment.id)
    return enrollment


def online_part_pdf(session: Session, actor: User, enrollment_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of the uploaded completion certificate, for those who may see it."""
    part = _enrollment_for(session, actor, enrollment_id).online_part
    if part is None or part.pdf is None:
        raise NotFound(N_("No completion certificate was uploaded for this enrollment."))
    return part.pdf_name or "online-part.pdf", part.pdf


def missing_online_parts(session: Session, enrollments: Iterable[Enrollment]) -> list[Enrollment]:
    """The blended enrollments among these that have no online part."""
    blended = [e for e in enrollments if is_blended(e)]
    if not blended:
        return []
    recorded = set(session.scalars(select(OnlinePart.enrollment_id)
                                   .where(OnlinePart.enrollment_id.in_([e.id for e in blended]))))
    return [enrollment for enrollment in blended if enrollment.id not in recorded]


def require_online_parts(session: Session, passing: Iterable[Enrollment]) -> None:
    """OnlinePartMissing (naming each enrollment) unless every blended pass has its online part."""
    missing = missing_online_parts(session, passing)
    if missing:
        raise OnlinePartMissing(
            "Record the online part before a pass: enrollment "
            + ", ".join(str(enrollment.id) for enrollment in missing) + ".",
            fields={str(enrollment.id): [f"{enrollment.learner.full_name}: the online part is "
                                         f"not recorded."] for enrollment in missing})


def certificate_fields(enrollment: Enrollment) -> dict:
    """What a certificate issued for this enrollment records of its online part."""
    part = enrollment.online_part if is_blended(enrollment) else None
    if part is None:
        return {}
    return {"online_part_completed_on": part.completed_on,
            "online_part_certificate_id": part.certificate_id}


def online_part_json(enrollment: Enrollment, show_keycode: bool) -> dict | None:
    """The `online_part` of an enrollment answer (API-2.md §4); None outside blended courses."""
    if not is_blended(enrollment):
        return None
    part, keycode = enrollment.online_part, enrollment.keycode
    return {"completed_on": part.completed_on.isoformat() if part else None,
            "certificate_id": part.certificate_id if part else None,
            "confirmed": bool(part and part.confirmed_at),
            "keycode": keycode.key if keycode is not None and show_keycode else None}
