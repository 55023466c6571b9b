"""Report figures checked against small hand-counted fixtures, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.extensions import db
from app.services.records import reports
from tests import factories

ZONE = "America/New_York"
TODAY = date(2026, 11, 23)


def session_with(course, starts_at, capacity, statuses, status="completed"):
    class_session = factories.ClassSessionFactory(course=course, starts_at=starts_at,
                                                  capacity=capacity, status=status)
    for enrollment_status in statuses:
        factories.EnrollmentFactory(session=class_session, status=enrollment_status)
    return class_session


def sessions_fixture():
    """Hand count, September to November 2026, New York time:
    BLS 2026-09 (03:30 UTC on Oct 1 is Sep 30 in New York): capacity 10, seats 3 passed,
      1 failed, 1 no-show = 5 (the cancelled and the waitlisted hold none) → fill 50.0%
    BLS 2026-10: capacity 8, 2 passed, 2 enrolled → 4 → fill 50.0%
    HS  2026-10: capacity 12, 6 passed, 2 no-shows → 8 → fill 66.7%; a cancelled HS session
      and a December BLS session are left out.
    Outcomes: BLS 5 passed, 1 failed, 1 no-show → pass 5/6 = 83.3%, no-show 1/7 = 14.3%;
      HS 6 passed, 0 failed, 2 no-shows → pass 100.0%, no-show 2/8 = 25.0%.
    """
    bls = factories.CourseFactory(code="BLS")
    hs = factories.CourseFactory(code="HS", level="lay_rescuer")
    session_with(bls, datetime(2026, 10, 1, 3, 30, tzinfo=UTC), 10,
                 ["passed"] * 3 + ["failed", "no_show", "cancelled", "waitlisted"])
    session_with(bls, datetime(2026, 10, 15, 14, 0, tzinfo=UTC), 8, ["passed"] * 2 + ["enrolled"] * 2)
    session_with(hs, datetime(2026, 10, 20, 14, 0, tzinfo=UTC), 12, ["passed"] * 6 + ["no_show"] * 2)
    session_with(hs, datetime(2026, 10, 22, 14, 0, tzinfo=UTC), 12, ["cancelled"], status="cancelled")
    session_with(bls, datetime(2026, 12, 3, 14, 0, tzinfo=UTC), 10, ["enrolled"], status="scheduled")


def test_enrollments_and_fill_rate_per_course_per_month(any_db_app):
    sessions_fixture()
    report = reports.enrollments_by_month(db.session, ZONE, date(2026, 9, 1), date(2026, 11, 30))
    assert report.rows == [
        ("2026-09", "BLS", 1, 10, 5, 50.0),
        ("2026-10", "BLS", 1, 8, 4, 50.0),
        ("2026-10", "HS", 1, 12, 8, 66.7),
    ]
    assert reports.monthly_totals(report) == [("2026-09", 5, 10, 50.0), ("2026-10", 12, 20, 60.0)]


def test_pass_rate_and_no_show_rate_per_course(any_db_app):
    sessions_fixture()
    report = reports.outcomes_by_course(db.session, ZONE, date(2026, 9, 1), date(2026, 11, 30))
    assert report.rows == [("BLS", 5, 1, 1, 83.3, 14.3), ("HS", 6, 0, 2, 100.0, 25.0)]


def test_certificates_expiring_within_30_60_and_90_days(any_db_app):
    """Today 2026-11-23: expiring today and on day 30 → 30-day window; day 31 → 60; day 90 → 90;
    day 91, yesterday and a revoked one are never counted. Cumulative: 2, 3, 4."""
    course = factories.CourseFactory()
    for expiry in (date(2026, 11, 23), date(2026, 12, 23), date(2026, 12, 24), date(2027, 2, 21),
                   date(2027, 2, 22), date(2026, 11, 22)):
        factories.CertificateFactory(course=course, issued_on=date(2025, 1, 1), expires_on=expiry)
    factories.CertificateFactory(course=course, issued_on=date(2025, 1, 1), expires_on=date(2026, 12, 1),
                                 revoked_at=datetime(2026, 1, 1, tzinfo=UTC), revoked_reason="x")
    assert reports.expiring(db.session, TODAY).rows == [(30, 2), (60, 3), (90, 4)]


def test_renewal_rate_counts_holders_who_renewed_by_the_expiry_date(any_db_app):
    """bls reached expiry 4 times (renewed in time, renewed late, never renewed, renewed only in
    another family) → 1 of 4 = 25.0%; bloodborne pathogens renewed on its expiry day → 100.0%.
    Not yet expired and revoked certificates are left out."""
    bls = factories.CourseFactory(code="BLS", family="bls")
    bbp = factories.CourseFactory(code="BBP", family="bloodborne_pathogens")

    def certificate(holder, course, issued, expires, **extra):
        factories.CertificateFactory(holder=holder, course=course, issued_on=issued,
                                     expires_on=expires, **extra)

    on_time, late, never, other_family, not_yet, revoked = (factories.learner() for _ in range(6))
    certificate(on_time, bls, date(2024, 10, 1), date(2026, 10, 31))
    certificate(on_time, bls, date(2026, 10, 15), date(2028, 10, 31))
    certificate(late, bls, date(2024, 9, 1), date(2026, 9, 30))
    certificate(late, bls, date(2026, 10, 10), date(2028, 10, 31))
    certificate(never, bls, date(2024, 11, 1), date(2026, 11, 10))
    certificate(other_family, bls, date(2024, 10, 20), date(2026, 10, 20))
    certificate(other_family, bbp, date(2025, 10, 20), date(2026, 10, 20))
    certificate(other_family, bbp, date(2026, 10, 20), date(2027, 10, 20))
    certificate(not_yet, bls, date(2024, 11, 1), date(2026, 11, 30))
    certificate(revoked, bls, date(2024, 10, 1), date(2026, 10, 1),
                revoked_at=datetime(2025, 1, 1, tzinfo=UTC), revoked_reason="x")
    report = reports.renewal_rate(db.session, date(2025, 12, 1), TODAY)
    assert report.rows == [("bloodborne_pathogens", 1, 1, 100.0), ("bls", 4, 1, 25.0)]


def test_reports_download_as_csv_with_empty_cells_for_missing_rates():
    report = reports.Report("outcomes", "t", ("course_code", "pass_rate_percent"),
                            [("BLS", None), ("HS", 83.3)])
    assert reports.as_csv(report) == "course_code,pass_rate_percent\nBLS,\nHS,83.3\n"
