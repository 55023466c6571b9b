"""Verification: statuses, the mistyped/not-found split, requirement reasons, the log, and
bulk look-ups answered with a constant number of SQL statements."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select, text

from app.models import Certificate, VerificationLog
from app.services import verification
from app.services.catalog.requirements import parse_requirement
from app.services.certificates.codes import generate_code
from app.services.errors import MistypedCode, NotFound
from tests import factories

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
ANONYMOUS = verification.Caller(ip_hash=verification.hash_ip("203.0.113.9", "test-secret-key"))


def heartsaver_course():
    return factories.CourseFactory(code="HS-CPR-AED", family="heartsaver_cpr",
                                   title="AHA Heartsaver CPR AED", level="lay_rescuer",
                                   topics_mask=0b1001, guidelines_mask=0b101)


def certificate(**fields):
    fields.setdefault("issued_on", TODAY - timedelta(days=30))
    fields.setdefault("expires_on", TODAY + timedelta(days=700))
    return factories.CertificateFactory(**fields)


def one_changed(code: str) -> str:
    """The code with its first symbol replaced by another valid symbol."""
    return ("Z" if code[0] != "Z" else "Y") + code[1:]


def verify(db, text, requirement=None, channel="web", caller=ANONYMOUS):
    return verification.verify_code(db.session, text, requirement, today=TODAY, now=NOW,
                                    channel=channel, caller=caller)


def test_each_status_comes_from_the_date_and_revocation(db):
    valid = certificate()
    last_day = certificate(expires_on=TODAY)
    expired = certificate(expires_on=TODAY - timedelta(days=1))
    revoked = certificate(revoked_at=NOW, revoked_reason="Issued in error, refunded",
                          revocation_category="issued_in_error")
    assert verify(db, valid.code).status == "valid"
    assert verify(db, last_day.code).status == "valid"
    assert verify(db, expired.code).status == "expired"
    answer = verify(db, revoked.code)
    assert answer.status == "revoked"
    assert answer.record["revoked_reason"] == "issued in error"
    assert answer.record["revocation_category"] == "issued_in_error"


def test_mistyped_code_is_told_apart_from_an_unknown_one(db):
    known = certificate()
    with pytest.raises(MistypedCode) as mistyped:
        verify(db, one_changed(known.code))
    assert mistyped.value.message == "This code looks mistyped — check the characters."
    with pytest.raises(NotFound) as unknown:
        verify(db, generate_code())
    assert unknown.value.message == "No certificate has this code."
    with pytest.raises(NotFound):
        verify(db, "not-a-code")


def test_codes_are_found_whatever_the_case_spacing_and_lookalikes(db):
    stored = certificate(code="K7M2-QZ9T-X4HW-0RND")
    for typed in ("k7m2qz9tx4hw0rnd", " K7M2 QZ9T X4HW ORND ", "k7m2-qz9t-x4hw-0rnd"):
        assert verification.find_by_code(db.session, typed).id == stored.id


def test_legacy_code_matches_exactly_before_the_lifeline_form(db):
    legacy = certificate(code="k7m2qz9tx4hw0rnd")
    lifeline = certificate(code="K7M2-QZ9T-X4HW-0RND")
    assert verification.find_by_code(db.session, "k7m2qz9tx4hw0rnd").id == legacy.id
    assert verification.find_by_code(db.session, "K7M2QZ9TX4HW0RND").id == lifeline.id
    old = certificate(code="ARC-2019.0042")
    assert verification.find_by_code(db.session, "ARC-2019.0042").id == old.id


def test_public_record_holds_no_email_and_no_internal_id(db):
    holder = factories.learner(full_name="Dana Reyes", email="dana@example.test")
    card = certificate(holder=holder, external_issuer="AHA", external_id="ECARD-12345")
    record = verification.certificate_view(card, TODAY)
    assert record["holder_name"] == "Dana Reyes"
    assert record["external_card"] == {"issuer": "AHA", "id": "ECARD-12345"}
    flat = repr(record)
    assert "dana@example.test" not in flat
    assert not {"id", "holder_id", "course_id", "session_id", "certificate_id"} & set(record)


def test_reissued_record_links_both_ways(db):
    old = certificate(revoked_at=NOW, revoked_reason="Name corrected")
    new = certificate(holder=old.holder, course=old.course, replaces=old)
    assert verify(db, old.code).record["replaced_by"] == new.code
    assert verify(db, new.code).record["replaces"] == old.code


def test_heartsaver_card_checked_against_bls_gives_the_reasons(db):
    card = certificate(course=heartsaver_course())
    answer = verify(db, card.code, parse_requirement("bls", TODAY))
    assert answer.meets_requirement is False
    assert answer.reasons == [
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS).",
        "Missing topics: child CPR, infant CPR.",
    ]
    workplace = verify(db, card.code, parse_requirement("workplace_cpr_aed", TODAY))
    assert workplace.meets_requirement is True and workplace.reasons == []


def test_every_lookup_is_logged_known_or_not(db):
    card = certificate()
    employer = factories.employer()
    verify(db, card.code, channel="qr")
    with contextlib.suppress(NotFound):
        verify(db, generate_code(), channel="api")
    with contextlib.suppress(MistypedCode):
        verify(db, one_changed(card.code), channel="web",
               caller=verification.Caller(account_id=employer.id))
    rows = db.session.scalars(select(VerificationLog).order_by(VerificationLog.id)).all()
    assert [(r.outcome, r.channel) for r in rows] == [
        ("valid", "qr"), ("not_found", "api"), ("mistyped", "web"),
    ]
    assert rows[0].certificate_id == card.id and rows[1].certificate_id is None
    assert rows[0].code_queried == card.code
    assert rows[0].ip_hash == ANONYMOUS.ip_hash and len(rows[0].ip_hash) == 64
    assert "203.0.113.9" not in rows[0].ip_hash
    assert rows[2].account_id == employer.id and rows[2].ip_hash is None
    assert rows[0].created_at == NOW


def test_ip_hash_depends_on_the_secret(db):
    assert verification.hash_ip("198.51.100.1", "a") != verification.hash_ip("198.51.100.1", "b")


def test_bulk_answers_in_the_order_sent_echoing_each_code(db):
    card = certificate(code="K7M2-QZ9T-X4HW-0RND")
    sent = ["k7m2 qz9t x4hw 0rnd", "nope", one_changed(card.code), card.code]
    answers = verification.verify_codes(db.session, sent, None, today=TODAY, now=NOW,
                                        channel="bulk", caller=ANONYMOUS)
    assert [a.code for a in answers] == sent
    assert [a.status for a in answers] == ["valid", "not_found", "mistyped", "valid"]
    assert answers[0].as_json()["certificate"]["code"] == "K7M2-QZ9T-X4HW-0RND"
    assert answers[1].as_json() == {
        "code": "nope", "found": False, "status": "not_found", "meets_requirement": None,
        "reasons": ["No certificate has this code."], "certificate": None,
    }


@contextlib.contextmanager
def counted_statements(engine):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def mixed_codes(db, total: int) -> list[str]:
    """`total` codes, a fifth each valid, expired, revoked (reissued), unknown and mistyped."""
    holder, course = factories.learner(), factories.CourseFactory()
    share = total // 5
    made = []
    for index in range(share * 3):
        kind = index % 3
        made.append(Certificate(
            code=generate_code(), holder=holder, holder_name=holder.full_name, course=course,
            course_code=course.code, course_title=course.title, course_family=course.family,
            level=course.level, topics_mask=course.topics_mask,
            guidelines_mask=course.guidelines_mask, training_center="Lifeline",
            issued_on=TODAY - timedelta(days=800 if kind == 1 else 30),
            expires_on=TODAY + timedelta(days=-5 if kind == 1 else 600),
            revoked_at=NOW if kind == 2 else None, revoked_reason="Name" if kind == 2 else None,
        ))
    db.session.add_all(made)
    db.session.flush()
    for old, new in zip(made[2::3], made[0::3], strict=True):
        new.replaces_id = old.id
    db.session.commit()
    codes = [c.code for c in made]
    codes += [generate_code() for _ in range(share)]
    codes += [one_changed(c.code) for c in made[:share]]
    return codes


def test_bulk_of_500_codes_takes_as_many_statements_as_bulk_of_5(db):
    codes = mixed_codes(db, 500)
    assert len(codes) == 500
    bls = parse_requirement("bls", TODAY)
    counts = {}
    for size, sample in ((5, codes[::100]), (500, codes)):
        db.session.expire_all()
        with counted_statements(db.engine) as statements:
            answers = verification.verify_codes(db.session, sample, bls, today=TODAY, now=NOW,
                                                channel="bulk", caller=ANONYMOUS)
            results = [answer.as_json() for answer in answers]
        counts[size] = len(statements)
        assert len(results) == size
    assert counts[5] == counts[500] == 2  # one look-up, one insert into the log
    statuses = [r["status"] for r in results]
    assert {s: statuses.count(s) for s in set(statuses)} == {
        "valid": 100, "expired": 100, "revoked": 100, "not_found": 100, "mistyped": 100,
    }
    revoked = next(r for r in results if r["status"] == "revoked")
    assert revoked["certificate"]["replaced_by"] and revoked["meets_requirement"] is False
    logged = db.session.query(VerificationLog).order_by(VerificationLog.id).all()[5:]
    assert sorted((row.code_queried, row.outcome) for row in logged) == sorted(
        (result["code"], result["status"]) for result in results)
    assert {(row.channel, row.ip_hash) for row in logged} == {("bulk", ANONYMOUS.ip_hash)}



@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_sqlite_finds_linked_codes_by_index_once_analyzed(db):
    """With replaces_id NULL on almost every card, SQLite's ANALYZE statistics once made the
    look-up scan the whole certificate table for each code (a bulk of 500 took seconds)."""
    card = certificate()
    code = card.code
    db.session.execute(insert(Certificate), [
        {**{column: getattr(card, column) for column in _COPIED}, "code": generate_code()}
        for _ in range(2000)])
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    db.engine.dispose()  # SQLite reads the statistics as a connection opens
    with counted_statements(db.engine) as statements:
        verification.verify_codes(db.session, [code], None, today=TODAY, now=NOW,
                                  channel="bulk", caller=ANONYMOUS)
    (lookup, parameters), _log_insert = statements
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}", parameters)
    assert [step for *_, step in plan if step.startswith("SCAN")] == []


_COPIED = ("holder_id", "holder_name", "course_id", "course_code", "course_title",
           "course_family", "level", "topics_mask", "guidelines_mask", "training_center",
           "issued_on", "expires_on", "created_at")
