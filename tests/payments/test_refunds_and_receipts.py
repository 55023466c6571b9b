"""API-2.md §2: staff record or waive payments; refunds by REFUND_CUTOFF_HOURS when a learner
cancels, in full when the center cancels; receipts once paid."""

from __future__ import annotations

from datetime import timedelta

import pypdfium2
from sqlalchemy import select

from app.extensions import db as _db
from app.models import AuditEvent, Enrollment, Notification
from app.models.base import utcnow
from app.services import payments
from tests import factories
from tests.support import fake_stripe


def paid_online(stripe_on, enroll, deliver, starts_in=timedelta(days=7)):
    class_session = factories.ClassSessionFactory(
        course__price_cents=8500, starts_at=utcnow().replace(microsecond=0) + starts_in)
    response, learner = enroll(class_session)
    enrollment_id = response.get_json()["id"]
    checkout_id = _db.session.get(Enrollment, enrollment_id).payment.checkout_session_id
    deliver(fake_stripe.event("checkout.session.completed",
                              stripe_on.paid(checkout_id, intent=f"pi_{enrollment_id}")))
    return class_session, enrollment_id, learner


def test_staff_record_a_payment_with_its_method_and_reference(client, db, api_token, enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    enrollment_id = enroll(class_session)[0].get_json()["id"]
    answer = client.post(f"/api/v1/enrollments/{enrollment_id}/payment",
                         json={"status": "paid", "method": "check", "reference": "CHK 1042"},
                         headers=api_token(factories.admin()))
    assert answer.status_code == 200
    assert answer.get_json()["payment"] | {} == {
        "status": "paid", "amount_cents": 8500, "currency": "usd", "checkout_url": None,
        "hold_expires_at": None, "method": "check", "reference": "CHK 1042"}
    twice = client.post(f"/api/v1/enrollments/{enrollment_id}/payment",
                        json={"status": "waived", "method": "cash"},
                        headers=api_token(factories.admin()))
    assert twice.status_code == 409
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.paid"))


def test_staff_waive_a_held_seat_which_becomes_a_seat(client, db, api_token, enroll, stripe_on):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    enrollment_id = enroll(class_session)[0].get_json()["id"]
    answer = client.post(f"/api/v1/enrollments/{enrollment_id}/payment",
                         json={"status": "waived", "method": "invoice"},
                         headers=api_token(factories.admin()))
    assert answer.get_json()["status"] == "enrolled"
    assert answer.get_json()["payment"]["status"] == "waived"
    no_receipt = client.get(f"/api/v1/enrollments/{enrollment_id}/receipt.pdf",
                            headers=api_token(factories.admin()))
    assert no_receipt.status_code == 404  # API-2 §2: a receipt once paid, otherwise 404
    learner_try = client.post(f"/api/v1/enrollments/{enrollment_id}/payment",
                              json={"status": "paid", "method": "cash"},
                              headers=api_token(factories.learner()))
    assert learner_try.status_code == 403


def test_cancelling_early_refunds_the_payment_intent(client, db, api_token, stripe_on, enroll,
                                                     deliver):
    _, enrollment_id, learner = paid_online(stripe_on, enroll, deliver)
    answer = client.delete(f"/api/v1/enrollments/{enrollment_id}", headers=api_token(learner))
    assert answer.status_code == 200
    assert answer.get_json()["payment"]["status"] == "refunded"
    [refund] = stripe_on.calls_to("/v1/refunds")
    assert refund.params["payment_intent"] == f"pi_{enrollment_id}"
    enrollment = _db.session.get(Enrollment, enrollment_id)
    assert enrollment.payment.refund_reference.startswith("re_test_")
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.refunded"))


def test_cancelling_after_the_cutoff_keeps_the_payment(client, db, api_token, stripe_on, enroll,
                                                       deliver):
    _, enrollment_id, learner = paid_online(stripe_on, enroll, deliver, timedelta(hours=47))
    answer = client.delete(f"/api/v1/enrollments/{enrollment_id}", headers=api_token(learner))
    assert answer.get_json()["status"] == "cancelled"
    assert answer.get_json()["payment"]["status"] == "paid"
    assert stripe_on.calls_to("/v1/refunds") == []


def test_a_manual_payment_cancelled_early_is_marked_refunded_for_staff(client, db, api_token,
                                                                       enroll):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    body, learner = enroll(class_session)
    enrollment_id = body.get_json()["id"]
    client.post(f"/api/v1/enrollments/{enrollment_id}/payment",
                json={"status": "paid", "method": "cash"}, headers=api_token(factories.admin()))
    answer = client.delete(f"/api/v1/enrollments/{enrollment_id}", headers=api_token(learner))
    assert answer.get_json()["payment"]["status"] == "refunded"


def test_a_session_cancelled_by_the_center_refunds_every_paid_enrollment(
        client, db, api_token, stripe_on, enroll, deliver):
    class_session, first, _ = paid_online(stripe_on, enroll, deliver, timedelta(hours=3))
    held = enroll(class_session)[0].get_json()["id"]
    held_checkout = _db.session.get(Enrollment, held).payment.checkout_session_id
    answer = client.post(f"/api/v1/sessions/{class_session.id}/cancellation",
                         json={"reason": "Instructor ill"}, headers=api_token(factories.admin()))
    assert answer.status_code == 200
    # made at once, after the cancellation committed, not left for the next sweep
    _db.session.expire_all()
    assert _db.session.get(Enrollment, first).payment.status == "refunded"
    assert [c.params["payment_intent"] for c in stripe_on.calls_to("/v1/refunds")] == [
        f"pi_{first}"]
    assert payments.sweep(_db.session, fake_provider(stripe_on), utcnow()) == (0, 0)
    assert _db.session.get(Enrollment, held).payment.status == "expired"
    assert stripe_on.checkouts[held_checkout]["status"] == "expired"  # no one can pay it now


def fake_provider(stripe_on):
    return payments.providers.StripeProvider(fake_stripe.SECRET_KEY, fake_stripe.WEBHOOK_SECRET,
                                             stripe_on.url)


def test_a_refund_stripe_fails_is_made_by_the_next_sweep(client, db, api_token, stripe_on,
                                                         enroll, deliver):
    _, enrollment_id, learner = paid_online(stripe_on, enroll, deliver)
    stripe_on.fail("/v1/refunds", fake_stripe.SERVER_ERROR, times=3)
    answer = client.delete(f"/api/v1/enrollments/{enrollment_id}", headers=api_token(learner))
    assert answer.get_json()["payment"]["status"] == "paid"  # owed, not yet made
    assert payments.sweep(_db.session, fake_provider(stripe_on), utcnow()) == (0, 1)
    keys = {call.idempotency_key for call in stripe_on.calls_to("/v1/refunds")}
    assert len(keys) == 1 and len(stripe_on.refunds) == 1
    mails = _db.session.scalars(select(Notification).where(
        Notification.kind == "payment_refunded")).all()
    assert len(mails) == 1


def test_the_receipt_is_there_once_paid_for_its_learner_and_admins(
        client, db, api_token, stripe_on, enroll, deliver):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    unpaid_id = enroll(class_session)[0].get_json()["id"]
    assert client.get(f"/api/v1/enrollments/{unpaid_id}/receipt.pdf",
                      headers=api_token(factories.admin())).status_code == 404
    _, enrollment_id, learner = paid_online(stripe_on, enroll, deliver)
    own = client.get(f"/api/v1/enrollments/{enrollment_id}/receipt.pdf",
                     headers=api_token(learner))
    assert own.status_code == 200 and own.mimetype == "application/pdf"
    text = pypdfium2.PdfDocument(own.data)[0].get_textpage().get_text_range()
    for expected in ("Lifeline Training Center", learner.full_name, "85.00 USD", "stripe",
                     f"pi_{enrollment_id}"):
        assert expected in text
    assert client.get(f"/api/v1/enrollments/{enrollment_id}/receipt.pdf",
                      headers=api_token(factories.admin())).status_code == 200
    assert client.get(f"/api/v1/enrollments/{enrollment_id}/receipt.pdf",
                      headers=api_token(factories.learner())).status_code == 404


def test_the_centers_cancellation_refunds_a_late_cancelled_payer_too_and_says_so_first(
        client, db, api_token, stripe_on, enroll, deliver, login):
    """The class they paid for will not happen: a learner who cancelled after the cutoff (and
    kept no refund) gets the money back when the center cancels; the confirmation says so, and
    the staff page makes the refund at once."""
    class_session, late_id, learner = paid_online(stripe_on, enroll, deliver,
                                                  timedelta(hours=20))
    client.delete(f"/api/v1/enrollments/{late_id}", headers=api_token(learner))
    assert stripe_on.calls_to("/v1/refunds") == []
    admin = login(factories.admin())
    url = f"/admin/sessions/{class_session.id}/cancel"
    page = admin.post(url, data={"reason": "Storm"}).get_data(as_text=True)
    assert "1 online payment, $85.00 USD, is refunded in full" in page
    admin.post(url, data={"reason": "Storm", "confirmed": "1"})
    _db.session.expire_all()
    assert _db.session.get(Enrollment, late_id).payment.status == "refunded"
    assert [c.params["payment_intent"] for c in stripe_on.calls_to("/v1/refunds")] == [
        f"pi_{late_id}"]
