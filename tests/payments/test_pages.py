"""The payment pages: the review step, Checkout and its return page, held seats on /me, the
staff payments list with CSV, recording and refunding, and revenue on the reports page."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db as _db
from app.models import Enrollment
from app.models.base import utcnow
from app.services import payments
from tests import factories
from tests.support import fake_stripe


def test_the_review_step_shows_price_promo_field_and_policy(client, db, login):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    login(factories.learner())
    session_page = client.get(f"/sessions/{class_session.id}").get_data(as_text=True)
    assert f"/sessions/{class_session.id}/review" in session_page
    page = client.get(f"/sessions/{class_session.id}/review").get_data(as_text=True)
    assert "$85.00" in page and 'name="promo_code"' in page
    assert "48 hours before the class starts" in page and "pay at the class" in page


def test_enrolling_with_stripe_goes_to_checkout_and_comes_back_to_a_held_seat(
        client, db, login, stripe_on):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    learner = factories.learner()
    login(learner)
    answer = client.post(f"/sessions/{class_session.id}/review", data={"promo_code": ""})
    enrollment = _db.session.query(Enrollment).filter_by(learner_id=learner.id).one()
    assert answer.headers["Location"].endswith(f"/enrollments/{enrollment.id}/pay")
    to_stripe = client.get(answer.headers["Location"])
    assert to_stripe.headers["Location"].startswith("https://checkout.stripe.test/c/pay/")
    back = client.get(f"/enrollments/{enrollment.id}/payment").get_data(as_text=True)
    assert "Your seat is held until" in back and "finish paying" in back
    me = client.get("/me").get_data(as_text=True)
    assert "Seats held for you" in me and "minutes left" in me
    assert f"/enrollments/{enrollment.id}/pay" in me


def test_the_return_page_says_paid_once_the_webhook_came(client, db, login, stripe_on, deliver):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    learner = factories.learner()
    login(learner)
    client.post(f"/sessions/{class_session.id}/review", data={"promo_code": ""})
    enrollment = _db.session.query(Enrollment).filter_by(learner_id=learner.id).one()
    client.get(f"/enrollments/{enrollment.id}/pay")
    _db.session.refresh(enrollment)
    deliver(fake_stripe.event("checkout.session.completed",
                              stripe_on.paid(enrollment.payment.checkout_session_id)))
    back = client.get(f"/enrollments/{enrollment.id}/payment").get_data(as_text=True)
    assert "Paid — you're enrolled" in back
    receipt = client.get(f"/enrollments/{enrollment.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")


def test_a_bad_promo_code_on_the_review_step_is_shown_not_a_500(client, db, login):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    login(factories.learner())
    answer = client.post(f"/sessions/{class_session.id}/review",
                         data={"promo_code": "NOPE"}, follow_redirects=True)
    assert answer.status_code == 200 and "No promo code is called that" in answer.get_data(
        as_text=True)


def test_the_manual_default_still_enrolls_with_one_click(client, db, login):
    class_session = factories.ClassSessionFactory(course__price_cents=8500)
    learner = factories.learner()
    login(learner)
    answer = client.post(f"/sessions/{class_session.id}/enroll", follow_redirects=True)
    assert "enrolled. A confirmation" in answer.get_data(as_text=True)
    enrollment = _db.session.query(Enrollment).filter_by(learner_id=learner.id).one()
    assert enrollment.status == "enrolled" and enrollment.payment.status == "unpaid"


def test_staff_list_filter_export_record_and_refund_payments(client, db, login):
    class_session = factories.ClassSessionFactory(course__price_cents=8500,
                                                  course__code="BLS-X")
    enrollment = payments.enroll(_db.session, factories.learner(email="pay@example.test"),
                                 class_session.id, utcnow(), payments.PaymentSettings())
    login(factories.admin())
    listing = client.get("/admin/payments?status=unpaid&course=bls-x").get_data(as_text=True)
    assert "pay@example.test" in listing and "Record" in listing
    assert "pay@example.test" not in client.get("/admin/payments?status=paid").get_data(
        as_text=True)
    recorded = client.post(f"/admin/enrollments/{enrollment.id}/payment",
                           data={"status": "paid", "method": "cash", "reference": "R-7"})
    assert recorded.status_code == 302
    csv = client.get("/admin/payments?format=csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("enrollment_id,learner_email")
    assert "pay@example.test,BLS-X" in csv and ",paid,8500,usd,cash,R-7," in csv
    client.post(f"/admin/enrollments/{enrollment.id}/refund", data={"confirmed": "1"})
    _db.session.expire_all()
    assert _db.session.get(Enrollment, enrollment.id).payment.status == "refunded"


def test_reports_show_revenue_per_course_and_month(client, db, login):
    class_session = factories.ClassSessionFactory(
        course__price_cents=8500, course__code="REV-1",
        starts_at=utcnow().replace(microsecond=0) + timedelta(hours=2))
    admin = factories.admin()
    for _ in range(2):
        enrollment = payments.enroll(_db.session, factories.learner(), class_session.id,
                                     utcnow(), payments.PaymentSettings())
        payments.record_payment(_db.session, admin, enrollment.id, "paid", "card", None,
                                utcnow(), payments.PaymentSettings())
    login(admin)
    page = client.get("/admin/records/reports").get_data(as_text=True)
    assert "Revenue per course per month" in page and "17000" in page
    csv = client.get("/admin/records/reports/revenue.csv").get_data(as_text=True)
    assert "REV-1,usd,2,17000,0,17000" in csv
