"""`catalog load`: the standard course catalog."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES

group = AppGroup("catalog", help="The course catalog.")


@group.command("load")
def load_catalog():
    """Load or update the standard course catalog (idempotent)."""
    created, updated = catalog.load_catalog(db.session, STANDARD_COURSES)
    click.echo(f"Catalog loaded: {created} created, {updated} updated.")
