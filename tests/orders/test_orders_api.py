"""API-2.md §3 over JSON: orders (open and for one session), vouchers at enrollment and their
refusals in the contract's order, cancellations giving the seat back, invoices and payment."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db as _db
from app.models import ClassSession, SeatOrder
from app.models.base import utcnow
from app.services.certificates import codes
from app.services.schedule.changes import cancel_session
from tests import factories


def order(client, api_token, employer, **body):
    return client.post("/api/v1/orders", json=body, headers=api_token(employer))


def enroll(client, api_token, learner, class_id, voucher):
    return client.post(f"/api/v1/sessions/{class_id}/enrollments", json={"voucher": voucher},
                       headers=api_token(learner))


def test_an_open_order_prices_the_seats_and_gives_a_voucher_with_a_check_symbol(
        client, db, api_token):
    employer = factories.employer()
    course = factories.CourseFactory(code="BLS", price_cents=8500)
    answer = order(client, api_token, employer, course="BLS", seats=12)
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["organisation"] == employer.organisation.name
    assert body["course"] == {"code": "BLS", "title": course.title}
    assert (body["session_id"], body["seats"], body["seats_used"]) == (None, 12, 0)
    assert (body["status"], body["amount_cents"], body["currency"]) == ("unpaid", 102000, "usd")
    assert body["redemptions"] == []
    symbols = codes.normalise(body["voucher_code"])
    assert len(body["voucher_code"]) == 14 and body["voucher_code"].count("-") == 2
    assert codes.short_code_keys(symbols, 12) == (body["voucher_code"], False)


def test_a_session_order_sets_its_seats_aside_at_once_or_does_not_fit(client, db, api_token):
    employer = factories.employer()
    class_session = factories.ClassSessionFactory(capacity=10, price_cents=4000)
    code = class_session.course.code
    placed = order(client, api_token, employer, course=code, seats=6, session_id=class_session.id)
    assert placed.status_code == 201
    assert placed.get_json()["amount_cents"] == 24000
    _db.session.expire_all()
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 6
    too_many = order(client, api_token, employer, course=code, seats=5,
                     session_id=class_session.id)
    assert too_many.status_code == 422
    assert too_many.get_json()["error"] == "not_enough_seats"
    other_course = order(client, api_token, employer, course=factories.CourseFactory().code,
                         seats=1, session_id=class_session.id)
    assert other_course.status_code == 422


def test_an_employer_without_an_organisation_may_not_order_or_see_orders(client, db, api_token):
    loner = factories.UserFactory(roles=["employer"])
    course = factories.CourseFactory()
    refused = order(client, api_token, loner, course=course.code, seats=2)
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid"
    placed = order(client, api_token, factories.employer(), course=course.code, seats=2)
    order_id = placed.get_json()["id"]
    assert client.get(f"/api/v1/orders/{order_id}", headers=api_token(loner)).status_code == 404
    assert client.get("/api/v1/orders", headers=api_token(loner)).get_json() == {"items": []}


def test_another_organisations_employer_gets_404_and_admins_see_all(client, db, api_token):
    course = factories.CourseFactory()
    mine = order(client, api_token, factories.employer(), course=course.code, seats=2).get_json()
    stranger = factories.employer()
    for path in (f"/api/v1/orders/{mine['id']}", f"/api/v1/orders/{mine['id']}/invoice.pdf"):
        assert client.get(path, headers=api_token(stranger)).status_code == 404
    invited = client.post(f"/api/v1/orders/{mine['id']}/invitations",
                          json={"emails": ["a@example.test"]}, headers=api_token(stranger))
    assert invited.status_code == 404
    assert client.get("/api/v1/orders", headers=api_token(stranger)).get_json() == {"items": []}
    every = client.get("/api/v1/orders", headers=api_token(factories.admin())).get_json()
    assert [o["id"] for o in every["items"]] == [mine["id"]]


def test_redeeming_enrolls_with_payment_covered_and_shows_on_the_order(client, db, api_token):
    employer = factories.employer()
    class_session = factories.ClassSessionFactory()
    placed = order(client, api_token, employer, course=class_session.course.code, seats=2)
    voucher = placed.get_json()["voucher_code"]
    learner = factories.learner(full_name="Nia Nurse")
    answer = enroll(client, api_token, learner, class_session.id, voucher.lower())
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["status"] == "enrolled" and body["payment"]["status"] == "covered"
    shown = client.get(f"/api/v1/orders/{placed.get_json()['id']}",
                       headers=api_token(employer)).get_json()
    assert shown["seats_used"] == 1
    assert shown["redemptions"] == [{"learner_name": "Nia Nurse", "learner_email": learner.email,
                                     "session_id": class_session.id,
                                     "enrollment_status": "enrolled", "certificate_code": None}]
    _db.session.expire_all()
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 1


def test_voucher_refusals_come_in_the_contracts_order(client, db, api_token):
    employer = factories.employer()
    class_session = factories.ClassSessionFactory()
    elsewhere = factories.ClassSessionFactory(course=class_session.course)
    placed = order(client, api_token, employer, course=class_session.course.code, seats=1,
                   session_id=class_session.id).get_json()
    voucher = placed["voucher_code"]
    symbols = codes.normalise(voucher)
    typo = symbols[:3] + ("0" if symbols[3] != "0" else "1") + symbols[4:]
    mistyped = enroll(client, api_token, factories.learner(), class_session.id, typo)
    assert mistyped.status_code == 422 and mistyped.get_json()["error"] == "invalid_voucher"
    assert "mistyped" in mistyped.get_json()["message"]
    unknown = enroll(client, api_token, factories.learner(), class_session.id, "nothing")
    assert unknown.get_json()["error"] == "invalid_voucher"
    assert "mistyped" not in unknown.get_json()["message"]
    other_course = factories.ClassSessionFactory()
    for class_id in (other_course.id, elsewhere.id):
        wrong = enroll(client, api_token, factories.learner(), class_id, voucher)
        assert wrong.status_code == 422
        assert wrong.get_json()["error"] == "voucher_not_valid_here"
    assert enroll(client, api_token, factories.learner(), class_session.id,
                  voucher).status_code == 201
    used_up = enroll(client, api_token, factories.learner(), elsewhere.id, voucher)
    assert used_up.get_json()["error"] == "voucher_not_valid_here"
    used_up = enroll(client, api_token, factories.learner(), class_session.id, voucher)
    assert used_up.status_code == 422 and used_up.get_json()["error"] == "voucher_used_up"


def test_cancelling_gives_the_seat_back_to_the_order(client, db, api_token):
    employer = factories.employer()
    class_session = factories.ClassSessionFactory(capacity=3)
    placed = order(client, api_token, employer, course=class_session.course.code, seats=1,
                   session_id=class_session.id).get_json()
    learner = factories.learner()
    enrollment = enroll(client, api_token, learner, class_session.id,
                        placed["voucher_code"]).get_json()
    cancelled = client.delete(f"/api/v1/enrollments/{enrollment['id']}",
                              headers=api_token(learner))
    assert cancelled.status_code == 200
    assert cancelled.get_json()["payment"]["status"] == "covered"
    _db.session.expire_all()
    assert _db.session.get(SeatOrder, placed["id"]).seats_used == 0
    # The seat stays set aside for the order: the class still counts it, and a colleague uses it.
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 1
    again = enroll(client, api_token, factories.learner(), class_session.id,
                   placed["voucher_code"])
    assert again.status_code == 201


def test_a_class_the_center_cancels_gives_its_voucher_seats_back_to_the_order(
        client, db, api_token):
    cancelled_class = factories.ClassSessionFactory()
    placed = order(client, api_token, factories.employer(), course=cancelled_class.course.code,
                   seats=1).get_json()
    enroll(client, api_token, factories.learner(), cancelled_class.id, placed["voucher_code"])
    _db.session.expire_all()
    assert _db.session.get(SeatOrder, placed["id"]).seats_used == 1
    cancel_session(_db.session, factories.admin(), _db.session.get(ClassSession, cancelled_class.id),
                   "Instructor ill", utcnow())
    _db.session.expire_all()
    assert _db.session.get(SeatOrder, placed["id"]).seats_used == 0
    later = factories.ClassSessionFactory(course=cancelled_class.course)
    again = enroll(client, api_token, factories.learner(), later.id, placed["voucher_code"])
    assert again.status_code == 201


def test_an_open_orders_cancelled_seat_goes_back_to_the_class_and_the_order(
        client, db, api_token):
    class_session = factories.ClassSessionFactory()
    placed = order(client, api_token, factories.employer(), course=class_session.course.code,
                   seats=1).get_json()
    learner = factories.learner()
    enrollment = enroll(client, api_token, learner, class_session.id,
                        placed["voucher_code"]).get_json()
    client.delete(f"/api/v1/enrollments/{enrollment['id']}", headers=api_token(learner))
    _db.session.expire_all()
    assert _db.session.get(ClassSession, class_session.id).seats_taken == 0
    assert _db.session.get(SeatOrder, placed["id"]).seats_used == 0


def test_staff_mark_an_order_paid_and_the_invoice_says_so(client, db, api_token):
    employer = factories.employer()
    course = factories.CourseFactory()
    placed = order(client, api_token, employer, course=course.code, seats=3).get_json()
    admin = api_token(factories.admin())
    refused = client.post(f"/api/v1/orders/{placed['id']}/payment",
                          json={"status": "paid", "method": "bitcoin"}, headers=admin)
    assert refused.status_code == 422
    paid = client.post(f"/api/v1/orders/{placed['id']}/payment",
                       json={"status": "paid", "method": "check", "reference": "CHK 1042"},
                       headers=admin)
    assert paid.status_code == 200 and paid.get_json()["status"] == "paid"
    twice = client.post(f"/api/v1/orders/{placed['id']}/payment",
                        json={"status": "paid", "method": "check"}, headers=admin)
    assert twice.status_code == 409
    pdf = client.get(f"/api/v1/orders/{placed['id']}/invoice.pdf", headers=api_token(employer))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    by_employer = client.post(f"/api/v1/orders/{placed['id']}/payment",
                              json={"status": "paid", "method": "cash"},
                              headers=api_token(employer))
    assert by_employer.status_code == 403


def test_order_refusals_for_bad_input(client, db, api_token):
    employer = factories.employer()
    course = factories.CourseFactory()
    for body in ({"course": course.code, "seats": 0}, {"course": course.code, "seats": 501},
                 {"course": "NOPE", "seats": 1}, {"seats": 1},
                 {"course": course.code, "seats": 1, "session_id": 2**31 - 1}):
        answer = order(client, api_token, employer, **body)
        assert answer.status_code == 422, body
    closed = factories.ClassSessionFactory(
        course=course, starts_at=utcnow() + timedelta(hours=1),
        enrollment_closes_at=utcnow() - timedelta(minutes=1))
    assert order(client, api_token, employer, course=course.code, seats=1,
                 session_id=closed.id).status_code == 422
