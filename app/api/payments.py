"""Payments over JSON: Stripe's webhook, staff recording a payment, promo codes, receipts."""

import logging

from flask import Response, current_app, request

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import SENT_DATE, items_of, line, obj, one_of_names, ref, whole_number
from app.api.serializers import enrollment_json
from app.api.validation import request_body
from app.extensions import db
from app.models.base import utcnow
from app.payment_edge import after_staff_settled, payment_provider, payment_settings
from app.services import enrollment as enrollment_service
from app.services import payments
from app.services.errors import InvalidSignature
from app.services.payments.ledger import STAFF_METHODS

log = logging.getLogger(__name__)
PAYMENT_RECORD = obj({"status": one_of_names(("paid", "waived")),
                      "method": one_of_names(STAFF_METHODS), "reference": line(255)},
                     ["status", "method"])
PROMO_CODE = obj({
    "code": line(64), "percent_off": whole_number(1, 100),
    "amount_off_cents": whole_number(1, 10_000_000), "valid_from": SENT_DATE,
    "valid_until": SENT_DATE, "max_uses": whole_number(1, 1_000_000),
    "courses": {"type": "array", "maxItems": 200, "items": line(32)},
}, ["code"])
RECEIVED = obj({"received": {"type": "boolean"}, "outcome": {"type": "string"}})


@bp.post("/payments/stripe/webhook")
@documented("Stripe's events (signed with STRIPE_WEBHOOK_SECRET), each applied once",
            request=obj({}), response=RECEIVED, errors=(400,))
def stripe_webhook():
    payload = request.get_data(cache=False)
    try:
        event = payment_provider().verified_event(payload, request.headers.get("Stripe-Signature"))
    except InvalidSignature:
        log.warning("stripe webhook refused: bad or missing signature from %s",
                    request.remote_addr)
        raise
    outcome = payments.apply_event(db.session, event, utcnow(), payment_settings())
    payments.run_refunds(db.session, payment_provider(), utcnow())
    return {"received": True, "outcome": outcome}


@bp.post("/enrollments/<int:enrollment_id>/payment")
@documented("Record a payment taken by staff, or waive it", request=PAYMENT_RECORD,
            response=ref("Enrollment"), errors=(404, 409, 422))
@roles_required("admin")
def record_payment(enrollment_id: int):
    body = request_body()
    enrollment = payments.record_payment(
        db.session, current_api_user(), enrollment_id, body["status"], body["method"],
        body.text("reference"), utcnow(), payment_settings())
    after_staff_settled(enrollment)
    return enrollment_json(enrollment, enrollment_service.waitlist_position(db.session,
                                                                            enrollment))


def promo_code_json(promo) -> dict:
    return {"code": promo.code, "percent_off": promo.percent_off,
            "amount_off_cents": promo.amount_off_cents,
            "valid_from": promo.valid_from.isoformat() if promo.valid_from else None,
            "valid_until": promo.valid_until.isoformat() if promo.valid_until else None,
            "max_uses": promo.max_uses, "uses": promo.uses,
            "courses": sorted(course.code for course in promo.courses)}


@bp.post("/promo-codes")
@documented("Create a promo code (case-insensitive)", request=PROMO_CODE,
            response=ref("PromoCode"), status=201, errors=(409, 422))
@roles_required("admin")
def create_promo_code():
    body = request_body()
    promo = payments.create_promo_code(
        db.session, current_api_user(), code=body.text("code"),
        percent_off=body.get("percent_off"), amount_off_cents=body.get("amount_off_cents"),
        valid_from=body.day("valid_from"), valid_until=body.day("valid_until"),
        max_uses=body.get("max_uses"), course_codes=body.get("courses"))
    return promo_code_json(promo), 201


@bp.get("/promo-codes")
@documented("Every promo code with its uses", response=items_of("PromoCode"))
@roles_required("admin")
def list_promo_codes():
    return {"items": [promo_code_json(p) for p in payments.list_promo_codes(db.session)]}


@bp.get("/enrollments/<int:enrollment_id>/receipt.pdf")
@documented("The receipt of a paid enrollment (its learner, admin)",
            response={"type": "string", "format": "binary"}, response_type="application/pdf",
            errors=(404,))
@roles_required("learner", "admin")
def receipt(enrollment_id: int):
    enrollment = payments.my_enrollment(db.session, current_api_user(), enrollment_id)
    pdf = payments.receipt_pdf(enrollment, current_app.config["CENTER_NAME"],
                               current_app.config["CENTER_TIMEZONE"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="receipt-{enrollment.id}.pdf"'})
