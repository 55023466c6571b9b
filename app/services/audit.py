"""The audit trail: events written in the caller's transaction, and read back for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, User
from app.models.base import utcnow
from app.services.clock import day_start_utc

PAGE_SIZE = 25  # a page a person can scan; the filters narrow the rest


def record(session: Session, actor: User | None, action: str, subject_type: str,
           subject_id: int | None, **details) -> AuditEvent:
    """Add an AuditEvent to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None, action=action, subject_type=subject_type,
        subject_id=subject_id, details=details, created_at=utcnow(),
    )
    session.add(event)
    return event


def record_many(session: Session, actor: User | None, action: str, subject_type: str,
                events: list[tuple[int | None, dict]]) -> None:
    """Many events of one action in one statement (a sweep's per-session events), in the
    caller's transaction."""
    if events:
        now = utcnow()
        session.execute(insert(AuditEvent.__table__), [
            {"actor_id": actor.id if actor else None, "action": action,
             "subject_type": subject_type, "subject_id": subject_id, "details": details,
             "created_at": now} for subject_id, details in events])


@dataclass(frozen=True)
class AuditFilter:
    actor_email: str = ""
    action: str = ""
    subject_type: str = ""
    subject_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def search_events(session: Session, criteria: AuditFilter, zone_name: str,
                  page: int = 1) -> tuple[list[AuditEvent], bool]:
    """One page of audit events, newest first, and whether another page follows."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if criteria.actor_email.strip():
        query = query.join(AuditEvent.actor).where(
            User.email.like(f"%{criteria.actor_email.strip().lower()}%"))
    if criteria.action.strip():
        query = query.where(AuditEvent.action.like(f"{criteria.action.strip()}%"))
    if criteria.subject_type.strip():
        query = query.where(AuditEvent.subject_type == criteria.subject_type.strip())
    if criteria.subject_id is not None:
        query = query.where(AuditEvent.subject_id == criteria.subject_id)
    if criteria.date_from:
        query = query.where(AuditEvent.created_at >= day_start_utc(criteria.date_from, zone_name))
    if criteria.date_to:
        next_day = criteria.date_to + timedelta(days=1)
        query = query.where(AuditEvent.created_at < day_start_utc(next_day, zone_name))
    rows = list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def events_for(session: Session, subject_type: str, subject_id: int) -> list[AuditEvent]:
    """Every audit event about one record, oldest first."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == subject_type,
                                 AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.created_at, AuditEvent.id)))
