"""Command-line commands for records: certificate import/export and OSHA records."""

from flask.cli import AppGroup

certificates_cli = AppGroup("certificates", help="Import and export certificate records.")
records_cli = AppGroup("records", help="Training records for regulators.")
