"""Staff payment pages: the payments list (filters, CSV), recording a payment taken at class
(cash, card, check, invoice), waiving one, the refund button, and revenue as CSV (beside the
other report downloads, under /admin/records/reports/)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_zone
from app.extensions import db
from app.forms.learner import ButtonForm
from app.forms.payments import RecordPaymentForm
from app.models import Enrollment
from app.models.base import utcnow
from app.models.vocab import PAYMENT_METHODS, PAYMENT_STATUSES
from app.payment_edge import after_staff_settled, payment_provider, payment_settings
from app.services import payments
from app.services.clock import day_start_utc
from app.services.errors import DomainError
from app.services.records import reports
from app.web.admin import bp
from app.web.admin.records import _period, download
from app.web.admin.records import bp as records_bp
from app.web.confirmation import amount_text, ask_to_confirm, confirmed
from app.web.refusals import flash_refusal
from app.web.templating import center_time


def _criteria() -> payments.PaymentFilter:
    args = request.args
    status = args.get("status", "") if args.get("status") in PAYMENT_STATUSES else ""
    method = args.get("method", "") if args.get("method") in PAYMENT_METHODS else ""
    days = {}
    for name in ("from", "to"):
        try:
            days[name] = day_start_utc(date.fromisoformat(args.get(name, "")), center_zone())
        except ValueError:
            days[name] = None
    return payments.PaymentFilter(
        status=status, method=method, course_code=args.get("course", "")[:32],
        date_from=days["from"], date_to=days["to"] + timedelta(days=1) if days["to"] else None)


@bp.get("/payments")
@roles_required("admin")
def payments_list():
    found = payments.list_payments(db.session, _criteria())
    if request.args.get("format") == "csv":
        return download(payments.payments_csv(found), "payments.csv", "text/csv")
    return render_template("admin/payments.html", payments=found, args=request.args,
                           stray_charges=payments.recent_stray_charges(db.session),
                           statuses=PAYMENT_STATUSES, methods=PAYMENT_METHODS,
                           record_form=RecordPaymentForm(), button=ButtonForm())


@bp.post("/enrollments/<int:enrollment_id>/payment")
@roles_required("admin")
def record_payment(enrollment_id: int):
    form = RecordPaymentForm()
    if not form.validate_on_submit():
        flash(_("Choose paid or waived and a method."), "error")
        return redirect(url_for("admin.payments_list"))
    try:
        enrollment = payments.record_payment(
            db.session, current_user, enrollment_id, form.status.data, form.method.data,
            form.reference.data, utcnow(), payment_settings())
    except DomainError as error:
        flash_refusal(error)
    else:
        after_staff_settled(enrollment)
        flash(_("Recorded the payment of enrollment %(id)s as %(status)s.", id=enrollment_id,
                status=form.status.data), "success")
    return redirect(url_for("admin.payments_list"))


@bp.post("/enrollments/<int:enrollment_id>/refund")
@roles_required("admin")
def refund(enrollment_id: int):
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("admin.payments_list"))
    step = None if confirmed() else confirm_refund(db.session.get(Enrollment, enrollment_id))
    if step is not None:
        return step
    try:
        payment = payments.refund_by_staff(db.session, current_user, enrollment_id, utcnow())
        payments.run_refunds(db.session, payment_provider(), utcnow(), [payment.id])
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Refund of enrollment %(id)s requested.", id=enrollment_id), "success")
    return redirect(url_for("admin.payments_list"))


def confirm_refund(paid: Enrollment | None):
    """The step before a staff refund: whose money, how much, and where it goes back; None when
    there is nothing to refund (payments.refund_by_staff then says why, or does nothing)."""
    payment = paid.payment if paid is not None else None
    if payment is None or payment.status != "paid" or payment.refund_requested_at is not None:
        return None
    name, amount = paid.learner.full_name, amount_text(payment.amount_cents, payment.currency)
    lines = [_("%(name)s's payment for %(course)s on %(when)s, %(amount)s, is refunded in full.",
               name=name, course=paid.session.course.title,
               when=center_time(paid.session.starts_at), amount=amount)]
    if payment.method == "stripe":
        lines.append(_("The money goes back to the card it was paid with, through Stripe; "
                       "%(name)s is e-mailed once the refund is made.", name=name))
    else:
        lines.append(_("It was paid by %(method)s: it is marked refunded at once and %(name)s is "
                       "e-mailed; the center pays the money back by %(method)s.",
                       method=payment.method or "—", name=name))
    if paid.status == "enrolled":
        lines.append(_("%(name)s keeps the seat: only the payment is refunded.", name=name))
    return ask_to_confirm(_("Refund %(amount)s to %(name)s?", amount=amount, name=name), lines,
                          _("Refund %(amount)s", amount=amount), url_for("admin.payments_list"))


@records_bp.get("/reports/revenue.csv")
@roles_required("admin")
def revenue_csv():
    _form, first, last = _period()
    report = payments.revenue_by_course_month(db.session, center_zone(), first, last)
    return download(reports.as_csv(report), f"revenue-{first:%Y-%m}-to-{last:%Y-%m}.csv",
                    "text/csv")
