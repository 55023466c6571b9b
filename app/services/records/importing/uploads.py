"""Uploaded files waiting between their preview and the admin's confirmation, kept in the
database so that any web node can confirm a preview another node made.

An upload with errors is not kept (there is nothing to confirm); one never confirmed is
dropped after a day, on the next upload, and refused once it is that old."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import RecordsImportUpload, User
from app.services.errors import NotFound
from app.services.records.importing.applying import ImportSummary, import_text
from app.services.records.importing.checking import ImportPlan

UPLOAD_KEPT = timedelta(days=1)
UPLOAD_SOURCE = "admin upload"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def drop_abandoned_uploads(session: Session, now: datetime) -> int:
    """Delete the uploads older than a day (in the caller's transaction); returns how many."""
    result = session.execute(delete(RecordsImportUpload)
                             .where(RecordsImportUpload.created_at < now - UPLOAD_KEPT))
    return result.rowcount


@one_transaction
def preview_upload(session: Session, text: str, *, filename: str, uploaded_by: User,
                   now: datetime, today: date) -> tuple[ImportPlan, ImportSummary | None, str | None]:
    """Check an uploaded file and keep it for confirmation when it has no errors.

    Returns the plan, the dry-run summary (None with errors) and the token to confirm with."""
    drop_abandoned_uploads(session, now)
    plan, summary = import_text(session, _lines(text), actor=uploaded_by, now=now, today=today,
                                training_center="", dry_run=True, source=UPLOAD_SOURCE)
    if summary is None:
        return plan, None, None
    upload = RecordsImportUpload(token=secrets.token_hex(16), uploaded_by_id=uploaded_by.id,
                                 filename=filename[:255], csv_text=text, created_at=now)
    session.add(upload)
    return plan, summary, upload.token


@one_transaction
def confirm_upload(session: Session, token: str, *, actor: User, now: datetime, today: date,
                   training_center: str) -> tuple[ImportPlan, ImportSummary | None]:
    """Import a waiting upload, checked again (the records may have changed since the preview).

    The upload is gone once imported, or when the check now finds errors; an unknown or
    day-old token is NotFound. A clash with a concurrent writer keeps the upload."""
    upload = session.scalar(select(RecordsImportUpload).where(
        RecordsImportUpload.token == token, RecordsImportUpload.created_at >= now - UPLOAD_KEPT))
    if upload is None:
        raise NotFound("That upload is no longer waiting; upload the file again.")
    plan, summary = import_text(session, _lines(upload.csv_text), actor=actor, now=now,
                                today=today, training_center=training_center,
                                source=UPLOAD_SOURCE)
    session.delete(upload)
    return plan, summary
