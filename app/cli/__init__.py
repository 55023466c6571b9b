"""Command-line commands (`flask --app wsgi ...`), one module per command group (API.md)."""

from __future__ import annotations

from flask import Flask

from app.cli import catalog, certificates, demo, records, reminders, users

COMMAND_GROUPS = (users.group, catalog.group, demo.group, reminders.group, certificates.group,
                  records.group)


def register_cli(app: Flask) -> None:
    """Add every command group to the app's `flask` command."""
    for group in COMMAND_GROUPS:
        app.cli.add_command(group)
