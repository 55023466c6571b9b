"""What comes back to the employer: who was invited, who enrolled where, attended and passed,
with their certificate codes (each such certificate also joins the organisation's watch list
at issue: app.services.certificates.order_watch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Certificate,
    ClassSession,
    Enrollment,
    OrderRedemption,
    SeatOrder,
)


@dataclass(frozen=True)
class Redemption:
    """One enrollment made with the order's voucher, as the employer sees it."""

    learner_name: str
    learner_email: str
    session_id: int
    starts_at: datetime
    enrollment_status: str
    certificate_code: str | None


def redemptions(session: Session, order: SeatOrder) -> list[Redemption]:
    """The order's enrollments, oldest first, each with its certificate code once issued."""
    rows = session.execute(
        select(Enrollment, ClassSession.starts_at, Certificate.code)
        .join(OrderRedemption, OrderRedemption.enrollment_id == Enrollment.id)
        .join(ClassSession, ClassSession.id == Enrollment.session_id)
        .outerjoin(Certificate, (Certificate.enrollment_id == Enrollment.id)
                   & Certificate.revoked_at.is_(None))
        .where(OrderRedemption.order_id == order.id).order_by(OrderRedemption.id)).all()
    return [Redemption(e.learner.full_name, e.learner.email, e.session_id, starts, e.status,
                       code) for e, starts, code in rows]


def invitation_lines(session: Session, order: SeatOrder) -> list[tuple[str, int, str | None]]:
    """(address, times sent, status of its enrollment through the order or None) per
    invitation."""
    status_by_email = {r.learner_email: r.enrollment_status for r in redemptions(session, order)}
    return [(i.email, i.times_sent, status_by_email.get(i.email)) for i in order.invitations]
