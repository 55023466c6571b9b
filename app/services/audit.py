"""Writes audit events in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import AuditEvent, User
from app.models.base import utcnow


def record(session: Session, actor: User | None, action: str, subject_type: str,
           subject_id: int | None, **details) -> AuditEvent:
    """Add an AuditEvent to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None, action=action, subject_type=subject_type,
        subject_id=subject_id, details=details, created_at=utcnow(),
    )
    session.add(event)
    return event
