"""`demo seed`: demo accounts, sessions and certificates (never in production)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app import demo
from app.center import center_name, center_zone
from app.cli.errors import fail
from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from app.models.base import utcnow
from app.services import accounts, catalog
from app.services.catalog.standard import STANDARD_COURSES
from app.services.errors import DomainError

group = AppGroup("demo", help="Demo data (never in production).")


@group.command("seed")
@click.option("--if-new-database", is_flag=True,
              help="Seed only when the database holds no accounts yet (what `make run` uses).")
def seed_demo(if_new_database: bool):
    """Demo users, sessions and certificates (idempotent)."""
    if current_app.config["ENV_NAME"] == "production":
        fail("demo data is never seeded in production")
    if if_new_database and accounts.any_accounts(db.session):
        click.echo("The database already holds accounts; demo data not seeded.")
        return
    if not catalog.list_courses(db.session, active_only=False):
        created, _ = catalog.load_catalog(db.session, STANDARD_COURSES)
        click.echo(f"Catalog was empty: loaded {created} standard courses.")
    try:
        seeded = demo.seed(db.session, utcnow(), center_name(), center_zone(),
                           keycodes_low=current_app.config["KEYCODES_LOW"])
    except DomainError as error:
        fail(error.message)
    if not seeded:
        click.echo("Demo data already present; nothing changed.")
        return
    click.echo(f"Demo data seeded. Every demo account's password is {DEMO_PASSWORD}.")
