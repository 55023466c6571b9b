"""Outcomes and certificates (DESIGN.md rules 3–5): rosters, issuance, revocation, reissue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Certificate, ClassSession, Enrollment, User
from app.models.vocab import OUTCOMES, SEAT_HOLDING_STATUSES
from app.services import audit, blended
from app.services.certificates.changes import notify
from app.services.certificates.codes import generate_code
from app.services.certificates.expiry import expires_on
from app.services.certificates.order_watch import watch_issued
from app.services.clock import local_date
from app.services.errors import Conflict, Forbidden, Invalid, NotFound, NotStarted

MAX_SCORE = 100


@dataclass(frozen=True)
class OutcomeInput:
    """One learner's result as the instructor records it."""

    enrollment_id: int
    outcome: str
    score: int | None = None
    remark: str | None = None


@dataclass
class Roster:
    """A session, the learners holding a seat in it, and their certificates so far."""

    class_session: ClassSession
    enrollments: list[Enrollment]
    finalised: bool
    certificates: dict[int, Certificate] = field(default_factory=dict)


def _is_admin(actor: User) -> bool:
    return actor.has_role("admin")


def teaching_session(session: Session, actor: User, class_id: int) -> ClassSession:
    """The session, if the actor teaches it or is an admin (else Forbidden; NotFound if none)."""
    class_session = session.get(ClassSession, class_id)
    if class_session is None:
        raise NotFound("No class session has this id.")
    if not _is_admin(actor) and class_session.instructor_id != actor.id:
        raise Forbidden("Only this class's instructor or an admin may do this.")
    return class_session


def _seat_holders(session: Session, class_id: int) -> list[Enrollment]:
    return list(session.scalars(
        select(Enrollment)
        .where(Enrollment.session_id == class_id, Enrollment.status.in_(SEAT_HOLDING_STATUSES))
        .order_by(Enrollment.id)
        .execution_options(populate_existing=True)
    ))


def _session_certificates(session: Session, class_id: int) -> list[Certificate]:
    return list(session.scalars(
        select(Certificate).where(Certificate.session_id == class_id)
        .order_by(Certificate.enrollment_id, Certificate.id)
    ))


def roster(session: Session, actor: User, class_id: int) -> Roster:
    """The roster of a session, for its instructor or an admin."""
    class_session = teaching_session(session, actor, class_id)
    latest = {c.enrollment_id: c for c in _session_certificates(session, class_id)}
    return Roster(class_session, _seat_holders(session, class_id),
                  class_session.finalised_at is not None, latest)


def teaching_sessions(session: Session, instructor: User, now: datetime,
                      recent_days: int = 60) -> tuple[list[ClassSession], list[ClassSession]]:
    """An instructor's (upcoming, recent) sessions: those not started yet, soonest first, and
    those started within `recent_days` (today's class among them), latest first."""
    mine = select(ClassSession).where(ClassSession.instructor_id == instructor.id)
    upcoming = session.scalars(mine.where(ClassSession.starts_at > now)
                               .order_by(ClassSession.starts_at, ClassSession.id))
    recent = session.scalars(mine.where(ClassSession.starts_at <= now,
                                        ClassSession.starts_at > now - timedelta(days=recent_days))
                             .order_by(ClassSession.starts_at.desc(), ClassSession.id))
    return list(upcoming), list(recent)


def _lock_session(session: Session, class_id: int) -> None:
    """Serialise outcome recording per session: a no-op UPDATE takes the row lock on
    PostgreSQL and the write lock on SQLite before anything is read."""
    session.execute(update(ClassSession).where(ClassSession.id == class_id)
                    .values(finalised_at=ClassSession.finalised_at))


def _check_results(results: list[OutcomeInput], on_roster: dict[int, Enrollment]) -> None:
    problems: list[str] = []
    seen: set[int] = set()
    for result in results:
        if result.enrollment_id not in on_roster:
            problems.append(f"Enrollment {result.enrollment_id} is not on this class's roster.")
        elif result.enrollment_id in seen:
            problems.append(f"Enrollment {result.enrollment_id} is listed twice.")
        seen.add(result.enrollment_id)
        if result.outcome not in OUTCOMES:
            problems.append(f"Outcome must be one of: {', '.join(OUTCOMES)}.")
        if result.score is not None and not 0 <= result.score <= MAX_SCORE:
            problems.append(f"Score must be between 0 and {MAX_SCORE}.")
    if problems:
        raise Invalid("Please correct the results: " + " ".join(problems),
                      fields={"results": problems})


def _unchanged(enrollment: Enrollment, result: OutcomeInput) -> bool:
    return (enrollment.status, enrollment.score, enrollment.remark or None) == (
        result.outcome, result.score, result.remark or None)


def _apply(session: Session, actor: User, class_session: ClassSession, enrollment: Enrollment,
           result: OutcomeInput, in_force: dict[int, Certificate], now: datetime) -> None:
    if _unchanged(enrollment, result):
        return
    finalised = class_session.finalised_at is not None
    if finalised and not _is_admin(actor):
        raise Conflict("This roster is finalised; ask an admin to correct an outcome.")
    certificate = in_force.get(enrollment.id)
    if result.outcome != "passed" and certificate is not None:
        raise Conflict(f"Enrollment {enrollment.id} passed and holds certificate "
                       f"{certificate.code}; revoke it before changing the outcome.")
    previous = enrollment.status
    enrollment.status, enrollment.score = result.outcome, result.score
    enrollment.remark = result.remark or None
    enrollment.outcome_recorded_at = now
    action = "outcome_corrected" if finalised else "outcome_recorded"
    audit.record(session, actor, action, "enrollment", enrollment.id, previous=previous,
                 outcome=result.outcome, score=result.score, remark=enrollment.remark)


def _issue_for_passes(session: Session, actor: User, enrollments: list[Enrollment],
                      issued: dict[int, Certificate], now: datetime,
                      center: tuple[str, str]) -> None:
    center_name, zone_name = center
    for enrollment in enrollments:
        if enrollment.status == "passed" and enrollment.id not in issued:
            certificate = issue_certificate(session, enrollment, now, center_name=center_name,
                                            zone_name=zone_name)
            issued[enrollment.id] = certificate
            watch_issued(session, certificate)
            audit.record(session, actor, "certificate_issued", "certificate", certificate.id,
                         code=certificate.code, enrollment_id=enrollment.id)
            notify(session, "certificate_issued", certificate)


def _finalise(session: Session, actor: User, class_session: ClassSession,
              enrollments: list[Enrollment], now: datetime) -> None:
    if class_session.finalised_at is not None:
        return
    missing = [e.learner.full_name for e in enrollments if e.status not in OUTCOMES]
    if missing:
        raise Invalid.field("results", "Record an outcome for every learner before finalising: "
                            + ", ".join(missing) + ".")
    class_session.finalised_at = now
    class_session.status = "completed"
    audit.record(session, actor, "roster_finalised", "class_session", class_session.id)


@one_transaction
def _record_once(session: Session, actor: User, class_id: int, results: list[OutcomeInput],
                 finalise: bool, now: datetime, center: tuple[str, str]) -> list[tuple[int, str]]:
    class_session = teaching_session(session, actor, class_id)
    if class_session.status == "cancelled":
        raise Conflict("This class was cancelled; it has no outcomes.")
    if now < class_session.starts_at:
        raise NotStarted()
    _lock_session(session, class_id)
    session.refresh(class_session)
    enrollments = _seat_holders(session, class_id)
    on_roster = {e.id: e for e in enrollments}
    _check_results(results, on_roster)
    certificates = _session_certificates(session, class_id)
    # A pass issues one original certificate, ever; a revoked one is not issued again.
    issued = {c.enrollment_id: c for c in certificates if c.replaces_id is None}
    in_force = {c.enrollment_id: c for c in certificates if c.revoked_at is None}
    for result in results:
        _apply(session, actor, class_session, on_roster[result.enrollment_id], result, in_force,
               now)
    # A blended pass needs its online part: new passes now, every pass when finalising.
    blended.require_online_parts(session, [e for e in enrollments if e.status == "passed"
                                           and (finalise or e.id not in issued)])
    _issue_for_passes(session, actor, enrollments, issued, now, center)
    if finalise:
        _finalise(session, actor, class_session, enrollments, now)
    session.flush()
    answer = [(c.enrollment_id, c.code) for c in _session_certificates(session, class_id)]
    return answer


def record_outcomes(session: Session, actor: User, class_id: int, results: list[OutcomeInput],
                    finalise: bool, now: datetime, *, center_name: str, zone_name: str
                    ) -> list[tuple[int, str]]:
    """Record outcomes for a class, issue one certificate per pass (tagged with the center's
    name, dated in its zone), optionally finalise; answers every (enrollment_id, code) the
    session has issued. One transaction, retried once when a concurrent request won."""
    center = (center_name, zone_name)
    try:
        return _record_once(session, actor, class_id, results, finalise, now, center)
    except IntegrityError:
        # A concurrent request issued first and the unique index caught it: the retry
        # sees its certificates and adds nothing.
        try:
            return _record_once(session, actor, class_id, results, finalise, now, center)
        except IntegrityError:
            raise Conflict("This roster changed at the same time; try again.") from None


def issue_certificate(session: Session, enrollment: Enrollment, now: datetime, *,
                      center_name: str, zone_name: str) -> Certificate:
    """A new certificate for a passing enrollment, snapshotting the course (no commit)."""
    class_session, learner = enrollment.session, enrollment.learner
    course = class_session.course
    issued_on = local_date(class_session.starts_at, zone_name)
    certificate = Certificate(
        code=generate_code(), holder_id=learner.id, holder_name=learner.full_name,
        course_id=course.id, course_code=course.code, course_title=course.title,
        course_family=course.family, level=course.level, topics_mask=course.topics_mask,
        guidelines_mask=course.guidelines_mask,
        training_center=center_name,
        session_id=class_session.id, enrollment_id=enrollment.id,
        instructor_id=class_session.instructor_id,
        instructor_name=class_session.instructor.full_name, issued_on=issued_on,
        expires_on=expires_on(issued_on, course.validity_months, course.expiry_rule),
        created_at=now, **blended.certificate_fields(enrollment),
    )
    session.add(certificate)
    session.flush()
    return certificate
