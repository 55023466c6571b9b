"""Importing certificate records from CSV (API.md): read the file, check every row first,
then import all or nothing; re-running skips codes already present."""

from app.services.records.importing.applying import ImportSummary, apply, import_text, summary_of
from app.services.records.importing.checking import ImportPlan, check
from app.services.records.importing.reading import COLUMNS, Record, RowError, read_records

__all__ = [
    "COLUMNS", "ImportPlan", "ImportSummary", "Record", "RowError", "apply", "check",
    "import_text", "read_records", "summary_of",
]
