"""Staff pages for employers' orders and private class requests: every order, its payment,
a negotiated amount, the invoice and its mail, billing details, and scheduling a request."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import roles_required
from app.center import center_zone, to_utc
from app.extensions import db
from app.forms.orders import AmountForm, BillingForm, OrderPaymentForm, ScheduleForm
from app.models import SeatOrder
from app.models.base import utcnow
from app.services import orders
from app.services.errors import Conflict, Invalid
from app.web.admin import bp
from app.web.confirmation import amount_text, ask_to_confirm, confirmed
from app.web.refusals import flash_outcome


@bp.get("/orders")
@roles_required("admin")
def orders_list():
    return render_template("orders/admin_orders.html",
                           seat_orders=orders.orders_of(db.session, current_user))


@bp.get("/orders/<int:order_id>")
@roles_required("admin")
def order_detail(order_id: int):
    order = orders.visible_order(db.session, current_user, order_id)
    organisation = order.organisation
    return render_template(
        "orders/admin_order.html", order=order, payment_form=OrderPaymentForm(),
        amount_form=AmountForm(data={"amount": order.amount_cents}),
        billing_form=BillingForm(obj=organisation),
        redemptions=orders.redemptions(db.session, order))


@bp.post("/orders/<int:order_id>/payment")
@roles_required("admin")
def order_paid(order_id: int):
    form = OrderPaymentForm()
    if not form.validate():
        return redirect(url_for("admin.order_detail", order_id=order_id))
    order = orders.visible_order(db.session, current_user, order_id)
    if order.status != "paid" and not confirmed():
        return confirm_paid(order, form)
    flash_outcome(lambda: orders.mark_paid(db.session, current_user, order_id,
                                           form.method.data, form.reference.data, utcnow()),
                  _("Order marked paid."), (Invalid, Conflict))
    return redirect(url_for("admin.order_detail", order_id=order_id))


def confirm_paid(order: SeatOrder, form: OrderPaymentForm):
    """The step before recording an order's payment: whose, how much, and that it then stays."""
    amount = amount_text(order.amount_cents, order.currency)
    lines = [ngettext("Order %(id)s of %(organisation)s, %(num)d seat of %(course)s, is recorded "
                      "as paid: %(amount)s by %(method)s.",
                      "Order %(id)s of %(organisation)s, %(num)d seats of %(course)s, is recorded "
                      "as paid: %(amount)s by %(method)s.", order.seats, id=order.id,
                      organisation=order.organisation.name, course=order.course.title,
                      amount=amount, method=form.method.data)]
    if (form.reference.data or "").strip():
        lines.append(_("Reference: %(reference)s.", reference=form.reference.data.strip()))
    lines.append(_("Its amount can no longer change, and its invoice says it is paid."))
    return ask_to_confirm(_("Mark order %(id)s paid?", id=order.id), lines,
                          _("Mark %(amount)s paid", amount=amount),
                          url_for("admin.order_detail", order_id=order.id))


@bp.post("/orders/<int:order_id>/amount")
@roles_required("admin")
def order_amount(order_id: int):
    form = AmountForm()
    if form.validate():
        flash_outcome(lambda: orders.set_amount(db.session, current_user, order_id,
                                                form.amount.data),
                      _("Negotiated amount saved."), (Invalid, Conflict))
    return redirect(url_for("admin.order_detail", order_id=order_id))


@bp.post("/orders/<int:order_id>/invoice-mail")
@roles_required("admin")
def order_invoice_mail(order_id: int):
    flash_outcome(lambda: orders.mail_invoice(db.session, current_user, order_id),
                  _("Invoice queued to the billing contact."), (Invalid,))
    return redirect(url_for("admin.order_detail", order_id=order_id))


@bp.get("/orders/<int:order_id>/invoice.pdf")
@roles_required("admin")
def order_invoice_pdf(order_id: int):
    order = orders.visible_order(db.session, current_user, order_id)
    pdf = orders.invoice_pdf(order, orders.terms_from(current_app.config))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="invoice-{order.id}.pdf"'})


@bp.post("/organisations/<int:organisation_id>/billing/<int:order_id>")
@roles_required("admin")
def organisation_billing(organisation_id: int, order_id: int):
    form = BillingForm()
    if form.validate():
        flash_outcome(lambda: orders.set_billing(
            db.session, current_user, organisation_id, contact=form.billing_contact.data,
            email=form.billing_email.data, address=form.address.data),
            _("Billing details saved."), (Invalid,))
    else:
        flash(" ".join(str(p) for problems in form.errors.values() for p in problems), "error")
    return redirect(url_for("admin.order_detail", order_id=order_id))


@bp.get("/class-requests")
@roles_required("admin")
def class_requests():
    return render_template("orders/admin_class_requests.html", form=ScheduleForm(),
                           class_requests=orders.requests_of(db.session, current_user))


@bp.post("/class-requests/<int:request_id>/schedule")
@roles_required("admin")
def schedule_class_request(request_id: int):
    form = ScheduleForm()
    if not form.validate():
        flash(_("Fill in every field of the schedule form."), "error")
        return redirect(url_for("admin.class_requests"))
    scheduled = flash_outcome(lambda: orders.schedule_request(
        db.session, current_user, request_id, starts_at=to_utc(form.starts_at.data),
        ends_at=to_utc(form.ends_at.data), location=form.location.data,
        instructor_email=form.instructor_email.data, capacity=form.capacity.data,
        zone_name=center_zone(), currency=current_app.config["CURRENCY"], now=utcnow()),
        _("Private class scheduled; the employer is mailed the date and the voucher."),
        (Invalid, Conflict))
    if scheduled is None:
        return redirect(url_for("admin.class_requests"))
    return redirect(url_for("admin.order_detail", order_id=scheduled.order_id))
