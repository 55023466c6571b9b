"""API-2.md §3: private on-site classes (requested, scheduled as a private session with an
order of its seats, never listed, only its voucher enrolls), invitations through the outbox,
and certificates of learners who came through an order joining the watch list."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db as _db
from app.models import Notification, OrderInvitation, WatchListEntry
from app.models.base import utcnow
from app.services import orders
from tests import factories


def request_class(client, api_token, employer, course, **extra):
    tomorrow = (factories.center_today() + timedelta(days=20)).isoformat()
    body = {"course": course.code, "headcount": 14, "preferred_dates": [tomorrow],
            "location": "St Mary's Hospital, Conference room B"} | extra
    return client.post("/api/v1/class-requests", json=body, headers=api_token(employer))


def schedule(client, api_token, request_id, instructor, capacity=14):
    starts = (utcnow() + timedelta(days=20)).replace(microsecond=0)
    return client.post(f"/api/v1/class-requests/{request_id}/schedule", json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=4)).isoformat(),
        "location": "St Mary's Hospital, room B", "instructor_email": instructor.email,
        "capacity": capacity}, headers=api_token(factories.admin()))


def test_a_requested_class_is_scheduled_private_with_an_order_and_the_employer_mailed(
        client, db, api_token):
    employer = factories.employer()
    course = factories.CourseFactory(family="bls", price_cents=5000)
    made = request_class(client, api_token, employer, course, notes="Night shift staff")
    assert made.status_code == 201
    assert made.get_json()["status"] == "requested"
    assert made.get_json()["notes"] == "Night shift staff"
    instructor = factories.authorised_instructor(course.family)
    scheduled = schedule(client, api_token, made.get_json()["id"], instructor)
    assert scheduled.status_code == 201, scheduled.get_json()
    body = scheduled.get_json()
    class_id = body["session"]["id"]
    assert body["session"]["private"] is True
    assert (body["order"]["session_id"], body["order"]["seats"]) == (class_id, 14)
    assert body["order"]["amount_cents"] == 70000
    listed = client.get("/api/v1/sessions").get_json()["items"]
    assert class_id not in [s["id"] for s in listed]
    shown = client.get(f"/api/v1/sessions/{class_id}").get_json()
    assert shown["private"] is True
    mail = _db.session.scalar(select(Notification).where(Notification.kind == "class_scheduled"))
    assert mail.recipient_email == employer.email
    assert mail.context["voucher_code"] == body["order"]["voucher_code"]
    again = schedule(client, api_token, made.get_json()["id"], instructor)
    assert again.status_code == 409
    mine = client.get("/api/v1/class-requests", headers=api_token(employer)).get_json()
    assert [r["status"] for r in mine["items"]] == ["scheduled"]


def test_a_private_class_takes_only_its_own_orders_voucher(client, db, api_token):
    employer = factories.employer()
    course = factories.CourseFactory()
    made = request_class(client, api_token, employer, course).get_json()
    body = schedule(client, api_token, made["id"], factories.authorised_instructor(course.family),
                    capacity=2).get_json()
    class_id = body["session"]["id"]
    plain = client.post(f"/api/v1/sessions/{class_id}/enrollments", json={},
                        headers=api_token(factories.learner()))
    assert plain.status_code == 403 and plain.get_json()["error"] == "forbidden"
    open_order = client.post("/api/v1/orders", json={"course": course.code, "seats": 3},
                             headers=api_token(factories.employer())).get_json()
    other = client.post(f"/api/v1/sessions/{class_id}/enrollments",
                        json={"voucher": open_order["voucher_code"]},
                        headers=api_token(factories.learner()))
    assert other.status_code == 422 and other.get_json()["error"] == "voucher_not_valid_here"
    own = client.post(f"/api/v1/sessions/{class_id}/enrollments",
                      json={"voucher": body["order"]["voucher_code"]},
                      headers=api_token(factories.learner()))
    assert own.status_code == 201 and own.get_json()["payment"]["status"] == "covered"


def test_class_request_refusals_and_other_organisations(client, db, api_token):
    course = factories.CourseFactory()
    loner = factories.UserFactory(roles=["employer"])
    assert request_class(client, api_token, loner, course).status_code == 422
    employer = factories.employer()
    past = request_class(client, api_token, employer, course,
                         preferred_dates=[factories.center_today().isoformat()])
    assert past.status_code == 422
    assert request_class(client, api_token, employer, course, headcount=0).status_code == 422
    made = request_class(client, api_token, employer, course).get_json()
    for stranger in (factories.employer(), loner):
        assert client.get(f"/api/v1/class-requests/{made['id']}",
                          headers=api_token(stranger)).status_code == 404
    assert client.get(f"/api/v1/class-requests/{made['id']}",
                      headers=api_token(employer)).status_code == 200


def test_invitations_mail_each_address_once_per_send_and_duplicates_are_one(
        client, db, api_token):
    employer = factories.employer()
    course = factories.CourseFactory()
    placed = client.post("/api/v1/orders", json={"course": course.code, "seats": 5},
                         headers=api_token(employer)).get_json()
    path = f"/api/v1/orders/{placed['id']}/invitations"
    answer = client.post(path, json={"emails": ["A@Example.test", "a@example.test",
                                                "b@example.test"]},
                         headers=api_token(employer))
    assert answer.status_code == 202 and answer.get_json() == {"invited": 2}
    resent = client.post(path, json={"emails": ["a@example.test"]}, headers=api_token(employer))
    assert resent.get_json() == {"invited": 1}
    invitations = _db.session.scalars(select(OrderInvitation).order_by(OrderInvitation.email))
    assert [(i.email, i.times_sent) for i in invitations] == [("a@example.test", 2),
                                                              ("b@example.test", 1)]
    mails = list(_db.session.scalars(select(Notification).where(
        Notification.kind == "order_invitation")))
    assert sorted(m.recipient_email for m in mails) == ["a@example.test", "a@example.test",
                                                         "b@example.test"]
    assert {m.context["redeem_path"] for m in mails} == {f"/redeem/{placed['voucher_code']}"}
    bad = client.post(path, json={"emails": ["not-an-address"]}, headers=api_token(employer))
    assert bad.status_code == 422
    too_many = client.post(path, json={"emails": [f"p{n}@example.test" for n in range(501)]},
                           headers=api_token(employer))
    assert too_many.status_code == 422


def test_addresses_from_a_csv_upload_skip_the_header():
    content = b"email\nann@example.test\n\nbob@example.test,ignored\n"
    assert orders.addresses_from_csv(content) == ["ann@example.test", "bob@example.test"]
    assert orders.addresses_from_text("a@x.test, b@x.test;\nc@x.test") == [
        "a@x.test", "b@x.test", "c@x.test"]


def test_a_pass_through_an_order_joins_the_organisations_watch_list(client, db, api_token):
    employer = factories.employer()
    class_session = factories.ClassSessionFactory(
        starts_at=utcnow().replace(microsecond=0) + timedelta(hours=2))
    placed = client.post("/api/v1/orders", json={"course": class_session.course.code,
                                                 "seats": 2},
                         headers=api_token(employer)).get_json()
    through_order = factories.learner(full_name="Olu Order")
    on_their_own = factories.learner()
    enrolled = client.post(f"/api/v1/sessions/{class_session.id}/enrollments",
                           json={"voucher": placed["voucher_code"]},
                           headers=api_token(through_order)).get_json()
    own = client.post(f"/api/v1/sessions/{class_session.id}/enrollments", json={},
                      headers=api_token(on_their_own)).get_json()
    class_session.starts_at = utcnow() - timedelta(minutes=5)
    class_session.ends_at = utcnow() + timedelta(hours=3)
    _db.session.commit()
    results = [{"enrollment_id": enrolled["id"], "outcome": "passed"},
               {"enrollment_id": own["id"], "outcome": "passed"}]
    recorded = client.post(f"/api/v1/sessions/{class_session.id}/completions",
                           json={"results": results}, headers=api_token(factories.admin()))
    assert recorded.status_code == 200, recorded.get_json()
    entries = list(_db.session.scalars(select(WatchListEntry)))
    assert [(e.organisation_id, e.employee_name) for e in entries] == [
        (employer.organisation_id, "Olu Order")]
    shown = client.get(f"/api/v1/orders/{placed['id']}", headers=api_token(employer)).get_json()
    assert shown["redemptions"][0]["enrollment_status"] == "passed"
    assert shown["redemptions"][0]["certificate_code"] == entries[0].certificate.code
