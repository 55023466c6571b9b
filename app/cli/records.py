"""`records osha`: the OSHA bloodborne-pathogens training record, as CSV or PDF on stdout."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.center import center_name, center_zone
from app.cli.errors import fail
from app.extensions import db
from app.services.errors import DomainError
from app.services.records import osha

group = AppGroup("records", help="Training records for regulators.")


@group.command("osha")
@click.option("--session", "session_id", type=int, help="One class session by id.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day, YYYY-MM-DD.")
@click.option("--format", "output_format", type=click.Choice(["csv", "pdf"]), default="csv",
              show_default=True)
def osha_record(session_id: int | None, date_from, date_to, output_format: str):
    """The OSHA bloodborne-pathogens training record (29 CFR 1910.1030(h)(2))."""
    if (session_id is None) == (date_from is None and date_to is None):
        fail("give either --session ID or --from DATE --to DATE")
    if session_id is None and (date_from is None or date_to is None):
        fail("give both --from and --to")
    try:
        record = osha.training_records(
            db.session, center_zone(), session_id=session_id,
            date_from=date_from.date() if date_from else None,
            date_to=date_to.date() if date_to else None)
    except DomainError as error:
        fail(error.message)
    if output_format == "pdf":
        sys.stdout.buffer.write(osha.as_pdf(record, center_name()))
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(osha.as_csv(record))
