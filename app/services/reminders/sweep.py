"""Renewal reminders (DESIGN.md rule 6): which certificates get which window's reminder, once.

A sweep works one window at a time over the certificates expiring inside that window's range
of days, in slices of a few expiry days, with set-based SQL: each slice judges its candidates
(due, or the first skip reason) and INSERT ... SELECTs the due reminders, ignoring conflicts on
the unique (certificate, kind, window) constraint — on PostgreSQL in one statement (a
materialised CTE feeding the insert and the skip counts), on SQLite in two. Nothing is read
first and written later, so two sweeps at once (or one run twice) never write a window twice,
and no certificate is ever loaded into Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    String,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    select,
    text,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.database import one_transaction
from app.models import Certificate, ClassSession, Course, Enrollment, Notification, User
from app.models.base import utcnow
from app.services import audit, notifications
from app.services.catalog.requirements import covers_sql
from app.services.clock import day_start_utc

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


def _covers(level_column, topics_column):
    """SQL: a level and topics at least those of the certificate being swept."""
    return covers_sql(level_column, topics_column, Certificate.level, Certificate.topics_mask)


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


INSERT_COLUMNS = ["kind", "event_key", "recipient_id", "recipient_email", "subject_type",
                  "subject_id", "certificate_id", "reminder_window", "context", "status",
                  "attempts", "next_attempt_at", "created_at"]


def _reason(reasons):
    """SQL: the first skip reason that holds for a candidate, NULL when it is due."""
    return case(*[(condition, literal(name)) for name, condition in reasons], else_=None)


def _reminder_row(certificate_id, holder_id, email, window: int, now: datetime):
    """SELECT of one outbox row (INSERT_COLUMNS) built from a candidate's columns."""
    return select(
        literal(KIND), literal(f"{KIND}:") + cast(certificate_id, String) + literal(f":{window}"),
        holder_id, email, literal("certificate"), certificate_id, certificate_id, literal(window),
        literal({}, Notification.context.type), literal("pending"), literal(0),
        literal(now, Notification.next_attempt_at.type), literal(now, Notification.created_at.type),
    )


def _count_reasons(session: Session, first_day: date, last_day: date, reasons) -> Counter:
    """Candidates by skip reason; the key None counts the due ones."""
    judged = _candidates(select(_reason(reasons).label("reason")), first_day, last_day).subquery()
    return Counter(dict(session.execute(select(judged.c.reason, func.count())
                                        .group_by(judged.c.reason)).all()))


def _queue_batch_sqlite(session: Session, window: int, first_day: date, last_day: date,
                        reasons, now: datetime) -> tuple[Counter, list[int]]:
    """Count the skips, then INSERT ... SELECT the due rows, ignoring conflicts."""
    skipped = _count_reasons(session, first_day, last_day, reasons)
    skipped.pop(None, None)
    rows = _candidates(_reminder_row(Certificate.id, Certificate.holder_id, User.email, window, now),
                       first_day, last_day).where(*[not_(condition) for _, condition in reasons])
    insert = sqlite.insert(Notification).from_select(INSERT_COLUMNS, rows)
    return skipped, list(session.scalars(insert.on_conflict_do_nothing().returning(Notification.id)))


def _queue_batch_postgresql(session: Session, window: int, first_day: date, last_day: date,
                            reasons, now: datetime) -> tuple[Counter, list[int]]:
    """One statement: judge the candidates once, insert the due ones, count the skipped ones."""
    judged = _candidates(select(Certificate.id.label("certificate_id"), Certificate.holder_id,
                                User.email, _reason(reasons).label("reason")),
                         first_day, last_day).cte("judged").prefix_with("MATERIALIZED")
    rows = _reminder_row(judged.c.certificate_id, judged.c.holder_id, judged.c.email, window,
                         now).where(judged.c.reason.is_(None))
    inserted = (postgresql.insert(Notification).from_select(INSERT_COLUMNS, rows)
                .on_conflict_do_nothing().returning(Notification.id).cte("inserted"))
    skipped = (select(judged.c.reason, func.count().label("candidates"))
               .where(judged.c.reason.is_not(None)).group_by(judged.c.reason).subquery())
    by_reason, ids = session.execute(select(
        select(func.json_object_agg(skipped.c.reason, skipped.c.candidates)).scalar_subquery(),
        select(func.array_agg(inserted.c.id)).scalar_subquery(),
    )).one()
    return Counter(by_reason or {}), list(ids or [])


def _batches(span: WindowRange):
    """The window's range cut into slices of at most BATCH_DAYS expiry days."""
    day = span.first_day
    while day <= span.last_day:
        last = min(day + timedelta(days=BATCH_DAYS - 1), span.last_day)
        yield day, last
        day = last + timedelta(days=1)


def sweep(session: Session, today: date, windows: Iterable[int], zone_name: str,
          dry_run: bool = False) -> SweepSummary:
    """Queue every due reminder for `today` (a date in the center's zone); commits per window."""
    now = utcnow()
    upcoming_from = day_start_utc(today, zone_name)
    postgres = session.get_bind().dialect.name == "postgresql"
    queue_batch = _queue_batch_postgresql if postgres else _queue_batch_sqlite
    summary = SweepSummary()
    for span in window_ranges(today, windows):
        if postgres:
            # The per-candidate subplans make the planner's estimate big enough to trigger JIT
            # compilation, which costs more than running these queries.
            session.execute(text("SET LOCAL jit = off"))
        reasons = _reasons(span.window, upcoming_from)
        queued: list[int] = []
        for first_day, last_day in _batches(span):
            if dry_run:
                counts = _count_reasons(session, first_day, last_day, reasons)
                queued += [0] * counts.pop(None, 0)
                summary.skipped.update(counts)
                continue
            skipped, ids = queue_batch(session, span.window, first_day, last_day, reasons, now)
            summary.skipped.update(skipped)
            queued += ids
        summary.queued[span.window] = len(queued)
        if dry_run:
            session.rollback()
            continue
        if len(queued) <= NUDGE_LIMIT:
            notifications.nudge_after_commit(session, queued)
        session.commit()
    return summary


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


@one_transaction
def opt_out(session: Session, user_id: int) -> User | None:
    """Turn off renewal reminders for a user (from the one-click link); commits."""
    user = session.get(User, user_id)
    if user is None:
        return None
    if not user.reminders_opt_out:
        user.reminders_opt_out = True
        audit.record(session, None, "reminders_opt_out", "user", user.id, via="unsubscribe_link")
    return user
