"""Reports for the training center, each one aggregate SQL query: enrollments and fill rate,
pass and no-show rates, certificates coming up for expiry, and the renewal rate.

Months are calendar months in the center's time zone: their UTC boundaries are worked out
here and the query buckets sessions with a CASE over them, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from app.models import Certificate, ClassSession, Course, Enrollment
from app.models.vocab import SEAT_HOLDING_STATUSES
from app.services.clock import day_start_utc
from app.services.records.csv_cells import csv_text

EXPIRY_WINDOWS = (30, 60, 90)


@dataclass(frozen=True)
class Report:
    """A table of figures: its name (for the CSV file), title, column names and rows."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple]


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s month, inclusive."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def rate(part: int, whole: int) -> float | None:
    """A percentage rounded to one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _month_bucket(months: list[date], zone: str):
    """A CASE giving 'YYYY-MM' of a session's start in the center's time zone."""
    ends = [*months[1:], (months[-1] + timedelta(days=32)).replace(day=1)]
    whens = [(ClassSession.starts_at < day_start_utc(end, zone), literal(month.strftime("%Y-%m")))
             for month, end in zip(months, ends, strict=True)]
    return case(*whens).label("month"), day_start_utc(months[0], zone), day_start_utc(ends[-1], zone)


def enrollments_by_month(session: Session, zone: str, first: date, last: date) -> Report:
    """Per course and month: sessions held, seats offered, enrollments, fill rate (%)."""
    month, period_start, period_end = _month_bucket(month_starts(first, last), zone)
    seats = (select(Enrollment.session_id, func.count().label("taken"))
             .where(Enrollment.status.in_(SEAT_HOLDING_STATUSES))
             .group_by(Enrollment.session_id).subquery())
    query = (
        select(month, Course.code, func.count(ClassSession.id), func.sum(ClassSession.capacity),
               func.coalesce(func.sum(seats.c.taken), 0))
        .join(Course, Course.id == ClassSession.course_id)
        .outerjoin(seats, seats.c.session_id == ClassSession.id)
        .where(ClassSession.status != "cancelled", ClassSession.starts_at >= period_start,
               ClassSession.starts_at < period_end)
        .group_by(month, Course.code).order_by(month, Course.code)
    )
    # PostgreSQL sums a count as NUMERIC; the figures are whole numbers.
    rows = [(m, code, n, int(capacity), int(taken), rate(int(taken), int(capacity)))
            for m, code, n, capacity, taken in session.execute(query)]
    return Report("enrollments", "Enrollments and fill rate per course per month",
                  ("month", "course_code", "sessions", "seats", "enrollments", "fill_rate_percent"),
                  rows)


def outcomes_by_course(session: Session, zone: str, first: date, last: date) -> Report:
    """Per course, over sessions starting in the period: pass rate and no-show rate (%)."""
    counts = [func.sum(case((Enrollment.status == status, 1), else_=0))
              for status in ("passed", "failed", "no_show")]
    query = (
        select(Course.code, *counts)
        .join(ClassSession, ClassSession.id == Enrollment.session_id)
        .join(Course, Course.id == ClassSession.course_id)
        .where(Enrollment.status.in_(("passed", "failed", "no_show")),
               ClassSession.starts_at >= day_start_utc(first, zone),
               ClassSession.starts_at < day_start_utc(last + timedelta(days=1), zone))
        .group_by(Course.code).order_by(Course.code)
    )
    rows = [(code, passed, failed, no_show, rate(passed, passed + failed),
             rate(no_show, passed + failed + no_show))
            for code, passed, failed, no_show in session.execute(query)]
    return Report("outcomes", "Pass rate and no-show rate per course",
                  ("course_code", "passed", "failed", "no_show", "pass_rate_percent",
                   "no_show_rate_percent"), rows)


def expiring(session: Session, today: date) -> Report:
    """How many unrevoked certificates expire within 30, 60 and 90 days from today (inclusive)."""
    counts = [func.sum(case((Certificate.expires_on <= today + timedelta(days=days), 1), else_=0))
              for days in EXPIRY_WINDOWS]
    query = select(*counts).where(
        Certificate.revoked_at.is_(None), Certificate.expires_on >= today,
        Certificate.expires_on <= today + timedelta(days=max(EXPIRY_WINDOWS)),
    )
    figures = session.execute(query).one()
    rows = [(days, figure or 0) for days, figure in zip(EXPIRY_WINDOWS, figures, strict=True)]
    return Report("expiring", "Certificates expiring soon", ("within_days", "certificates"), rows)


def renewal_rate(session: Session, first: date, today: date) -> Report:
    """Per course family: certificates that reached expiry between `first` and yesterday, and
    how many of their holders had renewed before it (a later certificate of the same family,
    issued on or before the expiry date)."""
    later = aliased(Certificate)
    renewed = exists().where(
        later.holder_id == Certificate.holder_id, later.course_family == Certificate.course_family,
        later.revoked_at.is_(None), later.issued_on > Certificate.issued_on,
        later.issued_on <= Certificate.expires_on, later.id != Certificate.id,
    )
    query = (
        select(Certificate.course_family, func.count(),
               func.sum(case((renewed, 1), else_=0)))
        .where(and_(Certificate.revoked_at.is_(None), Certificate.expires_on >= first,
                    Certificate.expires_on < today))
        .group_by(Certificate.course_family).order_by(Certificate.course_family)
    )
    rows = [(family, total, renewals, rate(renewals, total))
            for family, total, renewals in session.execute(query)]
    return Report("renewals", "Renewal rate: holders who renewed before expiry",
                  ("course_family", "reached_expiry", "renewed_before_expiry",
                   "renewal_rate_percent"), rows)


def all_reports(session: Session, zone: str, first: date, last: date, today: date) -> list[Report]:
    """Every report over whole months, from `first`'s month to `last`'s month."""
    first = first.replace(day=1)
    last = (last.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [enrollments_by_month(session, zone, first, last),
            outcomes_by_course(session, zone, first, last),
            expiring(session, today),
            renewal_rate(session, first, today)]


def monthly_totals(report: Report) -> list[tuple[str, int, int, float | None]]:
    """Month, enrollments, seats and fill rate summed over the courses of the enrollments report."""
    totals: dict[str, list[int]] = {}
    for month, _code, _sessions, seats, enrollments, _rate in report.rows:
        figures = totals.setdefault(month, [0, 0])
        figures[0] += enrollments
        figures[1] += seats
    return [(month, taken, seats, rate(taken, seats)) for month, (taken, seats) in totals.items()]


def as_csv(report: Report) -> str:
    """The report as CSV with a header row; missing rates are empty cells."""
    return csv_text(report.columns, report.rows)
