"""The records commands: certificates import/export and records osha (API.md "Command line")."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.models import Certificate
from app.models.base import utcnow
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES
from app.services.clock import local_date
from app.services.records import importing
from app.services.verification.lookup import find_by_code
from tests import factories

EXAMPLE = str(Path(__file__).resolve().parents[1] / "docs" / "example-certificates.csv")


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def certificates(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


@pytest.fixture
def standard_catalog(db):
    catalog.load_catalog(db.session, STANDARD_COURSES)


def test_import_of_the_example_file_prints_a_summary_and_a_legacy_code_verifies(app, db, standard_catalog):
    result = invoke(app, "certificates", "import", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("Done: imported 12, skipped 0 already present, "
                                     "learners created 8, linked 0.")
    assert "Importing" in result.stderr  # the progress bar writes to stderr
    assert find_by_code(db.session, "rc.88231").holder_name == "Tom Becker"
    again = invoke(app, "certificates", "import", EXAMPLE)
    assert "imported 0, skipped 12 already present" in again.stdout
    assert certificates(db) == 12


def test_dry_run_reports_and_writes_nothing(app, db, standard_catalog):
    result = invoke(app, "certificates", "import", EXAMPLE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dry run: would import 12")
    assert certificates(db) == 0


def test_errors_are_one_line_each_with_the_line_number_and_exit_1(app, db, standard_catalog, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(",".join(importing.COLUMNS) + "\n"
                    "A-1,Ann Lee,ann@example.org,BLS-HCP,2025-01-10,,,,,,\n"
                    "A-2,Bob Ray,bob@example.org,XYZ,2025-01-10,,,,,,\n"
                    "A-1,Cy Dee,cy@example.org,BBP,2025-13-01,,,,,,\n", encoding="utf-8")
    result = invoke(app, "certificates", "import", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[-4:] == [
        "line 3: unknown course 'XYZ'",
        "line 4: duplicate code A-1 (first on line 2)",
        "line 4: bad date in issued_on '2025-13-01' (use YYYY-MM-DD)",
        "3 errors; nothing was imported.",
    ]
    assert certificates(db) == 0


def test_a_missing_or_binary_file_is_a_one_line_error(app, db, tmp_path):
    missing = invoke(app, "certificates", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: cannot read")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = invoke(app, "certificates", "import", str(binary))
    assert result.exit_code == 1 and result.stderr.strip().endswith("is not UTF-8 text")


def test_export_writes_only_csv_to_stdout(app, db, standard_catalog):
    invoke(app, "certificates", "import", EXAMPLE)
    everything = invoke(app, "certificates", "export")
    rows = list(csv.DictReader(io.StringIO(everything.stdout)))
    assert len(rows) == 12 and everything.stderr == ""
    soon = invoke(app, "certificates", "export", "--expiring-within", "90")
    today = local_date(utcnow(), app.config["CENTER_TIMEZONE"])
    for row in csv.DictReader(io.StringIO(soon.stdout)):
        assert row["status"] == "valid"
        assert 0 <= (date.fromisoformat(row["expires_on"]) - today).days <= 90


def test_records_osha_writes_csv_or_pdf_and_refuses_bad_options(app, db):
    class_session = factories.finished_bbp_session()
    as_csv = invoke(app, "records", "osha", "--session", str(class_session.id))
    assert as_csv.exit_code == 0 and "Ann Lee,Nurse,passed" in as_csv.stdout
    ranged = invoke(app, "records", "osha", "--from", "2026-10-01", "--to", "2026-10-31")
    assert "Ann Lee,Nurse,passed" in ranged.stdout
    as_pdf = invoke(app, "records", "osha", "--session", str(class_session.id), "--format", "pdf")
    assert "Ann Lee" in PdfReader(io.BytesIO(as_pdf.stdout_bytes)).pages[0].extract_text()
    for args in ((), ("--session", "1", "--from", "2026-10-01"), ("--from", "2026-10-01"),
                 ("--session", str(class_session.id + 99))):
        result = invoke(app, "records", "osha", *args)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, args
        assert "Traceback" not in result.output
