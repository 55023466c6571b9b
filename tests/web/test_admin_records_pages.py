"""Admin records pages: import with preview then confirm, export, OSHA record, reports.

The import keeps its upload in the database: the web tier writes nothing to disk."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask_login.utils import _create_identifier
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Certificate, RecordsImportUpload, User
from app.models.base import utcnow
from app.services.records import importing
from app.services.verification.lookup import find_by_code
from tests import factories
from tests.support.pages import visible_text

HEADER = ",".join(importing.COLUMNS) + "\n"


@pytest.fixture
def admin_client(app, client, login, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    factories.CourseFactory(code="BLS")
    yield login(factories.admin())
    assert not (tmp_path / "instance").exists()  # nothing of an upload is kept on disk


ONE_ROW = HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n"


def confirmation_token(page) -> str:
    return page.get_data(as_text=True).split('name="token" type="hidden" value="')[1].split('"')[0]


def waiting_uploads(db) -> list[RecordsImportUpload]:
    db.session.expire_all()
    return list(db.session.scalars(select(RecordsImportUpload)))


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
    page = upload(admin_client, ONE_ROW)
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
                                 expires_on=factories.center_today())
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
    factories.CertificateFactory(course=course, issued_on=date(2020, 1, 1),
                                 expires_on=factories.center_today())
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
    monkeypatch.setitem(admin_client.application.config, "IMPORT_MAX_BYTES", 100)
    page = upload(admin_client, HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n")
    assert page.status_code == 413  # refused before the body is read
    assert "certificates import command" in page.get_data(as_text=True)


def test_the_import_upload_accepts_more_than_the_general_body_limit(admin_client, monkeypatch):
    monkeypatch.setitem(admin_client.application.config, "MAX_CONTENT_LENGTH", 100)
    page = upload(admin_client, HEADER + "OLD-1,Ann Lee,ann@example.org,BLS,2025-01-10,,,,,,\n")
    assert page.status_code == 200


def test_uploads_never_confirmed_are_dropped_after_a_day(admin_client, db):
    admin = factories.admin(email="other-admin@example.test")
    stale, fresh = (RecordsImportUpload(token=letter * 32, uploaded_by_id=admin.id,
                                        filename="old.csv", csv_text=ONE_ROW,
                                        created_at=utcnow() - timedelta(hours=hours))
                    for letter, hours in (("a", 25), ("b", 1)))
    db.session.add_all([stale, fresh])
    db.session.commit()
    upload(admin_client, ONE_ROW)
    tokens = {waiting.token for waiting in waiting_uploads(db)}
    assert "a" * 32 not in tokens and "b" * 32 in tokens and len(tokens) == 2


def test_a_day_old_upload_is_no_longer_confirmed_even_before_it_is_dropped(admin_client, db):
    token = confirmation_token(upload(admin_client, ONE_ROW))
    waiting = waiting_uploads(db)[0]
    waiting.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    page = admin_client.post("/admin/records/import/confirm", data={"token": token},
                             follow_redirects=True)
    assert "no longer waiting" in page.get_data(as_text=True)
    assert certificates(db) == 0


def test_the_upload_waits_in_the_database_and_goes_once_imported(admin_client, db):
    token = confirmation_token(upload(admin_client, ONE_ROW, name="from-the-old-system.csv"))
    [waiting] = waiting_uploads(db)
    assert waiting.token == token and waiting.csv_text == ONE_ROW
    assert waiting.filename == "from-the-old-system.csv" and waiting.uploaded_by.has_role("admin")
    admin_client.post("/admin/records/import/confirm", data={"token": token})
    assert waiting_uploads(db) == [] and certificates(db) == 1


def test_an_upload_with_errors_is_not_kept(admin_client, db):
    upload(admin_client, HEADER + "OLD-2,Bob Ray,bob@example.org,XYZ,2025-01-10,,,,,,\n")
    assert waiting_uploads(db) == []


def test_errors_found_at_confirmation_are_shown_and_the_upload_dropped(admin_client, db):
    token = confirmation_token(upload(admin_client, ONE_ROW))
    course = db.session.scalar(select(factories.Course).where(factories.Course.code == "BLS"))
    course.code = "BLS-OLD"  # the file's course is no longer in the catalog
    db.session.commit()
    page = admin_client.post("/admin/records/import/confirm", data={"token": token})
    assert page.status_code == 200 and "unknown course &#39;BLS&#39;" in page.get_data(as_text=True)
    assert waiting_uploads(db) == [] and certificates(db) == 0


def signed_in_client(node, user):
    """A test client of `node` with `user` signed in (as the `login` fixture does)."""
    client = node.test_client()
    with node.test_request_context():
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
    return client


def test_a_preview_made_on_one_web_node_is_confirmed_on_another(app_factory, tmp_path):
    """Two app instances on one database, as two gunicorn hosts behind a load balancer."""
    node_a, node_b = app_factory(), app_factory()
    for node, folder in ((node_a, "a"), (node_b, "b")):
        node.instance_path = str(tmp_path / folder)
    with node_a.app_context():
        factories.CourseFactory(code="BLS")
        admin = factories.admin()
        page = upload(signed_in_client(node_a, admin), ONE_ROW)
        assert "This would import 1" in page.get_data(as_text=True)
        token = confirmation_token(page)
        admin_id = admin.id
        _db.session.remove()
    with node_b.app_context():
        client = signed_in_client(node_b, _db.session.get(User, admin_id))
        done = client.post("/admin/records/import/confirm", data={"token": token},
                           follow_redirects=True)
        assert "Import done: imported 1" in done.get_data(as_text=True)
        assert find_by_code(_db.session, "OLD-1").holder_name == "Ann Lee"
        _db.session.remove()
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_fill_rate_bars_are_as_long_as_the_rates_they_are_labelled_with(admin_client, db):
    for month, capacity in ((3, 18), (4, 3)):  # 1 of 18 seats (5.6 %), 1 of 3 (33.3 %)
        starts = datetime(2026, month, 10, 15, tzinfo=UTC)
        class_session = factories.ClassSessionFactory(starts_at=starts, capacity=capacity)
        factories.EnrollmentFactory(session=class_session)
    html = admin_client.get("/admin/records/reports?first=2026-03&last=2026-04").get_data(
        as_text=True)
    chart = html[:html.index("Fill rate per month, all courses</figcaption>")]
    widths = [float(w) for w in re.findall(r'<rect x="150" y="[\d.]+" width="([\d.]+)"', chart)]
    assert "5.6% full · 1 of 18 seats" in chart and "33.3% full · 1 of 3 seats" in chart
    assert widths[-2] < widths[-1] and widths[-1] / widths[-2] == pytest.approx(33.3 / 5.6, rel=0.02)


def test_a_bad_export_value_is_a_message_on_the_records_page(admin_client):
    response = admin_client.get("/admin/records/export.csv?expiring_within=-3")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "<h1>Records</h1>" in page and 'aria-label="Staff"' in page
    text = visible_text(page)
    assert "Give a whole number of days, 0 or more" in text and "expiring_within" not in text
