"""`reminders run`: one renewal-reminder sweep now; `reminders classes`: one class sweep."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from app.center import center_today, center_zone
from app.cli.errors import fail
from app.extensions import db
from app.models.base import utcnow
from app.services import reminders

group = AppGroup("reminders", help="Renewal and class reminders.")


@group.command("run")
@click.option("--today", "day", metavar="YYYY-MM-DD",
              help="Sweep as if it were this day (center time); default: today.")
@click.option("--dry-run", is_flag=True, help="Count what would be queued; write nothing.")
def run_sweep(day: str | None, dry_run: bool):
    """One renewal-reminder sweep: queue the due reminders (a running worker sends them)."""
    config = current_app.config
    today = center_today()
    if day is not None:
        try:
            today = date.fromisoformat(day)
        except ValueError:
            fail(f"--today {day!r} is not a date in the form YYYY-MM-DD")
    summary = reminders.sweep(db.session, today, config["REMINDER_WINDOWS"],
                              center_zone(), dry_run=dry_run)
    if dry_run:
        click.echo(f"Dry run for {today}: nothing was written.")
    for line in summary.lines(dry_run):
        click.echo(line)


@group.command("classes")
@click.option("--now", "moment", metavar="ISO-TIME",
              help="Sweep as if it were this moment (with an offset; default: now).")
def run_class_sweep(moment: str | None):
    """One class sweep: reminders, instructor rosters and low-enrollment alerts now due."""
    now = utcnow()
    if moment is not None:
        try:
            now = datetime.fromisoformat(moment)
        except ValueError:
            fail(f"--now {moment!r} is not an ISO time such as 2026-12-01T14:00:00+00:00")
        if now.tzinfo is None:
            fail(f"--now {moment!r} needs an offset, e.g. +00:00")
        now = now.astimezone(UTC)
    queued = reminders.sweep_classes(
        db.session, now, reminders.ClassSweepSettings.from_config(current_app.config),
        center_zone())
    click.echo(f"queued {sum(queued.values())}")
    for kind, count in queued.items():
        click.echo(f"{kind}: {count}")
