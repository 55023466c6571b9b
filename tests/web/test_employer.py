"""The employer portal: bulk checks by upload or paste (table and CSV), saving to the
organisation's watch list, its expiry filters and export, and who may see what."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from app.extensions import db as _db
from app.models import VerificationLog, WatchListEntry
from app.services.certificates.codes import generate_code
from tests import factories
from tests.support.login import log_in
from tests.support.pages import badges, elements, with_class


def card(days_left: int, **fields):
    fields.setdefault("issued_on", factories.center_today() - timedelta(days=100))
    return factories.CertificateFactory(expires_on=factories.center_today() + timedelta(days=days_left),
                                        **fields)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def ten_codes_csv():
    """A CSV of ten codes with names: valid, expired, revoked, unknown and mistyped ones."""
    jane = factories.learner(full_name="Jane Doe")
    cards = [card(days, holder=jane if n == 0 else factories.learner())
             for n, days in enumerate((300, 20, 60, 85, 200, -5))]
    revoked = card(100, revoked_reason="Issued in error", revoked_at=factories.utcnow())
    mistyped = ("Z" if cards[1].code[0] != "Z" else "Y") + cards[1].code[1:]
    codes = [c.code for c in cards] + [revoked.code, generate_code(), mistyped, "OLD-123"]
    names = ["Jane Doe", "Wrong Person"] + [""] * 8
    lines = ["code,employee name"] + [f"{code},{name}" for code, name in zip(codes, names,
                                                                             strict=True)]
    return "\n".join(lines) + "\n", cards


def test_uploaded_csv_of_ten_codes_is_answered_as_a_table(client, login, db):
    login(factories.employer())
    document, cards = ten_codes_csv()
    response = client.post("/employer/checks", data={
        "codes_file": (io.BytesIO(document.encode("utf-8-sig")), "staff.csv"),
        "requirement": "bls",
    }, content_type="multipart/form-data")
    page = text_of(response)
    assert response.status_code == 200
    assert "Results for 10 codes" in page
    summary = with_class(page, "stats")[0].text
    for figure in ("4 Valid", "1 Expiring", "1 Expired", "1 Revoked", "2 Not found",
                   "1 Mistyped", "5 meet the requirement", "5 do not"):
        assert figure in summary
    status_cells = [e.text for e in elements(page) if e.attrs.get("data-label") == "Status"]
    assert [cell.split(" ")[0] for cell in status_cells] == [
        "Valid", "Expiring", "Valid", "Valid", "Valid", "Expired", "Revoked", "Not", "Mistyped",
        "Not"]
    assert status_cells[1] == "Expiring 20 days left"
    assert ("expiring", "Expiring") in badges(page) and ("expired", "Expired") in badges(page)
    assert "Name differs: you gave “Wrong Person”" in page
    assert "Checked against: <strong>BLS (healthcare provider CPR)</strong>" in page
    assert db.session.query(VerificationLog).filter_by(channel="bulk").count() == 10


def test_results_download_as_csv_with_a_line_per_code(client, login):
    login(factories.employer())
    document, cards = ten_codes_csv()
    response = client.post("/employer/checks", data={"codes_text": document, "download": "1"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [row["code"] for row in rows] == [line.split(",")[0]
                                             for line in document.splitlines()[1:]]
    assert [row["status"] for row in rows] == ["valid"] * 5 + [
        "expired", "revoked", "not_found", "mistyped", "not_found"]
    assert rows[0]["name_matches"] == "yes" and rows[1]["name_matches"] == "no"
    assert rows[0]["holder_name"] == "Jane Doe"
    assert rows[7]["reasons"] == "No certificate has this code."


def test_pasted_list_against_a_requirement_gives_reasons(client, login):
    login(factories.employer())
    lay = factories.CourseFactory(level="lay_rescuer", topics_mask=0b1001)
    heartsaver = card(300, course=lay)
    response = client.post("/employer/checks", data={"codes_text": heartsaver.code,
                                                     "requirement": "bls"})
    page = text_of(response)
    assert "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS)." in page
    assert ("expiring", "Does not meet") in badges(page)  # a valid card that falls short: amber


def test_bad_bulk_input_is_a_form_message_not_an_error(client, login):
    login(factories.employer())
    empty = client.post("/employer/checks", data={"codes_text": ""})
    assert empty.status_code == 422 and "Upload a CSV file or paste" in text_of(empty)
    too_many = client.post("/employer/checks",
                           data={"codes_text": "\n".join(f"C{n}" for n in range(501))})
    assert too_many.status_code == 422 and "At most 500 codes" in text_of(too_many)
    binary = client.post("/employer/checks", data={
        "codes_file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")},
        content_type="multipart/form-data")
    assert binary.status_code == 422 and "UTF-8" in text_of(binary)


def test_save_three_then_filter_expiring_within_90_days(client, login, db):
    employer = factories.employer()
    login(employer)
    soon, later, far = card(20), card(80), card(400)
    codes = [soon.code, later.code, far.code]
    response = client.post("/employer/watch-list", data={
        "batch": "1", "save": ["0", "1", "2"], "row_code": codes,
        "row_name": ["Ann Lee", "Bo Chan", "Cy Diaz"],
    })
    assert response.status_code == 302
    assert db.session.query(WatchListEntry).count() == 3
    page = text_of(client.get("/employer"))
    assert page.index("Ann Lee") < page.index("Bo Chan") < page.index("Cy Diaz")
    filtered = text_of(client.get("/employer?within=90"))
    assert "Ann Lee" in filtered and "Bo Chan" in filtered and "Cy Diaz" not in filtered
    within_30 = text_of(client.get("/employer?within=30"))
    assert "Ann Lee" in within_30 and "Bo Chan" not in within_30
    export = list(csv.DictReader(io.StringIO(text_of(
        client.get("/employer/watch-list.csv?within=90")))))
    assert [row["employee_name"] for row in export] == ["Ann Lee", "Bo Chan"]
    assert export[0]["code"] == soon.code and export[0]["days_left"] == "20"


def test_saving_one_code_from_the_dashboard(client, login, db):
    login(factories.employer())
    saved = card(50)
    client.post("/employer/watch-list", data={"code": saved.code.lower(),
                                              "employee_name": "Dee Evans"})
    again = client.post("/employer/watch-list", data={"code": saved.code,
                                                      "employee_name": "Dee Evans"},
                        follow_redirects=True)
    assert "Already on your watch list" in text_of(again)
    unknown = client.post("/employer/watch-list", data={"code": generate_code(),
                                                        "employee_name": "X"},
                          follow_redirects=True)
    assert "No certificate has this code" in text_of(unknown)
    assert db.session.query(WatchListEntry).count() == 1


def test_the_portal_shows_only_the_organisations_own_list(client, login, db):
    mine, theirs = factories.employer(), factories.employer()
    login(theirs)
    client.post("/employer/watch-list", data={"code": card(40).code,
                                              "employee_name": "Their Nurse"})
    their_entry = db.session.query(WatchListEntry).one()
    login(mine)
    client.post("/employer/watch-list", data={"code": card(40).code,
                                              "employee_name": "Our Nurse"})
    page = text_of(client.get("/employer"))
    assert "Our Nurse" in page and "Their Nurse" not in page
    assert "Their Nurse" not in text_of(client.get("/employer/watch-list.csv"))
    assert client.post(f"/employer/watch-list/{their_entry.id}/remove").status_code == 404
    assert _db.session.get(WatchListEntry, their_entry.id) is not None


def test_removing_an_entry(client, login, db):
    login(factories.employer())
    client.post("/employer/watch-list", data={"code": card(40).code, "employee_name": "Fay"})
    entry = db.session.query(WatchListEntry).one()
    dashboard = text_of(client.get("/employer"))
    assert f'href="/employer/watch-list/{entry.id}/remove"' in dashboard  # the step, not a post
    assert f'action="/employer/watch-list/{entry.id}/remove"' not in dashboard
    step = client.get(f"/employer/watch-list/{entry.id}/remove")
    assert step.status_code == 200 and "Remove Fay from your watch list?" in text_of(step)
    assert "you no longer see when it expires" in text_of(step)
    assert db.session.query(WatchListEntry).count() == 1
    client.post(f"/employer/watch-list/{entry.id}/remove")
    assert db.session.query(WatchListEntry).count() == 0
    assert client.get(f"/employer/watch-list/{entry.id}/remove").status_code == 404


def test_an_employer_adds_a_verified_card_to_the_watch_list_from_the_verify_page(
        client, login, db):
    login(factories.employer())
    verified = card(200)
    page = text_of(client.get(f"/verify/{verified.code}"))
    assert "Add to your watch list" in page
    client.post("/employer/watch-list", data={"code": verified.code, "employee_name": "Gus"})
    assert db.session.query(WatchListEntry).one().certificate_id == verified.id


def test_anonymous_visitors_are_sent_to_sign_in(client):
    anonymous = client.get("/employer")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_only_employers_reach_the_portal(client, login):
    login(factories.learner())
    assert client.get("/employer").status_code == 403
    assert client.post("/employer/checks", data={"codes_text": "A"}).status_code == 403


def test_employer_without_an_organisation_is_told_so(client, login):
    login(factories.UserFactory(roles=["employer"]))
    page = text_of(client.get("/employer"))
    assert "not linked to an organisation" in page


def test_bulk_checks_on_the_page_are_limited_per_account(rate_limited):
    limited = rate_limited(RATELIMIT_BULK="2 per minute")
    client = limited.test_client()
    with factories.within(limited):
        employer_email = factories.employer().email
    log_in(client, employer_email)
    answers = [client.post("/employer/checks", data={"codes_text": "ABC"}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]


def test_a_renewed_card_is_shown_without_its_code(client, login):
    login(factories.employer())
    old = card(15)
    client.post("/employer/watch-list", data={"code": old.code, "employee_name": "Gus"})
    renewal = card(720, holder=old.holder, course=old.course,
                   issued_on=factories.center_today() - timedelta(days=1))
    page = text_of(client.get("/employer"))
    assert "Renewed — a newer card of the same kind" in page
    assert renewal.expires_on.strftime("%A, %B %-d, %Y") in page and renewal.code not in page
    assert "Gus" not in text_of(client.get("/employer?within=30"))


def test_saving_with_nothing_ticked_says_so(client, login, db):
    login(factories.employer())
    response = client.post("/employer/watch-list", data={"batch": "1", "row_code": ["A"],
                                                         "row_name": ["B"]},
                           follow_redirects=True)
    assert "Tick the certificates to save first." in text_of(response)
    assert db.session.query(VerificationLog).count() == 0
