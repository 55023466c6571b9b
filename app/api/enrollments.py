"""Enrollment over JSON: enroll, cancel, and the caller's own enrollments and certificates."""


from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import items_of, line, obj, ref
from app.api.serializers import enrollment_json
from app.api.validation import request_body
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.payment_edge import after_cancel, open_checkout_for, payment_settings
from app.services import accounts, orders, payments
from app.services import enrollment as enrollment_service
from app.services.verification.lookup import certificate_view


@bp.post("/sessions/<int:class_id>/enrollments")
@documented("Enroll in a session (a held seat while paying online; the waitlist when it is "
            "full); with a voucher, a seat paid by the employer's order",
            request=obj({"promo_code": line(64, "a promo code, any case"),
                         "voucher": line(64, "an order's voucher code, any case")}),
            response=ref("Enrollment"), status=201, errors=(400, 404, 409, 422))
@roles_required("learner")
def create_enrollment(class_id: int):
    body = request_body()
    if "voucher" in body:
        enrollment = orders.redeem(db.session, current_api_user(), class_id,
                                   body.text("voucher"), utcnow())
        return enrollment_json(enrollment, None), 201
    enrollment = payments.enroll(db.session, current_api_user(), class_id, utcnow(),
                                 payment_settings(), promo_code=body.text("promo_code"))
    open_checkout_for(enrollment)
    position = enrollment_service.waitlist_position(db.session, enrollment)
    return enrollment_json(enrollment, position), 201


@bp.delete("/enrollments/<int:enrollment_id>")
@documented("Cancel an enrollment; the first waitlisted learner is promoted",
            response=ref("Enrollment"), errors=(404, 409, 422))
@roles_required("learner", "admin")
def cancel_enrollment(enrollment_id: int):
    enrollment = payments.cancel_enrollment(db.session, current_api_user(), enrollment_id,
                                            utcnow(), payment_settings())
    after_cancel(enrollment)
    return enrollment_json(enrollment, None)


@bp.get("/me/enrollments")
@documented("The caller's enrollments", response=items_of("Enrollment"))
@roles_required("learner")
def my_enrollments():
    enrollments = enrollment_service.enrollments_of(db.session, current_api_user())
    positions = enrollment_service.waitlist_positions(db.session, enrollments)
    return {"items": [enrollment_json(e, positions.get(e.id)) for e in enrollments]}


@bp.get("/me/certificates")
@documented("The caller's certificates", response=items_of("Certificate"))
@roles_required("learner")
def my_certificates():
    today = center_today()
    certificates = accounts.certificates_of(db.session, current_api_user())
    return {"items": [certificate_view(certificate, today) for certificate in certificates]}
