"""Where learners stand on a class's waitlist (arrival order, DESIGN.md rule 2)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Enrollment


def waitlist_position(session: Session, enrollment: Enrollment) -> int | None:
    """1 for the first learner waiting, …; None when the enrollment is not waitlisted."""
    if enrollment.status != "waitlisted":
        return None
    ahead = session.scalar(
        select(func.count()).select_from(Enrollment)
        .where(Enrollment.session_id == enrollment.session_id,
               Enrollment.status == "waitlisted", Enrollment.id < enrollment.id)
    )
    return ahead + 1


def waitlist_positions(session: Session, enrollments: Iterable[Enrollment]) -> dict[int, int]:
    """Waitlist position per waitlisted enrollment id, in one query."""
    waiting = [e for e in enrollments if e.status == "waitlisted"]
    if not waiting:
        return {}
    position = func.row_number().over(partition_by=Enrollment.session_id,
                                      order_by=Enrollment.id).label("position")
    ranked = (
        select(Enrollment.id, position)
        .where(Enrollment.session_id.in_({e.session_id for e in waiting}),
               Enrollment.status == "waitlisted")
        .subquery()
    )
    wanted = {e.id for e in waiting}
    rows = session.execute(select(ranked.c.id, ranked.c.position)
                           .where(ranked.c.id.in_(wanted)))
    return {enrollment_id: position for enrollment_id, position in rows}
