"""Command-line commands (flask --app wsgi ...). Errors are one line and exit status 1."""

from __future__ import annotations

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app import demo
from app.demo.data import DEMO_PASSWORD
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.vocab import ROLES
from app.services import accounts, catalog
from app.services.catalog.standard import STANDARD_COURSES
from app.services.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")
catalog_cli = AppGroup("catalog", help="The course catalog.")
demo_cli = AppGroup("demo", help="Demo data (never in production).")


def fail(message: str) -> None:
    """Print one line to stderr and exit 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="one of: " + ", ".join(ROLES))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, full_name: str, roles: tuple[str, ...], password_stdin: bool):
    """Create a user; the password is one line read from standard input."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        fail(f"unknown role {', '.join(unknown)}; choose from {', '.join(ROLES)}")
    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        # test_environment admits the reserved .test domain (demo and example accounts).
        normalised = validate_email(email, check_deliverability=False, test_environment=True).normalized
        user = accounts.create_user(db.session, email=normalised, full_name=full_name,
                                    password=password, roles=roles)
    except EmailNotValidError as error:
        fail(f"{email}: {error}")
    except DomainError as error:
        fail(error.message)
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.roles))}.")


@catalog_cli.command("load")
def load_catalog():
    """Load or update the standard course catalog (idempotent)."""
    created, updated = catalog.load_catalog(db.session, STANDARD_COURSES)
    click.echo(f"Catalog loaded: {created} created, {updated} updated.")


@demo_cli.command("seed")
@click.option("--if-new-database", is_flag=True,
              help="Seed only when the database holds no accounts yet (what `make run` uses).")
def seed_demo(if_new_database: bool):
    """Demo users, sessions and certificates (idempotent)."""
    if current_app.config["ENV_NAME"] == "production":
        fail("demo data is never seeded in production")
    if if_new_database and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already holds accounts; demo data not seeded.")
        return
    if not catalog.list_courses(db.session, active_only=False):
        created, _ = catalog.load_catalog(db.session, STANDARD_COURSES)
        click.echo(f"Catalog was empty: loaded {created} standard courses.")
    try:
        seeded = demo.seed(db.session, utcnow(), current_app.config["CENTER_NAME"],
                           current_app.config["CENTER_TIMEZONE"])
    except DomainError as error:
        fail(error.message)
    if not seeded:
        click.echo("Demo data already present; nothing changed.")
        return
    click.echo(f"Demo data seeded. Every demo account's password is {DEMO_PASSWORD}.")


def register_cli(app: Flask) -> None:
    from app.cli_records import certificates_cli, records_cli
    from app.cli_reminders import reminders_cli

    for group in (users_cli, catalog_cli, demo_cli, reminders_cli, certificates_cli, records_cli):
        app.cli.add_command(group)
