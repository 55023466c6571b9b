"""`flask reminders run`: one sweep, summarised one line per window and per skip reason."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests import factories

TODAY = date(2026, 6, 15)


def expiring(days_left: int, **kwargs):
    return factories.CertificateFactory(expires_on=TODAY + timedelta(days=days_left), **kwargs)


def queued_windows() -> list[tuple[int, int]]:
    return sorted(db.session.execute(select(Notification.certificate_id,
                                            Notification.reminder_window)).all())


def test_the_cli_prints_one_line_per_window_and_per_skip_reason(app):
    expiring(10)
    expiring(10, holder=factories.learner(reminders_opt_out=True))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])
    again = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat()])

    assert result.exit_code == 0
    assert result.output.splitlines() == ["window 90: queued 0", "window 30: queued 1",
                                          "window 7: queued 0", "window 0: queued 0",
                                          "skipped opted_out: 1"]
    assert "window 30: queued 0" in again.output and "skipped already_sent: 1" in again.output


def test_the_cli_dry_run_writes_nothing_and_a_bad_date_is_one_line(app):
    expiring(10)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["reminders", "run", "--today", TODAY.isoformat(), "--dry-run"])
    bad = runner.invoke(args=["reminders", "run", "--today", "2026-02-30"])

    assert dry.exit_code == 0 and "window 30: would queue 1" in dry.output
    assert queued_windows() == []
    assert bad.exit_code == 1
    assert bad.output.strip() == "Error: --today '2026-02-30' is not a date in the form YYYY-MM-DD"
