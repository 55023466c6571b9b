"""Command-line commands for records: certificate import/export and OSHA records.

Errors are one line each on stderr and exit status 1; progress goes to stderr so that
standard output carries only the exported file.
"""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.models.base import utcnow
from app.services.clock import local_date
from app.services.errors import DomainError
from app.services.records import exporting, importing, osha

certificates_cli = AppGroup("certificates", help="Import and export certificate records.")
records_cli = AppGroup("records", help="Training records for regulators.")


def fail(*messages: str) -> None:
    """Print each message as one line on stderr and exit 1."""
    for message in messages:
        click.echo(message, err=True)
    sys.exit(1)


def center_today() -> date:
    return local_date(utcnow(), current_app.config["CENTER_TIMEZONE"])


def read_file(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.readlines()
    except UnicodeDecodeError:
        fail(f"Error: {path} is not UTF-8 text")
    except OSError as error:
        fail(f"Error: cannot read {path}: {error.strerror}")


@certificates_cli.command("import")
@click.argument("path", metavar="FILE.csv")
@click.option("--dry-run", is_flag=True, help="Check the file and report without writing.")
def import_certificates(path: str, dry_run: bool):
    """Import certificate records from CSV: all or nothing; re-running skips codes present."""
    records, read_errors = importing.read_records(read_file(path))
    with click.progressbar(length=len(records), label="Checking ", file=sys.stderr) as bar:
        plan = importing.check(db.session, records, today=center_today(),
                               read_errors=read_errors, progress=bar.update)
    if plan.errors:
        fail(*(str(error) for error in plan.errors),
             f"{len(plan.errors)} errors; nothing was imported.")
    if dry_run:
        click.echo(f"Dry run: {importing.summary_of(plan, dry_run=True)}.")
        return
    try:
        with click.progressbar(length=len(plan.certificates), label="Importing",
                               file=sys.stderr) as bar:
            summary = importing.apply(db.session, plan, actor=None, now=utcnow(),
                                      training_center=current_app.config["CENTER_NAME"],
                                      source=path, progress=bar.update)
    except DomainError as error:
        fail(f"Error: {error.message}")
    click.echo(f"Done: {summary}.")


@certificates_cli.command("export")
@click.option("--expiring-within", type=click.IntRange(min=0), metavar="DAYS",
              help="Only valid certificates expiring in the next DAYS days.")
def export_certificates(expiring_within: int | None):
    """Write certificate records as CSV to standard output."""
    for piece in exporting.export_csv(db.session, today=center_today(),
                                      expiring_within=expiring_within):
        sys.stdout.write(piece)
    sys.stdout.flush()


@records_cli.command("osha")
@click.option("--session", "session_id", type=int, help="One class session by id.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day, YYYY-MM-DD.")
@click.option("--format", "output_format", type=click.Choice(["csv", "pdf"]), default="csv",
              show_default=True)
def osha_record(session_id: int | None, date_from, date_to, output_format: str):
    """The OSHA bloodborne-pathogens training record (29 CFR 1910.1030(h)(2))."""
    if (session_id is None) == (date_from is None and date_to is None):
        fail("Error: give either --session ID or --from DATE --to DATE")
    if session_id is None and (date_from is None or date_to is None):
        fail("Error: give both --from and --to")
    zone = current_app.config["CENTER_TIMEZONE"]
    try:
        if session_id is not None:
            record = osha.training_records(db.session, zone, session_id=session_id)
        else:
            record = osha.training_records(db.session, zone, date_from=date_from.date(),
                                           date_to=date_to.date())
    except DomainError as error:
        fail(f"Error: {error.message}")
    if output_format == "pdf":
        sys.stdout.buffer.write(osha.as_pdf(record, current_app.config["CENTER_NAME"]))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(osha.as_csv(record))
