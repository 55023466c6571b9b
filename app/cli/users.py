"""`users create` and `users set-password`: accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.cli.errors import fail
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import ROLES
from app.security import password_hasher
from app.services import accounts
from app.services.errors import DomainError

group = AppGroup("users", help="Manage user accounts.")


@group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="one of: " + ", ".join(ROLES))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--organisation", default=None,
              help="the employer's organisation, by name (made when new)")
def create_user(email: str, full_name: str, roles: tuple[str, ...], password_stdin: bool,
                organisation: str | None):
    """Create a user; the password is one line read from standard input."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        fail(f"unknown role {', '.join(unknown)}; choose from {', '.join(ROLES)}")
    if not password_stdin:
        fail("pass --password-stdin and give the password on standard input")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(db.session, email=email, full_name=full_name,
                                    password=password, roles=roles, hasher=password_hasher(),
                                    organisation=organisation)
    except DomainError as error:
        fail(error.message)
    of = f" of {user.organisation.name}" if user.organisation else ""
    click.echo(f"Created {user.email}{of} with roles {', '.join(sorted(user.roles))}.")


@group.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool):
    """Set a user's password (one line from standard input); ends all their sessions and tokens."""
    if not password_stdin:
        fail("pass --password-stdin and give the new password on standard input")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.set_password(db.session, email, password, utcnow(), password_hasher())
    except DomainError as error:
        fail(error.message)
    click.echo(f"Password of {user.email} set; its sessions and API tokens are ended.")
