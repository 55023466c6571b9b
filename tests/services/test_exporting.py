"""Exporting certificate records: the API.md columns, status as of today, and a round trip."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from app.services.records import exporting, importing
from app.services.verification.lookup import find_by_code
from tests import factories
from tests.support import databases

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def export(db, **options) -> str:
    return "".join(exporting.export_csv(db.session, today=TODAY, **options))


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_writes_the_api_columns_and_status_as_of_today(db):
    course = factories.CourseFactory(code="BLS")
    holder = factories.learner(email="ann@example.org", full_name="Ann Lee")
    factories.CertificateFactory(code="VALID-1", holder=holder, course=course,
                                 issued_on=date(2025, 1, 10), expires_on=date(2027, 1, 31),
                                 external_issuer="AHA", external_id="123")
    factories.CertificateFactory(code="OLD-1", holder=holder, course=course, instructor_name=None,
                                 issued_on=date(2022, 1, 10), expires_on=date(2024, 1, 31))
    factories.CertificateFactory(code="GONE-1", holder=holder, course=course,
                                 issued_on=date(2025, 1, 10), expires_on=date(2027, 1, 31),
                                 revoked_at=NOW, revoked_reason="Issued in error")
    text = export(db)
    assert text.splitlines()[0] == ",".join(importing.COLUMNS)
    rows = {row["code"]: row for row in rows_of(text)}
    assert rows["VALID-1"] == {
        "code": "VALID-1", "holder_name": "Ann Lee", "holder_email": "ann@example.org",
        "course_code": "BLS", "issued_on": "2025-01-10", "expires_on": "2027-01-31",
        "instructor_name": "Ivy Instructor", "external_issuer": "AHA", "external_id": "123",
        "status": "valid", "revoked_reason": "",
    }
    assert rows["OLD-1"]["status"] == "expired" and rows["OLD-1"]["instructor_name"] == ""
    assert (rows["GONE-1"]["status"], rows["GONE-1"]["revoked_reason"]) == ("revoked", "Issued in error")


def test_expiring_within_keeps_valid_certificates_expiring_in_the_window_inclusive(db):
    course = factories.CourseFactory()
    for code, expiry in (("TODAY", date(2026, 11, 23)), ("DAY-90", date(2027, 2, 21)),
                         ("DAY-91", date(2027, 2, 22)), ("YESTERDAY", date(2026, 11, 22))):
        factories.CertificateFactory(code=code, course=course, issued_on=date(2025, 1, 1),
                                     expires_on=expiry)
    factories.CertificateFactory(code="REVOKED", course=course, issued_on=date(2025, 1, 1),
                                 expires_on=date(2026, 12, 1), revoked_at=NOW, revoked_reason="x")
    codes = [row["code"] for row in rows_of(export(db, expiring_within=90))]
    assert codes == ["TODAY", "DAY-90"]


def test_export_streams_in_batches(db, monkeypatch):
    monkeypatch.setattr(exporting, "BATCH", 2)
    course = factories.CourseFactory()
    for number in range(5):
        factories.CertificateFactory(code=f"C-{number}", course=course)
    pieces = list(exporting.export_csv(db.session, today=TODAY))
    assert [piece.count("\n") for piece in pieces] == [1, 2, 2, 1]


def test_importing_an_export_reproduces_it(db, app):
    course = factories.CourseFactory(code="BLS")
    bbp = factories.CourseFactory(code="BBP", family="bloodborne_pathogens", validity_months=12,
                                  expiry_rule="exact_date")
    ann = factories.learner(email="ann@example.org", full_name="Ann Lee")
    bob = factories.learner(email="bob@example.org", full_name="Bob Ray")
    factories.CertificateFactory(holder=ann, course=course, issued_on=date(2025, 1, 10),
                                 external_issuer="ARC", external_id="GT7Q-1")
    factories.CertificateFactory(code="legacy.42", holder=bob, course=bbp, issued_on=date(2026, 2, 1),
                                 instructor_name=None)
    factories.CertificateFactory(holder=bob, course=course, issued_on=date(2023, 6, 2),
                                 revoked_at=NOW, revoked_reason="Name misspelt, reissued")
    first = export(db)

    databases.wipe(db)
    factories.CourseFactory(code="BLS")
    factories.CourseFactory(code="BBP", family="bloodborne_pathogens", validity_months=12,
                            expiry_rule="exact_date")
    plan, summary = importing.import_text(db.session, io.StringIO(first), actor=None, now=NOW,
                                          today=TODAY, training_center="Lifeline Training Center")
    assert plan.errors == [] and summary.imported == 3 and summary.learners_created == 2
    assert export(db) == first
    assert find_by_code(db.session, "legacy.42").holder.email == "bob@example.org"

