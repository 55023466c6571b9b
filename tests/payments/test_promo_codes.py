"""API-2.md §2, promo codes: created and listed by admins, case-insensitive, percent or amount
off, dates, courses, and a use limit counted atomically (the last use is taken once)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db as _db
from app.models import Enrollment, PromoCode, User
from app.models.base import utcnow
from app.services import payments
from app.services.schedule import changes as schedule_changes
from tests import factories
from tests.reliability.race import private_engine, run_together


def create(client, api_token, **body):
    return client.post("/api/v1/promo-codes", json=body, headers=api_token(factories.admin()))


def test_admins_create_and_list_promo_codes(client, db, api_token):
    course = factories.CourseFactory(code="BLS-HCP")
    made = create(client, api_token, code="spring10", percent_off=10, max_uses=5,
                  valid_from="2026-01-01", valid_until="2036-12-31", courses=["bls-hcp"])
    assert made.status_code == 201
    assert made.get_json() == {"code": "SPRING10", "percent_off": 10, "amount_off_cents": None,
                               "valid_from": "2026-01-01", "valid_until": "2036-12-31",
                               "max_uses": 5, "uses": 0, "courses": [course.code]}
    listed = client.get("/api/v1/promo-codes", headers=api_token(factories.admin()))
    assert [p["code"] for p in listed.get_json()["items"]] == ["SPRING10"]
    again = create(client, api_token, code="Spring10", amount_off_cents=500)
    assert again.status_code == 409


def test_promo_code_refusals(client, db, api_token):
    both = create(client, api_token, code="BOTH", percent_off=10, amount_off_cents=100)
    neither = create(client, api_token, code="NONE")
    no_course = create(client, api_token, code="X1", percent_off=5, courses=["NOPE"])
    backwards = create(client, api_token, code="X2", percent_off=5, valid_from="2030-01-02",
                       valid_until="2030-01-01")
    for answer in (both, neither, no_course, backwards):
        assert answer.status_code == 422
    learner = client.post("/api/v1/promo-codes", json={"code": "ZZ", "percent_off": 5},
                          headers=api_token(factories.learner()))
    assert learner.status_code == 403


def test_a_code_takes_its_discount_in_any_case(client, db, api_token, enroll):
    create(client, api_token, code="TENOFF", amount_off_cents=1000)
    create(client, api_token, code="HALF", percent_off=50)
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=5)
    assert enroll(class_session, promo_code="tenoff")[0].get_json()["payment"][
        "amount_cents"] == 7500
    assert enroll(class_session, promo_code=" Half ")[0].get_json()["payment"][
        "amount_cents"] == 4250
    uses = {p.code: p.uses for p in _db.session.query(PromoCode)}
    assert uses == {"TENOFF": 1, "HALF": 1}


def test_a_hundred_percent_code_enrolls_at_once_with_no_payment_required(
        client, db, api_token, enroll, stripe_on):
    create(client, api_token, code="FREE", percent_off=100)
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    body = enroll(class_session, promo_code="FREE")[0].get_json()
    assert body["status"] == "enrolled"
    assert body["payment"]["status"] == "not_required" and body["payment"]["amount_cents"] == 0
    assert stripe_on.calls_to("/v1/checkout/sessions") == []


@pytest.mark.parametrize("body, why", [
    ({"code": "GONE", "percent_off": 10, "valid_until": "2020-01-01"}, "expired"),
    ({"code": "LATER", "percent_off": 10, "valid_from": "2099-01-01"}, "not yet"),
    ({"code": "ONCE", "percent_off": 10, "max_uses": 1}, "used up"),
    ({"code": "OTHER", "percent_off": 10, "courses": ["OTHER-COURSE"]}, "another course"),
])
def test_a_code_that_cannot_be_used_is_422_invalid_promo_code(client, db, api_token, enroll,
                                                               body, why):
    factories.CourseFactory(code="OTHER-COURSE")
    create(client, api_token, **body)
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=5)
    if why == "used up":
        assert enroll(class_session, promo_code=body["code"])[0].status_code == 201
    refused, learner = enroll(class_session, promo_code=body["code"])
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid_promo_code"
    unknown = enroll(class_session, promo_code="NO-SUCH-CODE")[0]
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "invalid_promo_code"


def test_a_held_seat_that_lapses_gives_its_use_back(db):
    promo = PromoCode(code="ONE", percent_off=10, max_uses=1, uses=0)
    db.session.add(promo)
    db.session.commit()
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    online = payments.PaymentSettings(provider="stripe")
    payments.enroll(db.session, factories.learner(), class_session.id,
                    utcnow() - timedelta(hours=1), online, promo_code="one")
    assert db.session.get(PromoCode, promo.id).uses == 1
    payments.release_lapsed_holds(db.session, utcnow())
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses == 0


def test_a_place_given_up_without_keeping_money_gives_its_use_back(db):
    """API-2 §2: uses count only enrollments that paid or hold a seat — a free seat (a 100 %
    code) cancelled, a paid one refunded, and every seat of a class the center cancels."""
    free = PromoCode(code="FREE", percent_off=100, max_uses=5, uses=0)
    half = PromoCode(code="HALF", percent_off=50, max_uses=5, uses=0)
    db.session.add_all([free, half])
    db.session.commit()
    manual = payments.PaymentSettings()
    far = factories.ClassSessionFactory(course__price_cents=8500,
                                        starts_at=utcnow() + timedelta(days=10))
    learner, payer = factories.learner(), factories.learner()
    seat = payments.enroll(db.session, learner, far.id, utcnow(), manual, promo_code="free")
    paid = payments.enroll(db.session, payer, far.id, utcnow(), manual, promo_code="half")
    payments.record_payment(db.session, factories.admin(), paid.id, "paid", "cash", None,
                            utcnow(), manual)
    assert (db.session.get(PromoCode, free.id).uses, db.session.get(PromoCode, half.id).uses) \
        == (1, 1)
    payments.cancel_enrollment(db.session, learner, seat.id, utcnow(), manual)
    payments.cancel_enrollment(db.session, payer, paid.id, utcnow(), manual)
    db.session.expire_all()
    assert db.session.get(Enrollment, paid.id).payment.status == "refunded"
    assert (db.session.get(PromoCode, free.id).uses, db.session.get(PromoCode, half.id).uses) \
        == (0, 0)
    payments.enroll(db.session, factories.learner(), far.id, utcnow(), manual, promo_code="free")
    schedule_changes.cancel_session(db.session, factories.admin(), far, "Room flooded", utcnow())
    db.session.expire_all()
    assert db.session.get(PromoCode, free.id).uses == 0


def test_a_waitlist_place_counts_against_its_code_only_once_it_has_a_seat(db):
    promo = PromoCode(code="WAIT", percent_off=10, max_uses=5, uses=0)
    db.session.add(promo)
    db.session.commit()
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=1)
    manual = payments.PaymentSettings(provider="manual")
    now = utcnow()
    holder = payments.enroll(db.session, factories.learner(), class_session.id, now, manual)
    waiting = [payments.enroll(db.session, factories.learner(), class_session.id, now, manual,
                               promo_code="wait") for _ in range(2)]
    assert [e.status for e in waiting] == ["waitlisted", "waitlisted"]
    assert [e.payment.amount_cents for e in waiting] == [7650, 7650]  # the price promised
    assert db.session.get(PromoCode, promo.id).uses == 0
    payments.cancel_enrollment(db.session, waiting[1].learner, waiting[1].id, now, manual)
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses == 0  # a waitlist place gives none back
    payments.cancel_enrollment(db.session, holder.learner, holder.id, now, manual)
    db.session.expire_all()
    promoted = db.session.get(type(waiting[0]), waiting[0].id)
    assert promoted.status == "enrolled" and promoted.payment.amount_cents == 7650
    assert db.session.get(PromoCode, promo.id).uses == 1
    payments.cancel_enrollment(db.session, promoted.learner, promoted.id, now, manual)
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).uses == 0


@pytest.fixture
def race_engine(any_db_app):
    engine = private_engine(str(_db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


def test_the_last_use_of_a_code_cannot_be_taken_twice(race_engine):
    promo = PromoCode(code="LAST", percent_off=20, max_uses=3, uses=0)
    _db.session.add(promo)
    _db.session.commit()
    class_id = factories.ClassSessionFactory(course__price_cents=8500, capacity=20).id
    ids = [factories.learner().id for _ in range(12)]
    manual = payments.PaymentSettings()

    def job_for(learner_id):
        def job(session):
            learner = session.get(User, learner_id)
            try:
                return payments.enroll(session, learner, class_id, utcnow(), manual,
                                       promo_code="last").payment.promo_code_id is not None
            except payments.InvalidPromoCode:
                return False
        return job

    outcomes, errors = run_together(race_engine, [job_for(i) for i in ids])
    assert errors == []
    assert outcomes.count(True) == 3
    _db.session.expire_all()
    assert _db.session.get(PromoCode, promo.id).uses == 3
