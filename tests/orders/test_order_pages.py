"""The pages of §3, without JavaScript: the employer's orders, invitations (pasted and
uploaded), the redeem page for someone signed out and signed in, the private class request,
and the staff pages for orders, payments, billing and scheduling a request."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from app.center import to_local
from app.extensions import db as _db
from app.models import ClassRequest, Notification, OrderInvitation, Organisation, SeatOrder
from app.models.base import utcnow
from app.services import orders
from tests import factories


def place(employer, class_session=None, seats=3, course=None):
    course = course or class_session.course
    return orders.place_order(_db.session, employer, course.code, seats,
                              class_session.id if class_session else None, utcnow(), "usd")


def test_an_employer_orders_seats_from_the_dashboard(client, db, login):
    employer = factories.employer()
    class_session = factories.ClassSessionFactory()
    login(employer)
    dashboard = client.get("/employer").get_data(as_text=True)
    assert "Training orders and invoices" in dashboard and "/employer/orders/new" in dashboard
    form = client.get("/employer/orders/new").get_data(as_text=True)
    assert class_session.course.code in form
    placed = client.post("/employer/orders", data={"course": class_session.course.code,
                                                   "seats": "4", "session_id": str(class_session.id)})
    assert placed.status_code == 302
    order = _db.session.scalar(select(SeatOrder))
    assert (order.seats, order.session_id) == (4, class_session.id)
    page = client.get(placed.headers["Location"]).get_data(as_text=True)
    assert order.voucher_code in page and f"/redeem/{order.voucher_code}" in page
    full = client.post("/employer/orders", data={"course": class_session.course.code,
                                                 "seats": "7", "session_id": str(class_session.id)})
    assert full.status_code == 422
    assert "not enough free seats" in full.get_data(as_text=True)
    assert "PDF" in client.get("/employer").get_data(as_text=True)


def test_invitations_pasted_uploaded_and_resent_from_the_order_page(client, db, login):
    employer = factories.employer()
    order = place(employer, course=factories.CourseFactory())
    login(employer)
    path = f"/employer/orders/{order.id}/invitations"
    pasted = client.post(path, data={"emails_text": "ann@example.test\nbob@example.test"},
                         follow_redirects=True)
    assert "Invitations sent: 2." in pasted.get_data(as_text=True)
    upload = {"emails_file": (io.BytesIO(b"email\ncat@example.test\nann@example.test\n"),
                              "staff.csv")}
    uploaded = client.post(path, data=upload, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "Invitations sent: 2." in uploaded.get_data(as_text=True)
    resent = client.post(f"{path}/resend", data={"email": "bob@example.test"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Invitation sent again to bob@example.test." in resent
    assert {(i.email, i.times_sent) for i in _db.session.scalars(select(OrderInvitation))} == {
        ("ann@example.test", 2), ("bob@example.test", 2), ("cat@example.test", 1)}
    bad = client.post(path, data={"emails_text": "nobody"}, follow_redirects=True)
    assert "Not an e-mail address: nobody." in bad.get_data(as_text=True)


def test_another_organisations_employer_gets_404_on_the_order_pages(client, db, login):
    order = place(factories.employer(), course=factories.CourseFactory())
    login(factories.employer())
    for path in (f"/employer/orders/{order.id}", f"/employer/orders/{order.id}/invoice.pdf"):
        assert client.get(path).status_code == 404
    assert client.post(f"/employer/orders/{order.id}/invitations",
                       data={"emails_text": "a@example.test"}).status_code in (302, 404)
    assert _db.session.scalar(select(OrderInvitation)) is None


def test_the_redeem_page_signs_in_then_enrolls_with_payment_covered(client, db, login):
    class_session = factories.ClassSessionFactory()
    order = place(factories.employer(), course=class_session.course)
    signed_out = client.get(f"/redeem/{order.voucher_code}").get_data(as_text=True)
    assert class_session.course.title in signed_out and class_session.location in signed_out
    assert f"/login?next=/redeem/{order.voucher_code}" in signed_out
    assert "/register?next=" in signed_out
    learner = factories.learner()
    login(learner)
    page = client.get(f"/redeem/{order.voucher_code}").get_data(as_text=True)
    assert 'name="session_id"' in page
    enrolled = client.post(f"/redeem/{order.voucher_code}",
                           data={"session_id": str(class_session.id)}, follow_redirects=True)
    assert "order covers the seat" in enrolled.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(SeatOrder, order.id).seats_used == 1
    twice = client.post(f"/redeem/{order.voucher_code}",
                        data={"session_id": str(class_session.id)}, follow_redirects=True)
    assert "already hold" in twice.get_data(as_text=True)
    assert client.get("/redeem/NOPE-NOPE-NOPE").status_code == 404


def test_a_private_class_request_from_the_dashboard_reaches_staff(client, db, login):
    employer = factories.employer()
    course = factories.CourseFactory(title="Pediatric CPR")
    login(employer)
    day = factories.center_today() + timedelta(days=30)
    made = client.post("/employer/class-requests/new", data={
        "course": course.code, "headcount": "12", "first_date": day.isoformat(),
        "location": "Oak Street School, gym", "notes": "Teachers"})
    assert made.status_code == 302
    request = _db.session.scalar(select(ClassRequest))
    assert (request.headcount, request.preferred_dates) == (12, [day.isoformat()])
    login(factories.admin())
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Oak Street School, gym" in dashboard and "Pediatric CPR" in dashboard
    instructor = factories.authorised_instructor(course.family)
    starts = to_local(utcnow() + timedelta(days=30))
    scheduled = client.post(f"/admin/class-requests/{request.id}/schedule", data={
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Oak Street School, gym", "instructor_email": instructor.email,
        "capacity": "12"}, follow_redirects=True)
    assert "Private class scheduled" in scheduled.get_data(as_text=True)
    _db.session.expire_all()
    request = _db.session.get(ClassRequest, request.id)
    assert request.status == "scheduled" and request.class_session.private
    assert client.get("/").get_data(as_text=True).count("Oak Street School") == 0


def test_staff_mark_paid_set_the_amount_billing_and_mail_the_invoice(client, db, login):
    employer = factories.employer()
    order = place(employer, course=factories.CourseFactory(), seats=2)
    login(factories.admin())
    listing = client.get("/admin/orders").get_data(as_text=True)
    assert employer.organisation.name in listing
    base = f"/admin/orders/{order.id}"
    client.post(f"{base}/amount", data={"amount": "9000"})
    no_contact = client.post(f"{base}/invoice-mail", follow_redirects=True)
    assert "no billing e-mail" in no_contact.get_data(as_text=True)
    client.post(f"/admin/organisations/{order.organisation_id}/billing/{order.id}", data={
        "billing_contact": "Ada Accounts", "billing_email": "AP@Mercy-Hospital.org",
        "address": "1 Hospital Way"})
    client.post(f"{base}/invoice-mail")
    client.post(f"{base}/payment", data={"method": "check", "reference": "CHK 77", "confirmed": "1"})
    _db.session.expire_all()
    order = _db.session.get(SeatOrder, order.id)
    assert (order.amount_cents, order.status, order.payment_reference) == (9000, "paid", "CHK 77")
    organisation = _db.session.get(Organisation, order.organisation_id)
    assert organisation.billing_email == "ap@mercy-hospital.org"
    mail = _db.session.scalar(select(Notification).where(Notification.kind == "order_invoice"))
    assert mail.recipient_email == "ap@mercy-hospital.org"
    assert client.get(f"{base}/invoice.pdf").data.startswith(b"%PDF")
    reports = client.get("/admin/records/reports").get_data(as_text=True)
    assert "Revenue by organisation" in reports and employer.organisation.name in reports
    assert "9000" in reports
