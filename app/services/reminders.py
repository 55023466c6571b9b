"""Renewal reminders (DESIGN.md rule 6): which certificates get which window's reminder, once.

A sweep works one window at a time over the certificates expiring inside that window's range
of days, with set-based SQL: one aggregate query counts the candidates by skip reason and one
INSERT ... SELECT per slice of expiry days writes the due reminders, ignoring conflicts on the unique
(certificate, kind, window) constraint. Nothing is read first and written later, so two sweeps
at once (or one run twice) can never write a window twice, and no certificate is ever loaded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, case, cast, exists, false, func, literal, not_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.models import Certificate, ClassSession, Course, Enrollment, Notification, User
from app.models.base import utcnow
from app.models.vocab import LEVELS
from app.services import audit, notifications
from app.services.clock import day_start_utc, local_date, local_moment

KIND = "renewal_reminder"
SKIP_REASONS = ("already_sent", "revoked", "replaced", "inactive", "opted_out", "renewed",
                "enrolled")
# Up to this many new reminders are nudged one by one; a bigger sweep is drained by the
# periodic outbox pass instead of flooding the broker with one message per row.
NUDGE_LIMIT = 500
# Each INSERT ... SELECT covers the certificates expiring within this many days: the statement
# count stays small while a batch stays a bounded slice of the due set.
BATCH_DAYS = 16


@dataclass(frozen=True)
class WindowRange:
    """Window `window` is due for certificates expiring from `first_day` to `last_day`."""

    window: int
    first_day: date
    last_day: date


@dataclass
class SweepSummary:
    queued: dict[int, int] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)

    def lines(self, dry_run: bool = False) -> list[str]:
        """The CLI summary: one line per window, then one per skip reason seen."""
        verb = "would queue" if dry_run else "queued"
        lines = [f"window {window}: {verb} {count}" for window, count in self.queued.items()]
        lines += [f"skipped {reason}: {self.skipped[reason]}"
                  for reason in SKIP_REASONS if self.skipped[reason]]
        return lines


def window_ranges(today: date, windows: Iterable[int]) -> list[WindowRange]:
    """Each window covers the days left above the next smaller window, up to itself."""
    ranges, previous = [], -1
    for window in sorted(set(windows)):
        ranges.append(WindowRange(window, today + timedelta(days=previous + 1),
                                  today + timedelta(days=window)))
        previous = window
    return ranges[::-1]


def window_for(days_left: int, windows: Iterable[int]) -> int | None:
    """The window due when `days_left` days are left (None when none is)."""
    covering = [window for window in windows if window >= days_left >= 0]
    return min(covering) if covering else None


def center_today(now: datetime, zone_name: str) -> date:
    """The date it is in the center's time zone at a UTC moment."""
    return local_date(now, zone_name)


def _level_rank(column):
    return case({level: rank for rank, level in enumerate(LEVELS)}, value=column)


def _covers(level_column, topics_column):
    """SQL: a level and topics at least those of the certificate being swept."""
    return and_(_level_rank(level_column) >= _level_rank(Certificate.level),
                topics_column.op("&")(Certificate.topics_mask) == Certificate.topics_mask)


def _reasons(window: int, upcoming_from: datetime) -> list[tuple[str, object]]:
    """(skip reason, SQL condition) in the order a candidate is judged."""
    later = aliased(Certificate, name="later")
    replacement = aliased(Certificate, name="replacement")
    already_sent = exists().where(Notification.certificate_id == Certificate.id,
                                  Notification.kind == KIND, Notification.reminder_window == window)
    replaced = exists().where(replacement.replaces_id == Certificate.id)
    renewed = exists().where(later.holder_id == Certificate.holder_id, later.id != Certificate.id,
                             later.revoked_at.is_(None),
                             later.expires_on > Certificate.expires_on,
                             _covers(later.level, later.topics_mask))
    enrolled = (
        exists()
        .where(Enrollment.learner_id == Certificate.holder_id,
               Enrollment.status.in_(("enrolled", "waitlisted")),
               ClassSession.id == Enrollment.session_id, ClassSession.status == "scheduled",
               ClassSession.starts_at >= upcoming_from, Course.id == ClassSession.course_id,
               Course.family == Certificate.course_family,
               _covers(Course.level, Course.topics_mask))
    )
    return [
        ("already_sent", already_sent),
        ("revoked", Certificate.revoked_at.is_not(None)),
        ("replaced", replaced),
        ("inactive", User.active == false()),
        ("opted_out", User.reminders_opt_out == true()),
        ("renewed", renewed),
        ("enrolled", enrolled),
    ]


def _candidates(statement, first_day: date, last_day: date):
    return (statement.select_from(Certificate)
            .join(User, User.id == Certificate.holder_id)
            .where(Certificate.expires_on >= first_day, Certificate.expires_on <= last_day))


def due_query(today: date, windows: Iterable[int], zone_name: str):
    """The bare due set: (certificate id, window) of every reminder a sweep would write."""
    upcoming_from = day_start_utc(today, zone_name)
    parts = []
    for span in window_ranges(today, windows):
        conditions = [not_(condition) for _, condition in _reasons(span.window, upcoming_from)]
        parts.append(_candidates(select(Certificate.id, literal(span.window)),
                                 span.first_day, span.last_day).where(*conditions))
    return parts[0].union_all(*parts[1:]) if len(parts) > 1 else parts[0]


def _insert(session: Session, rows):
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Notification).from_select(
        ["kind", "event_key", "recipient_id", "recipient_email", "subject_type", "subject_id",
         "certificate_id", "reminder_window", "context", "status", "attempts",
         "next_attempt_at", "created_at"], rows,
    ).on_conflict_do_nothing().returning(Notification.id)


def sweep(session: Session, today: date, windows: Iterable[int], zone_name: str,
          dry_run: bool = False) -> SweepSummary:
    """Queue every due reminder for `today` (a date in the center's zone); commits per window."""
    now = utcnow()
    upcoming_from = day_start_utc(today, zone_name)
    summary = SweepSummary()
    for span in window_ranges(today, windows):
        reasons = _reasons(span.window, upcoming_from)
        reason = case(*[(condition, literal(name)) for name, condition in reasons], else_=None)
        judged = _candidates(select(reason.label("reason")), span.first_day,
                             span.last_day).subquery()
        due = 0
        for name, count in session.execute(select(judged.c.reason, func.count())
                                           .group_by(judged.c.reason)):
            if name is None:
                due = count
            else:
                summary.skipped[name] += count
        if dry_run:
            summary.queued[span.window] = due
            continue
        summary.queued[span.window] = _queue_window(session, span, reasons, now)
    return summary


def _queue_window(session: Session, span: WindowRange, reasons, now: datetime) -> int:
    """INSERT ... SELECT the window's due reminders, a few expiry days per statement."""
    conditions = [not_(condition) for _, condition in reasons]
    event_key = (literal(f"{KIND}:") + cast(Certificate.id, String)
                 + literal(f":{span.window}"))
    inserted: list[int] = []
    day = span.first_day
    while day <= span.last_day:
        last = min(day + timedelta(days=BATCH_DAYS - 1), span.last_day)
        rows = _candidates(select(
            literal(KIND), event_key, Certificate.holder_id, User.email, literal("certificate"),
            Certificate.id, Certificate.id, literal(span.window), literal({}, Notification.context.type),
            literal("pending"), literal(0), literal(now, Notification.next_attempt_at.type),
            literal(now, Notification.created_at.type),
        ), day, last).where(*conditions)
        inserted += session.scalars(_insert(session, rows)).all()
        day = last + timedelta(days=1)
    if len(inserted) <= NUDGE_LIMIT:
        notifications.nudge_after_commit(session, inserted)
    session.commit()
    return len(inserted)


def upcoming_renewals(session: Session, certificate: Certificate, now: datetime,
                      limit: int = 3) -> list[ClassSession]:
    """Open upcoming sessions of an active, non-instructor course of the family that renews it."""
    return list(session.scalars(
        select(ClassSession).join(Course, Course.id == ClassSession.course_id)
        .where(ClassSession.status == "scheduled", ClassSession.starts_at > now,
               ClassSession.enrollment_closes_at > now,
               Course.family == certificate.course_family, Course.active == true(),
               Course.instructor_course == false(),
               _level_rank(Course.level) >= LEVELS.index(certificate.level),
               Course.topics_mask.op("&")(certificate.topics_mask) == certificate.topics_mask)
        .order_by(ClassSession.starts_at, ClassSession.id).limit(limit)
    ).unique())


def mail_context(session: Session, notification: Notification, config: Mapping) -> dict:
    """What a reminder e-mail shows: the certificate, its expiry, and sessions that renew it."""
    certificate = session.get(Certificate, notification.certificate_id)
    now = utcnow()
    today = center_today(now, config["CENTER_TIMEZONE"])
    expiry = certificate.expires_on
    sessions = [
        {"title": class_session.course.title,
         "starts": local_moment(class_session.starts_at, config["CENTER_TIMEZONE"])
         .strftime("%a %b %-d, %Y, %-I:%M %p %Z"),
         "location": class_session.location, "seats_left": class_session.seats_left,
         "url": f"{config['PUBLIC_BASE_URL']}/sessions/{class_session.id}"}
        for class_session in upcoming_renewals(session, certificate, now)
    ]
    return {"certificate": certificate, "days_left": max((expiry - today).days, 0),
            "expires_label": f"{expiry:%A, %B} {expiry.day}, {expiry.year}",
            "renewal_sessions": sessions}


def stale_reason(session: Session, notification: Notification, today: date) -> str | None:
    """Why a queued reminder should no longer go out (checked again just before sending)."""
    certificate = session.get(Certificate, notification.certificate_id)
    holder = notification.recipient
    if certificate is None or certificate.revoked_at is not None:
        return "revoked"
    if certificate.expires_on < today:
        return "expired"
    if holder is not None and (holder.reminders_opt_out or not holder.active):
        return "opted_out"
    return None


def opt_out(session: Session, user_id: int) -> User | None:
    """Turn off renewal reminders for a user (from the one-click link); commits."""
    user = session.get(User, user_id)
    if user is None:
        return None
    if not user.reminders_opt_out:
        user.reminders_opt_out = True
        audit.record(session, None, "reminders_opt_out", "user", user.id, via="unsubscribe_link")
        session.commit()
    return user
