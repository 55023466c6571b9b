"""Employers' orders on the web (API-2.md §3): placing an order, inviting staff, the order's
page with who enrolled and passed, the invoice, asking for a private class; and the redeem
page where an invited person signs in or registers and picks a class."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_today
from app.extensions import db
from app.forms.orders import ClassRequestForm, InviteForm, OrderForm, RedeemForm, ResendForm
from app.models.base import utcnow
from app.services import catalog, orders
from app.services.errors import DomainError, Invalid, InvalidVoucher, NotFound
from app.web.language import localized
from app.web.refusals import flash_outcome, flash_refusal
from app.web.templating import center_time

bp = Blueprint("orders", __name__)


@bp.after_request
def keep_out_of_shared_caches(response):
    # Staff names, vouchers and invoices: never stored by a proxy or a shared browser cache.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _course_choices() -> list[tuple[str, str]]:
    return [(c.code, f"{c.title} ({c.code})") for c in catalog.list_courses(db.session)
            if c.active and not c.instructor_course]


def _order_form() -> OrderForm:
    form = OrderForm()
    form.course.choices = _course_choices()
    form.session_id.choices = [("", _("Any scheduled class of the course"))] + [
        (str(s.id), _("%(code)s: %(when)s, %(place)s", code=s.course.code,
                      when=center_time(s.starts_at), place=s.location))
        for s in orders.open_sessions_of_courses(db.session, utcnow())]
    return form


@bp.get("/employer/orders/new")
@roles_required("employer")
def new_order():
    return render_template("orders/new_order.html", form=_order_form())


@bp.post("/employer/orders")
@roles_required("employer")
def place_order():
    form = _order_form()
    if not form.validate():
        return render_template("orders/new_order.html", form=form), 422
    try:
        order = orders.place_order(db.session, current_user, form.course.data, form.seats.data,
                                   int(form.session_id.data) if form.session_id.data else None,
                                   utcnow(), current_app.config["CURRENCY"])
    except DomainError as refusal:
        status = flash_refusal(refusal)  # before rendering: the page shows the flash
        return render_template("orders/new_order.html", form=form), status
    flash(_("Order placed: voucher %(voucher)s. Invite your staff below.", voucher=order.voucher_code),
          "success")
    return redirect(url_for("orders.order_page", order_id=order.id))


@bp.get("/employer/orders/<int:order_id>")
@roles_required("employer")
def order_page(order_id: int):
    order = orders.visible_order(db.session, current_user, order_id)
    return render_template("orders/order.html", order=order, invite_form=InviteForm(),
                           resend_form=ResendForm(),
                           redemptions=orders.redemptions(db.session, order),
                           invitations=orders.invitation_lines(db.session, order))


def _addresses(form: InviteForm) -> list[str]:
    if form.emails_file.data:
        return orders.addresses_from_csv(form.emails_file.data.read())
    return orders.addresses_from_text(form.emails_text.data or "")


@bp.post("/employer/orders/<int:order_id>/invitations")
@roles_required("employer")
def invite(order_id: int):
    form = InviteForm()
    if form.validate():
        flash_outcome(lambda: orders.invite(db.session, current_user, order_id,
                                            _addresses(form), utcnow()),
                      lambda count: _("Invitations sent: %(count)s.", count=count), (Invalid,))
    else:
        flash(" ".join(str(p) for problems in form.errors.values() for p in problems), "error")
    return redirect(url_for("orders.order_page", order_id=order_id))


@bp.post("/employer/orders/<int:order_id>/invitations/resend")
@roles_required("employer")
def resend(order_id: int):
    form = ResendForm()
    if form.validate():
        flash_outcome(lambda: orders.invite(db.session, current_user, order_id,
                                            [form.email.data], utcnow()),
                      _("Invitation sent again to %(email)s.", email=form.email.data), (Invalid,))
    return redirect(url_for("orders.order_page", order_id=order_id))


@bp.get("/employer/orders/<int:order_id>/invoice.pdf")
@roles_required("employer")
def invoice(order_id: int):
    order = orders.visible_order(db.session, current_user, order_id)
    pdf = orders.invoice_pdf(order, orders.terms_from(current_app.config))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="invoice-{order.id}.pdf"'})


def _request_form() -> ClassRequestForm:
    form = ClassRequestForm()
    form.course.choices = _course_choices()
    return form


@bp.route("/employer/class-requests/new", methods=["GET", "POST"])
@roles_required("employer")
def request_class():
    form = _request_form()
    if not form.validate_on_submit():
        return render_template("orders/request_class.html", form=form), 422 if form.errors else 200
    days = [d for d in (form.first_date.data, form.second_date.data) if d]
    made = flash_outcome(lambda: orders.request_class(
        db.session, current_user, course_code=form.course.data, headcount=form.headcount.data,
        preferred_dates=days, location=form.location.data, notes=form.notes.data,
        today=center_today(), now=utcnow()),
        _("Request sent: the training center will be in touch."))
    if made is None:
        return render_template("orders/request_class.html", form=form), 422
    return redirect(url_for("employer.dashboard"))


@bp.get("/redeem/<voucher>")
def redeem_page(voucher: str):
    """The course a voucher pays for and the classes it can be used in; signing in or
    registering leads back here."""
    try:
        order = orders.voucher_order(db.session, voucher)
    except InvalidVoucher as refusal:
        return render_template("orders/redeem.html", order=None, problem=localized(refusal.message)), 404
    return render_template("orders/redeem.html", order=order, form=RedeemForm(),
                           sessions=orders.open_sessions(db.session, order, utcnow()),
                           seats_left=order.seats - order.seats_used, here=request.path)


@bp.post("/redeem/<voucher>")
@roles_required("learner")
def redeem(voucher: str):
    form = RedeemForm()
    if not form.validate():
        flash(_("Choose a class first."), "error")
        return redirect(url_for("orders.redeem_page", voucher=voucher))
    try:
        enrollment = orders.redeem(db.session, current_user, form.session_id.data, voucher,
                                   utcnow())
    except NotFound:
        raise
    except DomainError as refusal:
        flash_refusal(refusal)
        return redirect(url_for("orders.redeem_page", voucher=voucher))
    flash(_("You're enrolled; your employer's order covers the seat. A confirmation is on its "
            "way."), "success")
    return redirect(url_for("public.session_page", class_id=enrollment.session_id))
