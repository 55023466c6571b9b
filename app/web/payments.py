"""The learner's payment pages: the review step before enrolling (price, promo code, refund
policy), the pay link of a held seat, the page Checkout returns to, and the receipt."""

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.payments import ReviewForm
from app.models.base import utcnow
from app.payment_edge import open_checkout_for, payment_provider, payment_settings
from app.services import enrollment as enrollment_service
from app.services import payments, schedule
from app.services.errors import DomainError, NotFound
from app.services.language.text import N_
from app.web.refusals import flash_refusal

bp = Blueprint("payments", __name__)


@bp.get("/sessions/<int:class_id>/review")
@roles_required("learner")
def review(class_id: int):
    """The step before enrolling: what it costs, the promo code field, the refund policy."""
    enrollment_service.require_id(class_id, N_("No class session has this id."))
    class_session = schedule.get_session(db.session, class_id)
    return render_template("enrollment/review.html", class_session=class_session,
                           form=ReviewForm(), settings=payment_settings())


@bp.post("/sessions/<int:class_id>/review")
@roles_required("learner")
def confirm(class_id: int):
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("The promo code is too long."), "error")
        return redirect(url_for("payments.review", class_id=class_id))
    try:
        enrollment = payments.enroll(db.session, current_user, class_id, utcnow(),
                                     payment_settings(), promo_code=form.promo_code.data)
    except NotFound:
        raise
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("payments.review", class_id=class_id))
    return after_enrolling(enrollment)


def after_enrolling(enrollment):
    """To Checkout for a held seat; back to the class with a message otherwise."""
    if enrollment.status == "pending_payment":
        open_checkout_for(enrollment)
        return redirect(url_for("payments.pay", enrollment_id=enrollment.id))
    if enrollment.status == "enrolled":
        flash(_("You're enrolled. A confirmation with a calendar invite is on its way."), "success")
    else:
        position = enrollment_service.waitlist_position(db.session, enrollment)
        flash(_("The class is full: you're number %(position)d on the waitlist. "
                "We'll e-mail you if a seat opens up.", position=position), "success")
    return redirect(url_for("public.session_page", class_id=enrollment.session_id))


@bp.get("/enrollments/<int:enrollment_id>/pay")
@roles_required("learner")
def pay(enrollment_id: int):
    """A held seat's pay link: opens (or reopens) its Checkout; otherwise the status page."""
    enrollment = payments.my_enrollment(db.session, current_user, enrollment_id)
    try:
        url = payments.open_checkout(db.session, payment_provider(), enrollment.id, utcnow(),
                                     payment_settings())
    except DomainError as error:
        flash_refusal(error)
        url = None
    return redirect(url or url_for("payments.status", enrollment_id=enrollment_id))


@bp.get("/enrollments/<int:enrollment_id>/payment")
@roles_required("learner")
def status(enrollment_id: int):
    """Where Checkout comes back to: paid and enrolled, or held until a time, or let go."""
    enrollment = payments.my_enrollment(db.session, current_user, enrollment_id)
    return render_template("enrollment/payment_status.html", enrollment=enrollment,
                           payment=enrollment.payment, now=utcnow())


@bp.get("/enrollments/<int:enrollment_id>/receipt.pdf")
@roles_required("learner", "admin")
def receipt(enrollment_id: int):
    enrollment = payments.my_enrollment(db.session, current_user, enrollment_id)
    pdf = payments.receipt_pdf(enrollment, current_app.config["CENTER_NAME"],
                               current_app.config["CENTER_TIMEZONE"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="receipt-{enrollment.id}.pdf"'})
