"""Importing certificate records from CSV (API.md): read the file, check every row first,
then import all or nothing; re-running skips codes already present. The admin pages keep an
upload in the database between its preview and the confirmation."""

from app.services.records.importing.applying import ImportSummary, apply, import_text, summary_of
from app.services.records.importing.checking import ImportPlan, check
from app.services.records.importing.reading import COLUMNS, Record, RowError, read_records
from app.services.records.importing.uploads import (
    UPLOAD_KEPT,
    confirm_upload,
    drop_abandoned_uploads,
    preview_upload,
)

__all__ = [
    "COLUMNS", "UPLOAD_KEPT", "ImportPlan", "ImportSummary", "Record", "RowError", "apply",
    "check", "confirm_upload", "drop_abandoned_uploads", "import_text", "preview_upload",
    "read_records", "summary_of",
]
