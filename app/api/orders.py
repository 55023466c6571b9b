"""Employers buying training over JSON (API-2.md §3): seat orders, invitations, invoices,
private class requests and their scheduling."""

from flask import Response, current_app

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.parsing import parse_day
from app.api.schemas import (
    DATE,
    INTEGER,
    MOMENT,
    SENT_DATE,
    SENT_MOMENT,
    STRING,
    line,
    nullable,
    obj,
    one_of_names,
    text,
    whole_number,
)
from app.api.serializers import moment, session_json
from app.api.validation import request_body
from app.center import center_today, center_zone
from app.extensions import db
from app.models.base import utcnow
from app.services import orders
from app.services.payments.ledger import STAFF_METHODS

ORDER = obj({
    "id": INTEGER, "organisation": STRING, "course": obj({"code": STRING, "title": STRING}),
    "session_id": nullable(INTEGER), "seats": INTEGER, "seats_used": INTEGER,
    "voucher_code": STRING, "status": one_of_names(("unpaid", "paid")), "amount_cents": INTEGER,
    "currency": STRING, "created_at": MOMENT,
    "redemptions": {"type": "array", "items": obj({
        "learner_name": STRING, "learner_email": STRING, "session_id": INTEGER,
        "enrollment_status": STRING, "certificate_code": nullable(STRING)})},
}, ["id", "organisation", "course", "seats", "seats_used", "voucher_code", "status"])
CLASS_REQUEST = obj({
    "id": INTEGER, "organisation": STRING, "course": obj({"code": STRING, "title": STRING}),
    "headcount": INTEGER, "preferred_dates": {"type": "array", "items": DATE},
    "location": STRING, "notes": nullable(STRING),
    "status": one_of_names(("requested", "scheduled", "declined")),
    "session_id": nullable(INTEGER), "order_id": nullable(INTEGER), "created_at": MOMENT,
}, ["id", "status"])
NEW_ORDER = obj({"course": line(32, "course code"), "seats": whole_number(1, 500),
                 "session_id": whole_number(1, 2**31 - 1)}, ["course", "seats"])
INVITATIONS = obj({"emails": {"type": "array", "maxItems": 500, "items": line(254)}},
                  ["emails"])
ORDER_PAYMENT = obj({"status": one_of_names(("paid",)), "method": one_of_names(STAFF_METHODS),
                     "reference": line(255)}, ["status", "method"])
NEW_REQUEST = obj({"course": line(32, "course code"), "headcount": whole_number(1, 500),
                   "preferred_dates": {"type": "array", "minItems": 1, "maxItems": 10,
                                       "items": SENT_DATE},
                   "location": line(500), "notes": text(2000)},
                  ["course", "headcount", "preferred_dates", "location"])
SCHEDULING = obj({"starts_at": SENT_MOMENT, "ends_at": SENT_MOMENT, "location": line(200),
                  "instructor_email": text(254), "capacity": whole_number(1, 500)},
                 ["starts_at", "ends_at", "location", "instructor_email", "capacity"])
SCHEDULED = obj({"session": {"type": "object"}, "order": ORDER}, ["session", "order"])


def order_json(order) -> dict:
    return {
        "id": order.id, "organisation": order.organisation.name,
        "course": {"code": order.course.code, "title": order.course.title},
        "session_id": order.session_id, "seats": order.seats, "seats_used": order.seats_used,
        "voucher_code": order.voucher_code, "status": order.status,
        "amount_cents": order.amount_cents, "currency": order.currency,
        "created_at": moment(order.created_at),
        "redemptions": [{"learner_name": r.learner_name, "learner_email": r.learner_email,
                         "session_id": r.session_id, "enrollment_status": r.enrollment_status,
                         "certificate_code": r.certificate_code}
                        for r in orders.redemptions(db.session, order)],
    }


def class_request_json(request) -> dict:
    return {
        "id": request.id, "organisation": request.organisation.name,
        "course": {"code": request.course.code, "title": request.course.title},
        "headcount": request.headcount, "preferred_dates": list(request.preferred_dates),
        "location": request.location, "notes": request.notes, "status": request.status,
        "session_id": request.session_id, "order_id": request.order_id,
        "created_at": moment(request.created_at),
    }


@bp.post("/orders")
@documented("Order seats of a course for the organisation (set aside at once in a session)",
            request=NEW_ORDER, response=ORDER, status=201, errors=(404, 422))
@roles_required("employer")
def create_order():
    body = request_body()
    order = orders.place_order(db.session, current_api_user(), body.text("course"),
                               body["seats"], body.get("session_id"), utcnow(),
                               current_app.config["CURRENCY"])
    return order_json(order), 201


@bp.get("/orders")
@documented("The organisation's orders (staff: every order)", response=obj({
    "items": {"type": "array", "items": ORDER}}, ["items"]))
@roles_required("employer", "admin")
def list_orders():
    return {"items": [order_json(o) for o in orders.orders_of(db.session, current_api_user())]}


@bp.get("/orders/<int:order_id>")
@documented("One order with who enrolled through it", response=ORDER, errors=(404,))
@roles_required("employer", "admin")
def show_order(order_id: int):
    return order_json(orders.visible_order(db.session, current_api_user(), order_id))


@bp.post("/orders/<int:order_id>/invitations")
@documented("Mail each address the order's redeem link (again for one already invited)",
            request=INVITATIONS, response=obj({"invited": INTEGER}), status=202,
            errors=(404, 422))
@roles_required("employer")
def invite(order_id: int):
    body = request_body()
    invited = orders.invite(db.session, current_api_user(), order_id, body["emails"], utcnow())
    return {"invited": invited}, 202


@bp.post("/orders/<int:order_id>/payment")
@documented("Record the organisation's payment of an order", request=ORDER_PAYMENT,
            response=ORDER, errors=(404, 409, 422))
@roles_required("admin")
def order_payment(order_id: int):
    body = request_body()
    order = orders.mark_paid(db.session, current_api_user(), order_id, body["method"],
                             body.text("reference"), utcnow())
    return order_json(order)


@bp.get("/orders/<int:order_id>/invoice.pdf")
@documented("The order's invoice", response={"type": "string", "format": "binary"},
            response_type="application/pdf", errors=(404,))
@roles_required("employer", "admin")
def order_invoice(order_id: int):
    order = orders.visible_order(db.session, current_api_user(), order_id)
    pdf = orders.invoice_pdf(order, orders.terms_from(current_app.config))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="invoice-{order.id}.pdf"'})


@bp.post("/class-requests")
@documented("Ask for a private on-site class", request=NEW_REQUEST, response=CLASS_REQUEST,
            status=201, errors=(422,))
@roles_required("employer")
def create_class_request():
    body = request_body()
    request = orders.request_class(
        db.session, current_api_user(), course_code=body.text("course"),
        headcount=body["headcount"], preferred_dates=[parse_day(d) for d in
                                                      body["preferred_dates"]],
        location=body.text("location"), notes=body.text("notes"), today=center_today(),
        now=utcnow())
    return class_request_json(request), 201


@bp.get("/class-requests")
@documented("The organisation's class requests (staff: every request)", response=obj({
    "items": {"type": "array", "items": CLASS_REQUEST}}, ["items"]))
@roles_required("employer", "admin")
def list_class_requests():
    return {"items": [class_request_json(r)
                      for r in orders.requests_of(db.session, current_api_user())]}


@bp.get("/class-requests/<int:request_id>")
@documented("One class request", response=CLASS_REQUEST, errors=(404,))
@roles_required("employer", "admin")
def show_class_request(request_id: int):
    return class_request_json(orders.visible_request(db.session, current_api_user(), request_id))


@bp.post("/class-requests/<int:request_id>/schedule")
@documented("Schedule a requested class: a private session and an order of its seats",
            request=SCHEDULING, response=SCHEDULED, status=201, errors=(404, 409, 422))
@roles_required("admin")
def schedule_class_request(request_id: int):
    body = request_body()
    request = orders.schedule_request(
        db.session, current_api_user(), request_id, starts_at=body.moment("starts_at"),
        ends_at=body.moment("ends_at"), location=body.text("location"),
        instructor_email=body.text("instructor_email"), capacity=body["capacity"],
        zone_name=center_zone(), currency=current_app.config["CURRENCY"], now=utcnow())
    return {"session": session_json(request.class_session, 0),
            "order": order_json(request.order)}, 201
