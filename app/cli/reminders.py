"""`reminders run`: one renewal-reminder sweep now."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.center import center_today, center_zone
from app.cli.errors import fail
from app.extensions import db
from app.services import reminders

group = AppGroup("reminders", help="Renewal reminders.")


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
