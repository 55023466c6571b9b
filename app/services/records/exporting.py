"""Exporting certificate records as CSV (API.md columns), streamed in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate, User
from app.services.records.csv_cells import defused_row
from app.services.records.importing import COLUMNS

BATCH = 1000


def export_query(today: date, expiring_within: int | None = None):
    """Every certificate in code order, or only the valid ones expiring within the given days."""
    query = (
        select(Certificate.code, Certificate.holder_name, User.email, Certificate.course_code,
               Certificate.issued_on, Certificate.expires_on, Certificate.instructor_name,
               Certificate.external_issuer, Certificate.external_id, Certificate.revoked_at,
               Certificate.revoked_reason)
        .join(User, User.id == Certificate.holder_id)
        .order_by(Certificate.id)
    )
    if expiring_within is not None:
        query = query.where(
            Certificate.revoked_at.is_(None),
            Certificate.expires_on.between(today, today + timedelta(days=expiring_within)),
        )
    return query


def _status(revoked_at, expires_on: date, today: date) -> str:
    if revoked_at is not None:
        return "revoked"
    return "valid" if today <= expires_on else "expired"


def export_csv(session: Session, *, today: date, expiring_within: int | None = None) -> Iterator[str]:
    """CSV text in pieces of about BATCH rows: the header, then one line per certificate.

    Rows are fetched `BATCH` at a time through a server-side cursor (PostgreSQL) so memory
    stays flat however many certificates there are; status is as of `today`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    result = session.execute(
        export_query(today, expiring_within).execution_options(yield_per=BATCH)
    )
    for partition in result.partitions():
        buffer.seek(0)
        buffer.truncate()
        for (code, name, email, course_code, issued_on, expires_on, instructor_name, issuer,
             external_id, revoked_at, revoked_reason) in partition:
            writer.writerow(defused_row((code, name, email, course_code, issued_on.isoformat(),
                             expires_on.isoformat(), instructor_name or "", issuer or "",
                             external_id or "", _status(revoked_at, expires_on, today),
                             revoked_reason or "")))
        yield buffer.getvalue()
    result.close()
