"""Renewal reminders (DESIGN.md rule 6), at the service level with a fixed `today`."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import reminders
from app.services.clock import local_date
from tests import factories
from tests.support.concurrency import run_together

TODAY = date(2026, 6, 15)
WINDOWS = (90, 30, 7, 0)
ZONE = "America/New_York"


def sweep(today: date = TODAY, windows=WINDOWS, **options) -> reminders.SweepSummary:
    return reminders.sweep(db.session, today, windows, ZONE, **options)


def expiring(days_left: int, today: date = TODAY, **kwargs):
    return factories.CertificateFactory(expires_on=today + timedelta(days=days_left), **kwargs)


def queued_windows() -> list[tuple[int, int]]:
    return sorted(db.session.execute(select(Notification.certificate_id, Notification.reminder_window)
                                     .where(Notification.kind == "renewal_reminder")).all())


def test_window_ranges_with_the_default_windows():
    spans = {span.window: (span.first_day, span.last_day)
             for span in reminders.window_ranges(TODAY, WINDOWS)}
    day = lambda n: TODAY + timedelta(days=n)  # noqa: E731
    assert spans == {90: (day(31), day(90)), 30: (day(8), day(30)), 7: (day(1), day(7)),
                     0: (day(0), day(0))}


def test_sweep_queues_the_window_whose_range_holds_today(app):
    certificates = {days: expiring(days) for days in (0, 1, 7, 8, 30, 31, 90, 91)}

    summary = sweep()

    assert summary.queued == {90: 2, 30: 2, 7: 2, 0: 1}
    assert queued_windows() == sorted([
        (certificates[0].id, 0), (certificates[1].id, 7), (certificates[7].id, 7),
        (certificates[8].id, 30), (certificates[30].id, 30), (certificates[31].id, 90),
        (certificates[90].id, 90),
    ])
    reminder = db.session.scalar(select(Notification).where(
        Notification.certificate_id == certificates[0].id))
    assert reminder.status == "pending" and reminder.recipient_id == certificates[0].holder_id
    assert reminder.recipient_email == certificates[0].holder.email
    assert reminder.event_key == f"renewal_reminder:{certificates[0].id}:0"
    assert summary.lines() == ["window 90: queued 2", "window 30: queued 2", "window 7: queued 2",
                               "window 0: queued 1"]


def test_a_second_sweep_queues_nothing_and_says_why(app):
    expiring(5)
    expiring(45)
    sweep()

    again = sweep()

    assert again.queued == {90: 0, 30: 0, 7: 0, 0: 0}
    assert again.skipped["already_sent"] == 2
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2


def test_after_an_outage_only_the_current_window_goes_out(app):
    certificate = expiring(3)  # the 90- and 30-day windows were missed while nothing ran

    sweep()

    assert queued_windows() == [(certificate.id, 7)]


def test_a_certificate_that_expired_before_today_gets_nothing(app):
    expiring(-1)
    expiring(-400)  # an imported archive never triggers a flood

    assert sweep().queued == {90: 0, 30: 0, 7: 0, 0: 0}
    assert queued_windows() == []


def test_each_window_goes_out_once_as_the_days_pass(app):
    certificate = expiring(40)
    for offset in [*range(0, 40, 3), 40]:  # several sweeps inside each window
        sweep(TODAY + timedelta(days=offset))
    assert [window for _, window in queued_windows()] == [0, 7, 30, 90]
    assert {cid for cid, _ in queued_windows()} == {certificate.id}


def test_revoked_and_replaced_certificates_get_no_reminder(app):
    expiring(10, revoked_at=utcnow(), revoked_reason="issued in error")
    original = expiring(12)
    factories.CertificateFactory(replaces=original, holder=original.holder,
                                 expires_on=original.expires_on, revoked_at=utcnow())

    summary = sweep()

    assert queued_windows() == []
    assert summary.skipped["revoked"] == 2 and summary.skipped["replaced"] == 1


def test_holders_who_opted_out_or_are_deactivated_get_no_reminder(app):
    expiring(10, holder=factories.learner(reminders_opt_out=True))
    expiring(10, holder=factories.learner(active=False))

    summary = sweep()

    assert queued_windows() == []
    assert (summary.skipped["opted_out"], summary.skipped["inactive"]) == (1, 1)
    assert summary.lines()[-2:] == ["skipped inactive: 1", "skipped opted_out: 1"]


def test_a_holder_who_already_renewed_gets_no_reminder(app):
    holder = factories.learner()
    course = factories.CourseFactory(level="lay_rescuer", topics_mask=0b1001)  # adult CPR, AED
    expiring(10, holder=holder, course=course)
    factories.CertificateFactory(holder=holder, course=factories.CourseFactory(
        level="healthcare_provider", topics_mask=0b1111), expires_on=TODAY + timedelta(days=700))

    summary = sweep()

    assert queued_windows() == [] and summary.skipped["renewed"] == 1


@pytest.mark.parametrize("later", [
    {"level": "lay_rescuer", "topics_mask": 0b1111},  # lower level
    {"level": "healthcare_provider", "topics_mask": 0b0111},  # misses AED
    {"level": "healthcare_provider", "topics_mask": 0b1111, "revoked": True},
    {"level": "healthcare_provider", "topics_mask": 0b1111, "sooner": True},
])
def test_a_later_certificate_that_does_not_cover_this_one_does_not_count_as_renewal(app, later):
    holder = factories.learner()
    certificate = expiring(10, holder=holder, course=factories.CourseFactory(
        level="healthcare_provider", topics_mask=0b1111))
    factories.CertificateFactory(
        holder=holder,
        course=factories.CourseFactory(level=later["level"], topics_mask=later["topics_mask"]),
        expires_on=TODAY + timedelta(days=5 if later.get("sooner") else 700),
        revoked_at=utcnow() if later.get("revoked") else None)

    sweep()

    assert (certificate.id, 30) in queued_windows()


def enrolled_in(holder, *, family="bls", level="healthcare_provider", topics_mask=0b1111,
                status="enrolled", session_status="scheduled", starts_in=timedelta(days=20)):
    course = factories.CourseFactory(family=family, level=level, topics_mask=topics_mask,
                                     renewal=True)
    starts_at = datetime(2026, 6, 15, 16, tzinfo=UTC) + starts_in
    class_session = factories.ClassSessionFactory(course=course, starts_at=starts_at,
                                                  status=session_status)
    factories.EnrollmentFactory(learner=holder, session=class_session, status=status)


def test_a_holder_enrolled_in_an_upcoming_renewal_gets_no_reminder(app):
    holder = factories.learner()
    expiring(10, holder=holder, course=factories.CourseFactory(family="bls"))
    enrolled_in(holder, status="waitlisted")

    summary = sweep()

    assert queued_windows() == [] and summary.skipped["enrolled"] == 1


@pytest.mark.parametrize("enrollment", [
    {"family": "heartsaver_cpr"},
    {"level": "lay_rescuer"},
    {"topics_mask": 0b0011},
    {"status": "cancelled"},
    {"session_status": "cancelled"},
    {"starts_in": timedelta(days=-3)},
])
def test_an_enrollment_that_would_not_renew_it_does_not_stop_the_reminder(app, enrollment):
    holder = factories.learner()
    certificate = expiring(10, holder=holder, course=factories.CourseFactory(family="bls"))
    enrolled_in(holder, **enrollment)

    sweep()

    assert queued_windows() == [(certificate.id, 30)]


def test_dry_run_counts_without_writing(app):
    expiring(10)
    expiring(10, holder=factories.learner(reminders_opt_out=True))

    summary = sweep(dry_run=True)

    assert summary.queued[30] == 1 and summary.skipped["opted_out"] == 1
    assert summary.lines(dry_run=True)[1] == "window 30: would queue 1"
    assert queued_windows() == []


def test_configured_windows_without_zero_cover_the_expiry_day_with_the_smallest(app):
    certificate = expiring(0)
    assert sweep(windows=(60, 14)).queued == {60: 0, 14: 1}
    assert queued_windows() == [(certificate.id, 14)]


@pytest.mark.parametrize("moment, center_day", [
    (datetime(2026, 3, 10, 3, 59, tzinfo=UTC), date(2026, 3, 9)),  # 23:59 EDT
    (datetime(2026, 3, 10, 4, 0, tzinfo=UTC), date(2026, 3, 10)),  # midnight EDT
    (datetime(2026, 1, 10, 4, 59, tzinfo=UTC), date(2026, 1, 9)),  # 23:59 EST
    (datetime(2026, 1, 10, 5, 0, tzinfo=UTC), date(2026, 1, 10)),
])
def test_days_are_counted_in_the_center_time_zone(moment, center_day):
    assert local_date(moment, ZONE) == center_day


def test_just_before_midnight_in_the_center_the_expiry_day_is_still_today(app):
    certificate = factories.CertificateFactory(expires_on=date(2026, 3, 9))
    late_evening = local_date(datetime(2026, 3, 10, 3, 30, tzinfo=UTC), ZONE)
    sweep(late_evening)
    assert queued_windows() == [(certificate.id, 0)]


@pytest.mark.parametrize("today, expires, window", [
    (date(2028, 2, 28), date(2028, 2, 29), 7),   # one day left across the leap day
    (date(2028, 2, 29), date(2028, 2, 29), 0),
    (date(2028, 2, 29), date(2028, 3, 1), 7),
    (date(2028, 1, 30), date(2028, 2, 29), 30),  # exactly 30 days in a leap February
    (date(2028, 1, 29), date(2028, 2, 29), 90),
])
def test_leap_days_count_as_days(app, today, expires, window):
    certificate = factories.CertificateFactory(expires_on=expires)
    sweep(today)
    assert queued_windows() == [(certificate.id, window)]


def test_two_sweeps_at_once_write_each_reminder_once(any_db_app):
    for days in (0, 3, 10, 20, 45, 80):
        for _ in range(3):
            expiring(days)
    engine = db.engine
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run_sweep():
        with Session(engine) as session:
            start.wait()
            try:
                reminders.sweep(session, TODAY, WINDOWS, ZONE)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

    run_together(run_sweep, 2)

    assert errors == []
    rows = queued_windows()
    assert len(rows) == 18 and len(set(rows)) == 18


def test_unsubscribing_turns_reminders_off_and_is_audited(app):
    holder = factories.learner()
    assert reminders.opt_out(db.session, holder.id).reminders_opt_out is True
    assert reminders.opt_out(db.session, 999_999) is None

