"""The employer's watch list: saved by code, per organisation, soonest expiry first, expiry
filters, renewals followed, and the CSV export and bulk-check CSV round trip."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from app.models import VerificationLog, WatchListEntry
from app.services import verification
from app.services.catalog.requirements import parse_requirement
from app.services.certificates.codes import generate_code
from app.services.errors import Forbidden, Invalid, NotFound
from app.services.verification import bulk_checks, watchlist
from tests import factories

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


def card(days_left: int, **fields):
    fields.setdefault("issued_on", TODAY - timedelta(days=100))
    return factories.CertificateFactory(expires_on=TODAY + timedelta(days=days_left), **fields)


def save(db, employer, *pairs):
    return watchlist.save(db.session, employer, list(pairs), today=TODAY, now=NOW)


def test_saved_certificates_are_listed_soonest_expiry_first(db):
    employer = factories.employer()
    later, soon, lapsed = card(200), card(20), card(-3)
    results = save(db, employer, (later.code, "Ann"), (soon.code.lower(), "Bo"),
                   (lapsed.code, "Cy"))
    assert [r.outcome for r in results] == ["saved", "saved", "saved"]
    lines = watchlist.watch_list(db.session, employer, TODAY)
    assert [(line.employee_name, line.status, line.days_left) for line in lines] == [
        ("Cy", "expired", -3), ("Bo", "valid", 20), ("Ann", "valid", 200),
    ]


def test_expiry_filters_keep_valid_cards_within_the_window(db):
    employer = factories.employer()
    for days, name in ((0, "today"), (29, "a"), (45, "b"), (90, "c"), (91, "d"), (-1, "gone")):
        save(db, employer, (card(days).code, name))
    names = {days: [line.employee_name
                    for line in watchlist.watch_list(db.session, employer, TODAY, days)]
             for days in watchlist.EXPIRY_WINDOWS}
    assert names == {30: ["today", "a"], 60: ["today", "a", "b"], 90: ["today", "a", "b", "c"]}


def test_an_organisation_sees_only_its_own_list(db):
    mine, theirs = factories.employer(), factories.employer()
    colleague = factories.employer(organisation=mine.organisation)
    save(db, mine, (card(50).code, "Mine"))
    save(db, theirs, (card(60).code, "Theirs"))
    assert [line.employee_name
            for line in watchlist.watch_list(db.session, colleague, TODAY)] == ["Mine"]
    their_entry = db.session.query(WatchListEntry).filter_by(employee_name="Theirs").one()
    with pytest.raises(NotFound):
        watchlist.remove(db.session, mine, their_entry.id)
    assert db.session.get(WatchListEntry, their_entry.id) is not None


def test_saving_needs_an_organisation_a_real_code_and_a_name(db):
    loner = factories.UserFactory(roles=["employer"])
    employer = factories.employer()
    known = card(50)
    mistyped = ("Z" if known.code[0] != "Z" else "Y") + known.code[1:]
    with pytest.raises(Forbidden):
        save(db, loner, (known.code, "Ann"))
    with pytest.raises(Invalid):
        save(db, employer, (known.code, "   "))
    outcomes = save(db, employer, (generate_code(), "A"), (mistyped, "B"))
    assert [r.outcome for r in outcomes] in (["not_found", "mistyped"],)
    logged = [row.outcome for row in db.session.query(VerificationLog).all()]
    assert logged == ["not_found", "mistyped"]


def test_a_renewal_of_the_same_kind_replaces_the_card_on_the_list(db):
    employer = factories.employer()
    old = card(20)
    save(db, employer, (old.code, "Ann"))
    renewal = card(750, holder=old.holder, course=old.course, issued_on=TODAY - timedelta(days=2))
    lay = factories.CourseFactory(level="lay_rescuer", topics_mask=0b1001)
    card(900, holder=old.holder, course=lay)  # later, but of a lower kind: not a renewal
    [line] = watchlist.watch_list(db.session, employer, TODAY)
    assert line.renewal.id == renewal.id and line.days_left == 750
    assert not line.renewal_code_shown  # the renewal's code was never handed over
    assert watchlist.watch_list(db.session, employer, TODAY, 30) == []
    exported = list(csv.DictReader(io.StringIO(bulk_checks.watch_list_csv([line]))))
    assert exported[0]["code"] == old.code and exported[0]["renewed"] == "yes"
    assert renewal.code not in bulk_checks.watch_list_csv([line])


def test_a_reissued_card_is_followed_and_its_code_shown(db):
    employer = factories.employer()
    old = card(300, revoked_at=NOW, revoked_reason="Name misspelt")
    save(db, employer, (old.code, "Ann"))
    new = card(300, holder=old.holder, course=old.course, replaces=old)
    [line] = watchlist.watch_list(db.session, employer, TODAY)
    assert line.renewal.id == new.id and line.renewal_code_shown and line.status == "valid"


def test_pasted_list_and_csv_with_header_are_read_alike():
    pasted = "K7M2-QZ9T-X4HW-0RND\n\n  1234-5678-9ABC-DEFE , Jane Doe\n"
    with_header = "Employee Name,Certificate Code\nJane Doe,K7M2-QZ9T-X4HW-0RND\n"
    tabbed = "K7M2-QZ9T-X4HW-0RND\tJane Doe\n"
    assert [(r.code, r.name) for r in bulk_checks.parse_codes(pasted)] == [
        ("K7M2-QZ9T-X4HW-0RND", None), ("1234-5678-9ABC-DEFE", "Jane Doe"),
    ]
    assert [(r.code, r.name) for r in bulk_checks.parse_codes(with_header)] == [
        ("K7M2-QZ9T-X4HW-0RND", "Jane Doe"),
    ]
    assert bulk_checks.parse_codes(tabbed)[0].name == "Jane Doe"
    assert bulk_checks.parse_codes("\ufeffCode\nX1\n")[0].code == "X1"
    with pytest.raises(Invalid):
        bulk_checks.parse_codes("x" * 140_000)
    with pytest.raises(Invalid):
        bulk_checks.parse_codes("code,name\n")
    with pytest.raises(Invalid):
        bulk_checks.parse_codes("\n".join(f"C{n}" for n in range(501)))


@pytest.mark.parametrize(("given", "holder", "same"), [
    ("Jane Doe", "Jane Doe", True), ("doe, jane", "Jane Doe", True),
    ("José Álvarez", "Jose Alvarez", True), ("Jane Doe", "Jane Q. Doe", True),
    ("Jane Smith", "Jane Doe", False), ("Jane", "Jane Doe", False),
])
def test_names_match_ignoring_order_case_accents_and_a_middle_name(given, holder, same):
    assert bulk_checks.names_match(given, holder) is same


def test_bulk_check_csv_round_trip(db):
    holder = factories.learner(full_name="Jane Doe")
    valid = card(300, holder=holder)
    expired = card(-10)
    upload = bulk_checks.codes_csv([
        bulk_checks.CodeRow(valid.code, "Jane Doe", 1),
        bulk_checks.CodeRow(expired.code, "Someone Else", 2),
        bulk_checks.CodeRow("=HYPERLINK(1)", None, 3),
    ])
    rows = bulk_checks.parse_codes(upload)
    assert [(r.code, r.name) for r in rows] == [
        (valid.code, "Jane Doe"), (expired.code, "Someone Else"), ("=HYPERLINK(1)", None),
    ]
    answers = verification.verify_codes(
        db.session, [r.code for r in rows], parse_requirement("bls", TODAY), today=TODAY,
        now=NOW, channel="bulk", caller=verification.Caller(ip_hash="x"))
    document = bulk_checks.results_csv(bulk_checks.checked_rows(rows, answers))
    lines = list(csv.DictReader(io.StringIO(document)))
    assert [line["status"] for line in lines] == ["valid", "expired", "not_found"]
    assert [line["name_matches"] for line in lines] == ["yes", "no", ""]
    assert [line["meets_requirement"] for line in lines] == ["yes", "no", ""]
    assert lines[0]["holder_name"] == "Jane Doe" and lines[0]["code"] == valid.code
    assert lines[1]["reasons"].startswith("Expired on ")
    assert lines[2]["code"] == "'=HYPERLINK(1)"  # defused for spreadsheets
    assert [r.code for r in bulk_checks.parse_codes(document)][:2] == [valid.code, expired.code]


def test_control_characters_are_dropped_from_the_employee_name(db):
    employer = factories.employer()
    save(db, employer, (card(40).code, "Ann\x00 Lee\x07"))
    assert db.session.query(WatchListEntry).one().employee_name == "Ann Lee"
