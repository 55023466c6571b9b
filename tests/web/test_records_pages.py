"""Admin records pages: import with preview then confirm, export, OSHA record, reports."""

from __future__ import annotations

import io
import os
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.models import Certificate
from app.services.records import importing
from app.services.verification.lookup import find_by_code
from app.web import records
from tests import factories

HEADER = ",".join(importing.COLUMNS) + "\n"


@pytest.fixture
def admin_client(app, client, login, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # uploads wait here, not in instance/
    factories.CourseFactory(code="BLS")
    return login(factories.admin())


def upload(client, text: str, name: str = "legacy.csv"):
    return client.post("/admin/records/import", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def certificates(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Certificate))


PAGES = ("/admin/records/", "/admin/records/import", "/admin/records/export.csv",
         "/admin/records/osha?session=1", "/admin/records/reports",
         "/admin/records/reports/expiring.csv")


def test_records_pages_send_anonymous_visitors_to_sign_in(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_records_pages_refuse_signed_in_users_without_the_admin_role(client, login):
    login(factories.UserFactory(roles=["learner", "instructor", "employer"]))
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/records/import/confirm", data={"token": "0" * 32}).status_code == 403


def test_upload_shows_a_preview_and_writes_nothing_until_confirmed(admin_client, db):
    page = upload(admin_client, HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This would import 1" in html and "ann@example.org" in html
    assert certificates(db) == 0
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = admin_client.post("/admin/records/import/confirm", data={"token": token},
                             follow_redirects=True)
    assert "Import done: imported 1" in done.get_data(as_text=True)
    assert find_by_code(db.session, "OLD-1").holder_name == "Ann Lee"
    again = admin_client.post("/admin/records/import/confirm", data={"token": token},
                              follow_redirects=True)
    assert "no longer waiting" in again.get_data(as_text=True)
    assert certificates(db) == 1


def test_upload_with_errors_lists_them_by_line_and_offers_no_confirmation(admin_client, db):
    page = upload(admin_client, HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n"
                                         "OLD-2,Bob Ray,bob@example.org,XYZ,2025-01-10,,,,,,\n")
    html = page.get_data(as_text=True)
    assert "line 3: unknown course &#39;XYZ&#39;" in html
    assert "import/confirm" not in html
    assert certificates(db) == 0


def test_a_forged_or_unknown_token_imports_nothing(admin_client, db):
    for token in ("../../etc/passwd", "0" * 32):
        page = admin_client.post("/admin/records/import/confirm", data={"token": token},
                                 follow_redirects=True)
        assert "no longer waiting" in page.get_data(as_text=True)
    assert certificates(db) == 0


def test_a_file_that_is_not_utf8_is_refused_with_a_message(admin_client):
    page = admin_client.post("/admin/records/import",
                             data={"file": (io.BytesIO("café".encode("latin-1")), "x.csv")},
                             content_type="multipart/form-data")
    assert "not UTF-8" in page.get_data(as_text=True)


def test_export_downloads_the_certificates_expiring_within_the_days_asked(admin_client, db):
    course = db.session.scalar(select(factories.Course).where(factories.Course.code == "BLS"))
    factories.CertificateFactory(code="SOON", course=course, issued_on=date(2020, 1, 1),
                                 expires_on=date.today())
    factories.CertificateFactory(code="LATER", course=course, issued_on=date(2020, 1, 1),
                                 expires_on=date(2099, 1, 1))
    response = admin_client.get("/admin/records/export.csv?expiring_within=90")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert "SOON" in body and "LATER" not in body
    assert "LATER" in admin_client.get("/admin/records/export.csv").get_data(as_text=True)
    assert admin_client.get("/admin/records/export.csv?expiring_within=-3").status_code == 400


def test_osha_record_downloads_as_pdf_and_csv(admin_client, db):
    class_session = factories.finished_bbp_session()
    assert f"session={class_session.id}" in admin_client.get("/admin/records/").get_data(as_text=True)
    pdf = admin_client.get(f"/admin/records/osha?session={class_session.id}&format=pdf")
    assert pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Ann Lee" in text and "Nurse" in text
    csv_text = admin_client.get("/admin/records/osha?date_from=2026-10-01&date_to=2026-10-31&format=csv")
    assert "Ann Lee,Nurse,passed" in csv_text.get_data(as_text=True)
    missing = admin_client.get("/admin/records/osha?format=csv")
    assert missing.status_code == 422 and "Give a session id" in missing.get_data(as_text=True)


def test_reports_page_shows_charts_with_numbers_and_csv_links(admin_client, db):
    course = db.session.scalar(select(factories.Course).where(factories.Course.code == "BLS"))
    factories.CertificateFactory(course=course, issued_on=date(2020, 1, 1), expires_on=date.today())
    page = admin_client.get("/admin/records/reports")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "1 certificate" in html
    for name in ("enrollments", "outcomes", "expiring", "renewals"):
        assert f"/admin/records/reports/{name}.csv" in html
    download = admin_client.get("/admin/records/reports/expiring.csv")
    assert download.get_data(as_text=True).startswith("within_days,certificates\n30,1\n")
    assert admin_client.get("/admin/records/reports/nothing.csv").status_code == 404
    assert admin_client.get("/admin/records/reports?first=garbage").status_code == 200


def test_the_example_file_is_what_the_import_page_describes():
    example = Path(__file__).resolve().parents[2] / "docs" / "example-certificates.csv"
    assert example.read_text(encoding="utf-8").startswith(HEADER)


def test_an_oversized_upload_is_refused_and_points_to_the_command(admin_client, monkeypatch):
    monkeypatch.setattr(records, "MAX_UPLOAD_BYTES", 100)
    page = upload(admin_client, HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n")
    assert "certificates import command" in page.get_data(as_text=True)


def test_uploads_never_confirmed_are_dropped_after_a_day(admin_client, app):
    folder = Path(app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale, fresh = folder / f"{'a' * 32}.csv", folder / f"{'b' * 32}.csv"
    for path in (stale, fresh):
        path.write_text(HEADER, encoding="utf-8")
    day_old = time.time() - 25 * 3600
    os.utime(stale, (day_old, day_old))
    upload(admin_client, HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n")
    assert not stale.exists() and fresh.exists()
