"""The periodic payment sweep (each minute): lapsed holds released and their seats given to the
waitlist, then any refund still owed at the provider made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.database import one_transaction
from app.services import enrollment as enrollment_service
from app.services.enrollment import holds
from app.services.payments.providers import Provider
from app.services.payments.refunds import run_refunds


@one_transaction
def release_lapsed_holds(session: Session, now: datetime) -> int:
    """Release every hold whose time has passed; promote waitlisted learners into the seats
    (each into a hold of their own when they owe an online payment). Commits."""
    enrollment_service.take_write_lock(session)
    released = holds.release_lapsed(session, now)
    for class_session in holds.sessions_with_waitlist(session, released):
        enrollment_service.promote_from_waitlist(session, class_session, now)
    return sum(released.values())


def sweep(session: Session, provider: Provider, now: datetime) -> tuple[int, int]:
    """One pass: (holds released, refunds made)."""
    released = release_lapsed_holds(session, now)
    return released, run_refunds(session, provider, now)
