"""`certificates import` and `certificates export`: legacy records in and records out as CSV.

Progress goes to stderr so that standard output carries only the exported file."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.center import center_name, center_today
from app.cli.errors import fail
from app.extensions import db
from app.models.base import utcnow
from app.services.errors import DomainError
from app.services.records import exporting, importing

group = AppGroup("certificates", help="Import and export certificate records.")


def read_lines(path: str) -> list[str]:
    """The file's lines, or a user error when it is missing or not UTF-8 text."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.readlines()
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text")
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")


@group.command("import")
@click.argument("path", metavar="FILE.csv")
@click.option("--dry-run", is_flag=True, help="Check the file and report without writing.")
def import_certificates(path: str, dry_run: bool):
    """Import certificate records from CSV: all or nothing; re-running skips codes present."""
    records, read_errors = importing.read_records(read_lines(path))
    with click.progressbar(length=len(records), label="Checking ", file=sys.stderr) as bar:
        plan = importing.check(db.session, records, today=center_today(),
                               read_errors=read_errors, progress=bar.update)
    if plan.errors:
        fail(f"{len(plan.errors)} errors; nothing was imported.",
             errors=[str(error) for error in plan.errors])
    if dry_run:
        click.echo(f"Dry run: {importing.summary_of(plan, dry_run=True)}.")
        return
    try:
        with click.progressbar(length=len(plan.certificates), label="Importing",
                               file=sys.stderr) as bar:
            summary = importing.apply(db.session, plan, actor=None, now=utcnow(),
                                      training_center=center_name(),
                                      source=path, progress=bar.update)
    except DomainError as error:
        fail(error.message)
    click.echo(f"Done: {summary}.")


@group.command("export")
@click.option("--expiring-within", type=click.IntRange(min=0), metavar="DAYS",
              help="Only valid certificates expiring in the next DAYS days.")
def export_certificates(expiring_within: int | None):
    """Write certificate records as CSV to standard output."""
    for piece in exporting.export_csv(db.session, today=center_today(),
                                      expiring_within=expiring_within):
        sys.stdout.write(piece)
    sys.stdout.flush()
