"""Money that two people settle at once, and money that follows a learner (a review of the
stray-charge work): staff recording a held seat while Stripe's payment of it is applied, a
transferred learner's payment, a promo use across a lapse and a late payment."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import ClassSession, Enrollment, PromoCode, StrayCharge, User
from app.models.base import utcnow
from app.services import payments
from app.services.errors import Conflict
from app.services.schedule import changes as schedule_changes
from tests import factories
from tests.reliability.race import private_engine, run_together
from tests.support import fake_stripe

ONLINE = payments.PaymentSettings(provider="stripe")


@pytest.fixture
def race_engine(any_db_app):
    engine = private_engine(str(_db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


def paid_event(enrollment_id: int, intent: str) -> dict:
    checkout = {"id": f"cs_{intent}", "object": "checkout.session", "payment_status": "paid",
                "metadata": {"enrollment_id": str(enrollment_id)}, "amount_total": 8500,
                "currency": "usd", "payment_intent": intent}
    return json.loads(fake_stripe.event("checkout.session.completed", checkout))


@pytest.mark.parametrize("run", range(5))
def test_staff_cash_and_stripes_payment_of_one_hold_at_once_keep_one_and_give_back_the_other(
        race_engine, run):
    """Either Stripe's payment counts and staff are refused, or the cash counts and Stripe's
    money is a stray charge to refund: never both kept, never one silently overwritten."""
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=1)
    enrollment_id = payments.enroll(_db.session, factories.learner(), class_session.id,
                                    utcnow(), ONLINE).id
    admin_id = factories.admin().id
    event = paid_event(enrollment_id, f"pi_race_{run}")

    def webhook(session):
        return payments.apply_event(session, event, utcnow(), ONLINE)

    def staff(session):
        try:
            payments.record_payment(session, session.get(User, admin_id),
                                    enrollment_id, "paid", "cash", "till", utcnow(), ONLINE)
        except Conflict:
            return "refused"
        return "recorded"

    outcomes, errors = run_together(race_engine, [webhook, staff])
    assert errors == []
    _db.session.expire_all()
    payment = _db.session.get(Enrollment, enrollment_id).payment
    strays = _db.session.scalars(select(StrayCharge.payment_intent)).all()
    if payment.method == "stripe":
        assert sorted(outcomes) == ["paid", "refused"] and strays == []
    else:
        assert sorted(outcomes) == ["already_settled_refunded", "recorded"]
        assert (payment.method, strays) == ("cash", [f"pi_race_{run}"])
    assert payment.status == "paid"


def test_a_transferred_learners_payment_moves_with_them(db, stripe_on, enroll, deliver):
    source = factories.ClassSessionFactory(course__price_cents=8500)
    target = factories.ClassSessionFactory(course=source.course)
    old_id = enroll(source)[0].get_json()["id"]
    checkout_id = _db.session.get(Enrollment, old_id).payment.checkout_session_id
    deliver(fake_stripe.event("checkout.session.completed",
                              stripe_on.paid(checkout_id, intent="pi_moved")))
    new = schedule_changes.transfer_enrollment(_db.session, factories.admin(), old_id, target.id,
                                               utcnow(), zone_name="America/New_York")
    _db.session.expire_all()
    assert _db.session.get(Enrollment, old_id).payment is None
    moved = _db.session.get(Enrollment, new.id).payment
    assert (moved.status, moved.reference) == ("paid", "pi_moved")
    # The old class cancelled by the center refunds nothing: the money pays the new seat.
    schedule_changes.cancel_session(_db.session, factories.admin(), _db.session.get(
        ClassSession, source.id), "Storm", utcnow())
    _db.session.expire_all()
    assert _db.session.get(Enrollment, new.id).payment.refund_requested_at is None
    schedule_changes.cancel_session(_db.session, factories.admin(), _db.session.get(
        ClassSession, target.id), "Storm", utcnow())
    _db.session.expire_all()
    assert _db.session.get(Enrollment, new.id).payment.refund_requested_at is not None


def test_a_late_payment_that_keeps_its_seat_counts_its_promo_use_again(db, stripe_on, enroll,
                                                                        deliver):
    """The lapse gave the use back; the seat taken again takes it again, so a later refund
    gives it back once, not twice."""
    promo = PromoCode(code="TEN", percent_off=10, max_uses=5, uses=0)
    _db.session.add(promo)
    _db.session.commit()
    class_session = factories.ClassSessionFactory(course__price_cents=8500,
                                                  starts_at=utcnow() + timedelta(days=9))
    body, learner = enroll(class_session, promo_code="ten")
    enrollment_id = body.get_json()["id"]
    checkout_id = _db.session.get(Enrollment, enrollment_id).payment.checkout_session_id
    payments.release_lapsed_holds(_db.session, utcnow() + timedelta(hours=2))
    _db.session.expire_all()
    assert _db.session.get(PromoCode, promo.id).uses == 0
    late = deliver(fake_stripe.event("checkout.session.completed",
                                     stripe_on.paid(checkout_id, amount_total=7650)))
    assert late.get_json()["outcome"] == "paid_late_seat_kept"
    _db.session.expire_all()
    assert _db.session.get(PromoCode, promo.id).uses == 1
    payments.cancel_enrollment(_db.session, learner, enrollment_id, utcnow(), ONLINE)
    _db.session.expire_all()
    assert _db.session.get(PromoCode, promo.id).uses == 0
