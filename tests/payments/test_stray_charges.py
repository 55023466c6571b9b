"""Money Stripe took that nothing is owed for is given back (API-2.md §2: "money and seats are
never lost or doubled"): a hold settled by staff while its Checkout was open, a second Checkout
of the same seat paid, and the delayed-payment events that settle a Checkout later."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db as _db
from app.models import Enrollment, Notification, StrayCharge
from app.models.base import utcnow
from app.payment_edge import payment_provider
from app.services import payments
from tests import factories
from tests.payments.test_webhooks import checkout_of, held_seat, state
from tests.support import fake_stripe


def record_cash(client, api_token, enrollment_id: int):
    return client.post(f"/api/v1/enrollments/{enrollment_id}/payment",
                       json={"status": "paid", "method": "cash", "reference": "till 4"},
                       headers=api_token(factories.admin()))


def test_staff_settling_a_hold_stop_its_checkout_and_a_payment_made_anyway_goes_back(
        client, db, stripe_on, enroll, deliver, api_token):
    _, enrollment_id, learner = held_seat(enroll)
    checkout_id = checkout_of(enrollment_id)
    assert record_cash(client, api_token, enrollment_id).status_code == 200
    assert [c.path for c in stripe_on.calls_to(f"/v1/checkout/sessions/{checkout_id}/expire")]
    assert stripe_on.checkouts[checkout_id]["status"] == "expired"
    # The learner had pressed "Pay" a moment before: Stripe took the money anyway.
    late = stripe_on.paid(checkout_id, intent="pi_twice")
    answer = deliver(fake_stripe.event("checkout.session.completed", late))
    assert answer.get_json()["outcome"] == "already_settled_refunded"
    assert state(enrollment_id) == ("enrolled", "paid")
    payment = _db.session.get(Enrollment, enrollment_id).payment
    assert (payment.method, payment.reference) == ("cash", "till 4")
    refunds = stripe_on.calls_to("/v1/refunds")
    assert [(c.params["payment_intent"], c.params["amount"], c.idempotency_key)
            for c in refunds] == [("pi_twice", "8500", "stray-pi_twice")]
    charge = _db.session.scalar(select(StrayCharge))
    assert charge.refunded_at is not None and charge.refund_reference.startswith("re_test_")
    mail = _db.session.scalar(select(Notification).where(
        Notification.kind == "stray_charge_refunded"))
    assert mail.recipient_email == learner.email and mail.context["reason"] == "already_settled"
    again = deliver(fake_stripe.event("checkout.session.completed", late, event_id="evt_again"))
    assert again.get_json()["outcome"] == "already_settled_refunded"
    assert len(stripe_on.calls_to("/v1/refunds")) == 1  # one refund per payment intent


def test_the_same_payment_announced_again_is_not_refunded(client, db, stripe_on, enroll,
                                                          deliver):
    _, enrollment_id, _ = held_seat(enroll)
    paid = stripe_on.paid(checkout_of(enrollment_id), intent="pi_once")
    assert deliver(fake_stripe.event("checkout.session.completed", paid)).get_json()[
        "outcome"] == "paid"
    again = deliver(fake_stripe.event("checkout.session.async_payment_succeeded", paid))
    assert again.get_json()["outcome"] == "already_settled"
    assert stripe_on.calls_to("/v1/refunds") == []
    assert state(enrollment_id) == ("enrolled", "paid")


def test_a_second_checkout_paid_for_a_paid_seat_is_refunded(client, db, stripe_on, enroll,
                                                            deliver):
    _, enrollment_id, _ = held_seat(enroll)
    first = stripe_on.paid(checkout_of(enrollment_id), intent="pi_first")
    deliver(fake_stripe.event("checkout.session.completed", first))
    second = dict(first, id="cs_test_other", payment_intent="pi_second")
    answer = deliver(fake_stripe.event("checkout.session.completed", second))
    assert answer.get_json()["outcome"] == "already_settled_refunded"
    assert [c.params["payment_intent"] for c in stripe_on.calls_to("/v1/refunds")] == [
        "pi_second"]
    assert _db.session.get(Enrollment, enrollment_id).payment.reference == "pi_first"


def test_a_stray_refund_stripe_fails_is_made_by_the_next_sweep_once(
        client, db, stripe_on, enroll, deliver):
    _, enrollment_id, _ = held_seat(enroll)
    first = stripe_on.paid(checkout_of(enrollment_id), intent="pi_first")
    deliver(fake_stripe.event("checkout.session.completed", first))
    stripe_on.fail("/v1/refunds", fake_stripe.SERVER_ERROR, times=3)  # the library retries 2×
    second = dict(first, id="cs_test_other", payment_intent="pi_second")
    deliver(fake_stripe.event("checkout.session.completed", second))
    assert _db.session.scalar(select(StrayCharge.refunded_at)) is None
    assert payments.sweep(_db.session, payment_provider(), utcnow()) == (0, 1)
    assert payments.sweep(_db.session, payment_provider(), utcnow()) == (0, 0)
    assert _db.session.scalar(select(StrayCharge.refund_reference)).startswith("re_test_")


def test_delayed_payment_events_settle_or_release_the_hold(client, db, stripe_on, enroll,
                                                          deliver):
    _, paid_id, _ = held_seat(enroll)
    checkout = stripe_on.paid(checkout_of(paid_id), intent="pi_debit")
    assert deliver(fake_stripe.event("checkout.session.async_payment_succeeded",
                                     checkout)).get_json()["outcome"] == "paid"
    assert state(paid_id) == ("enrolled", "paid")
    _, failed_id, _ = held_seat(enroll)
    failed = dict(stripe_on.checkouts[checkout_of(failed_id)], status="complete")
    assert deliver(fake_stripe.event("checkout.session.async_payment_failed",
                                     failed)).get_json()["outcome"] == "released"
    assert state(failed_id) == ("cancelled", "expired")


def test_checkouts_ask_for_cards_only(client, db, stripe_on, enroll):
    held_seat(enroll)
    made = stripe_on.calls_to("/v1/checkout/sessions")[0]
    assert made.params["payment_method_types"] == {"0": "card"}


def test_staff_see_the_stray_charges_and_their_refunds_on_the_payments_page(
        client, db, stripe_on, enroll, deliver, login):
    _, enrollment_id, learner = held_seat(enroll)
    first = stripe_on.paid(checkout_of(enrollment_id), intent="pi_first")
    deliver(fake_stripe.event("checkout.session.completed", first))
    deliver(fake_stripe.event("checkout.session.completed",
                              dict(first, id="cs_test_other", payment_intent="pi_second")))
    login(factories.admin())
    page = client.get("/admin/payments").get_data(as_text=True)
    assert "Charges refunded because nothing was owed" in page
    assert "pi_second" in page and learner.email in page and "the seat was already settled" in page
    assert "re_test_" in page
