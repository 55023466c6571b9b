"""What the staff need to act on today: classes today, rosters to finalise, waitlists, classes
short of seats, cards about to expire, mail that failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Certificate, ClassSession, Enrollment, Notification
from app.services.clock import day_start_utc

LOW_SEATS = 2  # an upcoming class with this many seats left or fewer
EXPIRING_DAYS = 30
ROSTER_LOOKBACK_DAYS = 60
SHOWN = 10


@dataclass
class StaffToday:
    classes_today: list[ClassSession] = field(default_factory=list)
    rosters_to_finalise: list[ClassSession] = field(default_factory=list)
    waitlists: list[tuple[ClassSession, int]] = field(default_factory=list)
    low_seats: list[ClassSession] = field(default_factory=list)
    expiring_cards: int = 0
    failed_mail: int = 0


def staff_today(session: Session, now: datetime, today: date, zone_name: str) -> StaffToday:
    """The dashboard's figures and lists, each one query."""
    start, end = day_start_utc(today, zone_name), day_start_utc(today + timedelta(days=1), zone_name)
    scheduled = ClassSession.status == "scheduled"
    waiting = (select(Enrollment.session_id, func.count().label("waiting"))
               .where(Enrollment.status == "waitlisted").group_by(Enrollment.session_id).subquery())
    return StaffToday(
        classes_today=list(session.scalars(select(ClassSession).where(
            scheduled, ClassSession.starts_at >= start, ClassSession.starts_at < end)
            .order_by(ClassSession.starts_at))),
        rosters_to_finalise=list(session.scalars(select(ClassSession).where(
            scheduled, ClassSession.finalised_at.is_(None), ClassSession.ends_at <= now,
            ClassSession.starts_at >= now - timedelta(days=ROSTER_LOOKBACK_DAYS))
            .order_by(ClassSession.starts_at).limit(SHOWN))),
        waitlists=list(session.execute(
            select(ClassSession, waiting.c.waiting).join(waiting, waiting.c.session_id == ClassSession.id)
            .where(scheduled, ClassSession.starts_at > now).order_by(ClassSession.starts_at).limit(SHOWN))
            .tuples()),
        low_seats=list(session.scalars(select(ClassSession).where(
            scheduled, ClassSession.starts_at > now,
            ClassSession.capacity - ClassSession.seats_taken <= LOW_SEATS)
            .order_by(ClassSession.starts_at).limit(SHOWN))),
        expiring_cards=session.scalar(select(func.count()).select_from(Certificate).where(
            Certificate.revoked_at.is_(None), Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(days=EXPIRING_DAYS))) or 0,
        failed_mail=session.scalar(select(func.count()).select_from(Notification).where(
            Notification.status == "failed")) or 0,
    )
