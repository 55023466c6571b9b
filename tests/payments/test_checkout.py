"""API-2.md §2, enrolling in a priced class: the manual default (a seat, payment unpaid) and
Stripe (a held seat, a Checkout Session made as the contract says)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db as _db
from app.models import ClassSession, Enrollment
from app.models.base import utcnow
from app.payment_edge import payment_provider, payment_settings
from app.services import payments
from app.services.errors import PaymentUnavailable
from app.services.payments import providers
from tests import factories
from tests.support import fake_stripe


def test_manual_provider_enrolls_a_priced_class_with_payment_unpaid(client, db, enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    response, _ = enroll(class_session)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "enrolled"
    assert body["payment"] == {"status": "unpaid", "amount_cents": 8500, "currency": "usd",
                               "checkout_url": None, "hold_expires_at": None, "method": None,
                               "reference": None}


def test_a_free_class_needs_no_payment(client, db, enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=0)
    body = enroll(class_session)[0].get_json()
    assert body["status"] == "enrolled" and body["payment"]["status"] == "not_required"


def test_a_session_price_overrides_the_course_price(client, db, enroll, api_token):
    class_session = factories.ClassSessionFactory(course__price_cents=8500, price_cents=4000)
    assert enroll(class_session)[0].get_json()["payment"]["amount_cents"] == 4000
    shown = client.get(f"/api/v1/sessions/{class_session.id}").get_json()
    assert shown["price_cents"] == 4000


def test_sessions_accept_a_price_of_their_own(client, db, api_token):
    course = factories.CourseFactory(price_cents=8500)
    instructor = factories.authorised_instructor(course.family)
    headers = api_token(factories.admin())
    body = {"course": course.code, "starts_at": "2027-03-04T14:00:00+00:00",
            "ends_at": "2027-03-04T18:00:00+00:00", "location": "Room 2",
            "instructor_email": instructor.email, "capacity": 8, "price_cents": 3000}
    created = client.post("/api/v1/sessions", json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["price_cents"] == 3000
    changed = client.patch(f"/api/v1/sessions/{created.get_json()['id']}",
                           json={"price_cents": 2500}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["price_cents"] == 2500


def test_stripe_holds_the_seat_and_makes_a_checkout_session_as_the_contract_says(
        client, db, stripe_on, enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=1)
    response, learner = enroll(class_session)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending_payment"
    payment = body["payment"]
    assert payment["status"] == "pending" and payment["amount_cents"] == 8500
    assert payment["checkout_url"].startswith("https://checkout.stripe.test/c/pay/cs_test_")
    [call] = stripe_on.calls_to("/v1/checkout/sessions")
    assert call.authorization == f"Bearer {fake_stripe.SECRET_KEY}"
    assert call.params["mode"] == "payment"
    assert call.params["client_reference_id"] == str(body["id"])
    assert call.params["metadata"] == {"enrollment_id": str(body["id"])}
    assert call.params["line_items"]["0"]["price_data"]["unit_amount"] == "8500"
    assert call.params["line_items"]["0"]["quantity"] == "1"
    hold_end = datetime.fromisoformat(payment["hold_expires_at"])
    assert int(call.params["expires_at"]) == int(hold_end.timestamp())
    assert call.idempotency_key == f"checkout-{body['id']}-{int(hold_end.timestamp())}"
    _db.session.expire_all()
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 1
    # the held seat counts against capacity: the next learner waitlists
    assert enroll(class_session)[0].get_json()["status"] == "waitlisted"


def test_a_checkout_that_stripe_refuses_keeps_the_hold_and_offers_the_pay_page(
        client, db, stripe_on, enroll, login):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    stripe_on.fail("/v1/checkout/sessions", fake_stripe.CARD_DECLINED)
    response, learner = enroll(class_session)
    body = response.get_json()
    assert response.status_code == 201 and body["status"] == "pending_payment"
    assert body["payment"]["checkout_url"] == f"http://lifeline.test/enrollments/{body['id']}/pay"
    login(learner)
    page = client.get(f"/enrollments/{body['id']}/pay")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("https://checkout.stripe.test/c/pay/")
    first, second = stripe_on.calls_to("/v1/checkout/sessions")
    assert first.idempotency_key == second.idempotency_key
    assert first.params == second.params


def test_a_checkout_retried_minutes_later_asks_for_an_end_stripe_still_accepts(
        client, db, stripe_on, enroll):
    """The first request's end is under 30 minutes away by then, which Stripe refuses (the
    local server does too): the retry asks for a new end, under a new key, and the hold is
    lengthened to match."""
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    stripe_on.fail("/v1/checkout/sessions", fake_stripe.SERVER_ERROR, times=3)
    body = enroll(class_session)[0].get_json()
    assert body["payment"]["checkout_url"].endswith(f"/enrollments/{body['id']}/pay")
    later = utcnow() + timedelta(minutes=5)
    url = payments.open_checkout(_db.session, payment_provider(), body["id"], later,
                                 payment_settings())
    assert url.startswith("https://checkout.stripe.test/")
    first, retried = stripe_on.calls_to("/v1/checkout/sessions")[0], stripe_on.calls_to(
        "/v1/checkout/sessions")[-1]
    assert first.idempotency_key != retried.idempotency_key
    ends = datetime.fromtimestamp(int(retried.params["expires_at"]), UTC)
    assert ends >= later + timedelta(minutes=30)
    hold_end = _db.session.get(Enrollment, body["id"]).hold_expires_at
    assert abs((hold_end - ends).total_seconds()) < 1


def test_a_checkout_stripe_would_refuse_for_its_end_is_refused_by_the_local_server_too(
        stripe_on):
    """The local server keeps Stripe's 30-minute-to-24-hour rule, so the test above means it."""
    provider = providers.StripeProvider(fake_stripe.SECRET_KEY, fake_stripe.WEBHOOK_SECRET,
                                        stripe_on.url)
    for minutes in (29, 24 * 60 + 5):
        request = providers.CheckoutRequest(
            enrollment_id=1, amount_cents=8500, currency="usd", description="BLS",
            customer_email="a@example.test", expires_at=utcnow() + timedelta(minutes=minutes),
            success_url="http://lifeline.test/", cancel_url="http://lifeline.test/")
        with pytest.raises(PaymentUnavailable):
            provider.create_checkout(request)


def test_a_stripe_server_error_is_retried_with_the_same_idempotency_key(
        client, db, stripe_on, enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    stripe_on.fail("/v1/checkout/sessions", fake_stripe.SERVER_ERROR)
    body = enroll(class_session)[0].get_json()
    assert body["payment"]["checkout_url"].startswith("https://checkout.stripe.test/")
    calls = stripe_on.calls_to("/v1/checkout/sessions")
    assert len(calls) == 2 and len(stripe_on.checkouts) == 1
    assert calls[0].idempotency_key == calls[1].idempotency_key


def test_stripe_with_a_full_class_still_waitlists(client, db, stripe_on, enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=1)
    factories.EnrollmentFactory(session=class_session)
    body = enroll(class_session)[0].get_json()
    assert body["status"] == "waitlisted" and body["payment"]["checkout_url"] is None
    assert stripe_on.calls_to("/v1/checkout/sessions") == []


def test_the_checkout_lasts_at_least_stripes_shortest_session(client, db, stripe_on, enroll,
                                                              app):
    app.config["SEAT_HOLD_MINUTES"] = 5
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    body = enroll(class_session)[0].get_json()
    hold_end = datetime.fromisoformat(body["payment"]["hold_expires_at"])
    created = _db.session.get(Enrollment, body["id"]).created_at
    assert hold_end - created >= timedelta(minutes=30)
    app.config["SEAT_HOLD_MINUTES"] = 30


def test_with_no_configuration_payments_are_manual_in_dollars():
    from config import Config

    assert (Config.PAYMENT_PROVIDER, Config.CURRENCY, Config.SEAT_HOLD_MINUTES,
            Config.REFUND_CUTOFF_HOURS, Config.STRIPE_API_BASE) == (
        "manual", "usd", 30, 48, "https://api.stripe.com")
