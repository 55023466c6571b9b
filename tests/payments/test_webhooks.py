"""API-2.md §2, POST /payments/stripe/webhook: verified signatures, each event applied once,
amounts checked, completion enrolls with a receipt, expiry releases, late payments."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import ClassSession, Enrollment, Notification, StripeEvent
from app.models.base import utcnow
from app.payment_edge import payment_provider, payment_settings
from app.services import payments
from tests import factories
from tests.reliability.race import private_engine, run_together
from tests.support import fake_stripe


@pytest.fixture
def race_engine(any_db_app):
    engine = private_engine(str(_db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


def held_seat(enroll, capacity=1, price=8500):
    class_session = factories.ClassSessionFactory(course__price_cents=price, capacity=capacity)
    response, learner = enroll(class_session)
    body = response.get_json()
    assert body["status"] == "pending_payment"
    return class_session, body["id"], learner


def checkout_of(enrollment_id: int) -> str:
    return _db.session.get(Enrollment, enrollment_id).payment.checkout_session_id


def state(enrollment_id: int) -> tuple[str, str]:
    _db.session.expire_all()
    enrollment = _db.session.get(Enrollment, enrollment_id)
    return enrollment.status, enrollment.payment.status


def test_a_paid_checkout_enrolls_and_mails_the_confirmation_with_a_receipt(
        client, db, stripe_on, enroll, deliver):
    class_session, enrollment_id, learner = held_seat(enroll)
    checkout = stripe_on.paid(checkout_of(enrollment_id), intent="pi_123")
    answer = deliver(fake_stripe.event("checkout.session.completed", checkout))
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "paid"
    assert state(enrollment_id) == ("enrolled", "paid")
    enrollment = _db.session.get(Enrollment, enrollment_id)
    assert enrollment.payment.reference == "pi_123" and enrollment.payment.method == "stripe"
    mail = _db.session.scalar(select(Notification).where(
        Notification.event_key == f"enrollment_confirmed:{enrollment_id}"))
    assert mail is not None and mail.recipient_email == learner.email
    attachments = payments.receipt_attachments(_db.session, mail, client.application.config)
    assert attachments[0][1] == "application/pdf" and attachments[0][2].startswith(b"%PDF")


def test_a_bad_or_missing_signature_is_400_and_changes_nothing(
        client, db, stripe_on, enroll, deliver, caplog):
    _, enrollment_id, _ = held_seat(enroll)
    payload = fake_stripe.event("checkout.session.completed",
                                stripe_on.paid(checkout_of(enrollment_id)))
    wrong_secret = deliver(payload, secret="whsec_wrong")
    missing = deliver(payload, header="")
    stale = deliver(payload, timestamp=int(time.time()) - 301)
    tampered = deliver(payload.replace(b"8500", b"8501"),
                       header=fake_stripe.signature(payload))
    for answer in (wrong_secret, missing, stale, tampered):
        assert answer.status_code == 400
        assert answer.get_json()["error"] == "invalid_signature"
    assert state(enrollment_id) == ("pending_payment", "pending")
    assert _db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0
    assert "bad or missing signature" in caplog.text


def test_a_signature_within_five_minutes_is_accepted(client, db, stripe_on, enroll, deliver):
    _, enrollment_id, _ = held_seat(enroll)
    payload = fake_stripe.event("checkout.session.completed",
                                stripe_on.paid(checkout_of(enrollment_id)))
    assert deliver(payload, timestamp=int(time.time()) - 240).status_code == 200
    assert state(enrollment_id) == ("enrolled", "paid")


def test_a_duplicated_event_changes_nothing(client, db, stripe_on, enroll, deliver):
    _, enrollment_id, _ = held_seat(enroll)
    payload = fake_stripe.event("checkout.session.completed",
                                stripe_on.paid(checkout_of(enrollment_id)))
    outcomes = [deliver(payload).get_json()["outcome"] for _ in range(3)]
    assert outcomes == ["paid", "duplicate", "duplicate"]
    assert _db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "enrollment_confirmed")) == 1
    assert _db.session.scalar(select(func.count()).select_from(StripeEvent)) == 1


def test_an_expiry_arriving_after_the_payment_changes_nothing(
        client, db, stripe_on, enroll, deliver):
    class_session, enrollment_id, _ = held_seat(enroll)
    checkout_id = checkout_of(enrollment_id)
    deliver(fake_stripe.event("checkout.session.completed", stripe_on.paid(checkout_id)))
    late = deliver(fake_stripe.event("checkout.session.expired", stripe_on.checkouts[checkout_id]))
    assert late.status_code == 200 and late.get_json()["outcome"] == "nothing_held"
    assert state(enrollment_id) == ("enrolled", "paid")
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 1


def test_a_wrong_amount_or_currency_is_refunded_and_the_hold_gets_a_new_checkout(
        client, db, stripe_on, enroll, deliver):
    """Money that is not the amount due is not counted: it goes back in full, the seat stays
    held, and the pay link opens a new Checkout of the right amount."""
    _, enrollment_id, learner = held_seat(enroll)
    for number, changes in enumerate(({"amount_total": 100}, {"currency": "eur"})):
        checkout = stripe_on.paid(checkout_of(enrollment_id), intent=f"pi_wrong_{number}",
                                  **changes)
        event = fake_stripe.event("checkout.session.completed", checkout)
        assert deliver(event).get_json()["outcome"] == "amount_mismatch_refunded"
        assert state(enrollment_id) == ("pending_payment", "pending")
        assert checkout_of(enrollment_id) is None
        url = payments.open_checkout(_db.session, payment_provider(), enrollment_id, utcnow(),
                                     payment_settings())
        assert url and checkout_of(enrollment_id) != checkout["id"]
    refunds = stripe_on.calls_to("/v1/refunds")
    assert [(c.params["payment_intent"], c.params["amount"]) for c in refunds] == [
        ("pi_wrong_0", "100"), ("pi_wrong_1", "8500")]
    assert len(stripe_on.calls_to("/v1/checkout/sessions")) == 3
    mails = _db.session.scalars(select(Notification).where(
        Notification.kind == "stray_charge_refunded")).all()
    assert len(mails) == 2 and {m.recipient_email for m in mails} == {learner.email}
    assert {m.context["reason"] for m in mails} == {"amount_mismatch"}


def test_an_expired_checkout_releases_the_seat_to_the_waitlist_with_a_pay_link(
        client, db, stripe_on, enroll, deliver):
    class_session, enrollment_id, _ = held_seat(enroll)
    waiting, waiting_learner = enroll(class_session)
    assert waiting.get_json()["status"] == "waitlisted"
    checkout_id = checkout_of(enrollment_id)
    answer = deliver(fake_stripe.event("checkout.session.expired", stripe_on.checkouts[checkout_id]))
    assert answer.get_json()["outcome"] == "released"
    assert state(enrollment_id) == ("cancelled", "expired")
    promoted_id = waiting.get_json()["id"]
    assert state(promoted_id) == ("pending_payment", "pending")
    mail = _db.session.scalar(select(Notification).where(Notification.kind == "seat_held"))
    assert mail.recipient_email == waiting_learner.email
    assert mail.context["pay_path"] == f"/enrollments/{promoted_id}/pay"
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 1


def lapse(enrollment_id: int) -> None:
    enrollment = _db.session.get(Enrollment, enrollment_id)
    enrollment.hold_expires_at = utcnow() - timedelta(minutes=1)
    _db.session.commit()
    payments.release_lapsed_holds(_db.session, utcnow())


def test_a_late_payment_keeps_the_seat_when_one_is_free(client, db, stripe_on, enroll, deliver):
    class_session, enrollment_id, _ = held_seat(enroll)
    checkout_id = checkout_of(enrollment_id)
    lapse(enrollment_id)
    assert state(enrollment_id) == ("cancelled", "expired")
    answer = deliver(fake_stripe.event("checkout.session.completed", stripe_on.paid(checkout_id)))
    assert answer.get_json()["outcome"] == "paid_late_seat_kept"
    assert state(enrollment_id) == ("enrolled", "paid")
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 1


def test_a_late_payment_for_a_seat_given_away_is_refunded_and_the_learner_told(
        client, db, stripe_on, enroll, deliver):
    class_session, enrollment_id, learner = held_seat(enroll)
    checkout_id = checkout_of(enrollment_id)
    lapse(enrollment_id)
    assert enroll(class_session)[0].get_json()["status"] == "pending_payment"  # seat taken
    answer = deliver(fake_stripe.event("checkout.session.completed",
                                       stripe_on.paid(checkout_id, intent="pi_late")))
    assert answer.get_json()["outcome"] == "paid_late_refunded"
    assert state(enrollment_id) == ("cancelled", "refunded")
    [refund] = stripe_on.calls_to("/v1/refunds")
    assert refund.params == {"payment_intent": "pi_late", "amount": "8500"}
    assert refund.idempotency_key.startswith("refund-")
    mail = _db.session.scalar(select(Notification).where(Notification.kind == "payment_refunded"))
    assert mail.recipient_email == learner.email


def test_events_of_other_kinds_or_unknown_enrollments_are_acknowledged(
        client, db, stripe_on, deliver):
    other = deliver(json.dumps({"id": "evt_other", "type": "customer.created",
                                "data": {"object": {}}}).encode())
    unknown = deliver(fake_stripe.event("checkout.session.completed", {
        "id": "cs_x", "metadata": {"enrollment_id": "999999"}, "payment_status": "paid"}))
    assert other.get_json()["outcome"] == "ignored"
    assert unknown.get_json()["outcome"] == "unknown_enrollment"


def test_the_same_event_delivered_twice_at_once_is_applied_once(race_engine):
    settings = payments.PaymentSettings(provider="stripe")
    class_session = factories.ClassSessionFactory(course__price_cents=8500, capacity=1)
    enrollment_id = payments.enroll(_db.session, factories.learner(), class_session.id,
                                    utcnow(), settings).id
    checkout = {"id": "cs_race", "object": "checkout.session", "payment_status": "paid",
                "metadata": {"enrollment_id": str(enrollment_id)}, "amount_total": 8500,
                "currency": "usd", "payment_intent": "pi_race"}
    event = json.loads(fake_stripe.event("checkout.session.completed", checkout))

    def job(session):
        return payments.apply_event(session, event, utcnow(), settings)

    outcomes, errors = run_together(race_engine, [job, job, job])
    assert errors == []
    assert sorted(outcomes) == ["duplicate", "duplicate", "paid"]
    assert state(enrollment_id) == ("enrolled", "paid")
