"""Importing certificate records from CSV: every error with its line, all or nothing, idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Certificate, User
from app.services.certificates.expiry import expires_on
from app.services.errors import Invalid, MistypedCode
from app.services.records import importing
from app.services.verification.lookup import find_by_code
from tests import factories

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
CENTER = "Lifeline Training Center"
HEADER = ",".join(importing.COLUMNS)
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-certificates.csv"


def run(db, lines, dry_run=False, actor=None):
    return importing.import_text(db.session, lines, actor=actor, now=NOW, today=TODAY,
                                 training_center=CENTER, dry_run=dry_run, source="test")


def csv_lines(*rows: str) -> list[str]:
    return [HEADER + "\n", *(row + "\n" for row in rows)]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def courses(db):
    return {
        "BLS": factories.CourseFactory(code="BLS", family="bls", validity_months=24,
                                       expiry_rule="end_of_month"),
        "BBP": factories.CourseFactory(code="BBP", family="bloodborne_pathogens", level="lay_rescuer",
                                       topics_mask=1 << 5, guidelines_mask=1 << 4,
                                       validity_months=12, expiry_rule="exact_date"),
    }


def test_one_bad_row_imports_nothing_and_names_its_line(db, courses):
    plan, summary = run(db, csv_lines(
        "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
        "OLD-2,Bob Ray,bob@example.org,NOPE,2025-01-10,,,,,,",
        "OLD-3,Cy Dee,cy@example.org,BBP,2025-02-30,,,,,,",
    ))
    assert summary is None
    assert [str(error) for error in plan.errors] == [
        "line 3: unknown course 'NOPE'",
        "line 4: bad date in issued_on '2025-02-30' (use YYYY-MM-DD)",
    ]
    assert count(db, Certificate) == 0
    assert count(db, User) == 0


def test_every_kind_of_bad_row_is_reported_with_its_line(db, courses):
    plan, _ = run(db, csv_lines(
        "GOOD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
        "GOOD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
        "bad code!,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
        "OK-4,,ann@example.org,BLS,2025-01-10,,,,,,",
        "OK-5,Ann Lee,not-an-email,BLS,2025-01-10,,,,,,",
        "OK-6,Ann Lee,ann@example.org,BLS,2025-01-10,2024-12-31,,,,,",
        "OK-7,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,revoked,",
        "OK-8,Ann Lee,ann@example.org,BLS,2027-01-10,,,,,,",
        "OK-9,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,lost,",
        "OK-10,Ann Lee,ann@example.org",
        "x" * 65 + ",Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
    ))
    assert [str(error) for error in plan.errors] == [
        "line 3: duplicate code GOOD-1 (first on line 2)",
        "line 4: bad code 'bad code!' (1–64 of A–Z a–z 0–9 . _ -)",
        "line 5: missing holder_name",
        "line 6: bad e-mail 'not-an-email'",
        "line 7: expires_on 2024-12-31 is before issued_on 2025-01-10",
        "line 8: status revoked needs a revoked_reason",
        "line 9: issued_on 2027-01-10 is in the future",
        "line 10: unknown status 'lost' (valid, expired or revoked)",
        "line 11: expected 11 fields, found 3",
        f"line 12: bad code '{'x' * 65}' (1–64 of A–Z a–z 0–9 . _ -)",
    ]


def test_a_header_without_required_columns_is_an_error_on_line_one(db, courses):
    plan, summary = run(db, ["code,holder_name,colour\n", "A,B,C\n"])
    assert summary is None
    assert [str(error) for error in plan.errors] == [
        "line 1: unknown column 'colour'",
        "line 1: missing column 'holder_email'",
        "line 1: missing column 'course_code'",
        "line 1: missing column 'issued_on'",
    ]


def test_import_creates_learners_without_password_and_links_existing_ones(db, courses):
    existing = factories.learner(email="ann@example.org", full_name="Ann Lee")
    plan, summary = run(db, csv_lines(
        "OLD-1,Ann Lee,Ann@Example.org,BLS,2025-01-10,,Ivy Trainer,AHA,123,,",
        "OLD-2,Bob Ray,bob@example.org,BBP,2025-03-15,,,,,,",
        "OLD-3,Bob Ray,bob@example.org,BLS,2024-05-01,2026-05-31,,,,revoked,Issued in error",
    ))
    assert plan.errors == []
    assert summary == importing.ImportSummary(imported=3, skipped=0, learners_created=1,
                                              learners_linked=1)
    db.session.expire_all()
    bob = db.session.scalar(select(User).where(User.email == "bob@example.org"))
    assert bob.password_hash is None and bob.roles == {"learner"} and bob.full_name == "Bob Ray"
    first = find_by_code(db.session, "OLD-1")
    assert first.holder_id == existing.id
    assert first.expires_on == expires_on(date(2025, 1, 10), 24, "end_of_month") == date(2027, 1, 31)
    assert (first.course_code, first.course_family, first.level) == ("BLS", "bls", "healthcare_provider")
    bls = courses["BLS"]
    assert (first.topics_mask, first.guidelines_mask) == (bls.topics_mask, bls.guidelines_mask)
    assert (first.instructor_name, first.external_issuer, first.external_id) == ("Ivy Trainer", "AHA", "123")
    assert first.session_id is None and first.enrollment_id is None and first.instructor_id is None
    assert first.training_center == CENTER
    assert find_by_code(db.session, "OLD-2").expires_on == date(2026, 3, 15)
    revoked = find_by_code(db.session, "OLD-3")
    assert revoked.status_on(TODAY) == "revoked" and revoked.revoked_reason == "Issued in error"
    assert revoked.revoked_at == NOW
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.imported"))
    assert event.details["imported"] == 3 and sorted(event.details["codes"]) == ["OLD-1", "OLD-2", "OLD-3"]


def test_reimporting_the_same_file_skips_every_code_already_present(db, courses):
    lines = csv_lines("OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
                      "OLD-2,Bob Ray,bob@example.org,BBP,2025-03-15,,,,,,")
    run(db, lines)
    _, again = run(db, lines)
    assert (again.imported, again.skipped, again.learners_created) == (0, 2, 0)
    assert count(db, Certificate) == 2 and count(db, User) == 2


def test_dry_run_reports_what_would_happen_and_writes_nothing(db, courses):
    plan, summary = run(db, csv_lines("OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,"), dry_run=True)
    assert summary.dry_run and summary.imported == 1 and summary.learners_created == 1
    assert count(db, Certificate) == 0 and count(db, User) == 0


def test_a_legacy_code_verifies_exactly_and_a_lifeline_code_is_stored_formatted(db, courses):
    run(db, csv_lines("rc.88231_b-7,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,",
                      "c5kfcf86s9fhhxdm,Bob Ray,bob@example.org,BLS,2025-01-10,,,,,,"))
    assert find_by_code(db.session, "rc.88231_b-7").holder_name == "Ann Lee"
    assert db.session.scalar(select(Certificate.code).where(Certificate.holder_name == "Bob Ray")) \
        == "C5KF-CF86-S9FH-HXDM"
    assert find_by_code(db.session, "C5KF CF86 S9FH HXDM").holder_name == "Bob Ray"
    with pytest.raises(MistypedCode):
        find_by_code(db.session, "C5KF-CF86-S9FH-HXDN")


def test_a_plan_with_errors_cannot_be_applied(db, courses):
    records, _ = importing.read_records(csv_lines("OLD-1,Ann Lee,ann@example.org,NOPE,2025-01-10,,,,,,"))
    plan = importing.check(db.session, records, today=TODAY)
    with pytest.raises(Invalid):
        importing.apply(db.session, plan, actor=None, now=NOW, training_center=CENTER)


def test_the_example_file_imports_cleanly_against_the_standard_catalog(db):
    from app.services import catalog
    from app.services.catalog.standard import STANDARD_COURSES

    catalog.load_catalog(db.session, STANDARD_COURSES)
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        plan, summary = run(db, handle.readlines())
    assert plan.errors == []
    assert summary.imported == 12 and summary.learners_created == 8
    assert find_by_code(db.session, "AHA-2019-004512").status_on(TODAY) == "expired"
