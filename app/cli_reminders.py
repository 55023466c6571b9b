"""Command-line commands for background work: renewal reminder sweeps."""

from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Renewal reminders.")
