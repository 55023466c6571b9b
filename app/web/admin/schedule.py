"""Schedule pages: the listing with authorisation flags, new sessions (single or weekly), and a
session's page to change capacity, instructor, place or time, or cancel it."""

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import roles_required
from app.center import center_today, center_zone, to_local, to_utc
from app.extensions import db
from app.forms.admin import CancelSessionForm, SessionChangeForm, SessionForm, TransferForm
from app.models import ClassSession, Course, Payment, User
from app.models.base import utcnow
from app.payment_edge import after_session_cancelled
from app.services import accounts, catalog, enrollment, schedule
from app.services.clock import day_start_utc
from app.services.errors import Conflict, Invalid, NotFound
from app.services.schedule import authorisations
from app.web.admin import bp
from app.web.admin.common import flash_form_errors
from app.web.confirmation import amount_text, ask_to_confirm, confirmed
from app.web.refusals import flash_refusal
from app.web.templating import center_time


def instructor_choices(current: User | None = None) -> list[tuple[int, str]]:
    """Active instructors, plus the session's own (even if no longer active) so it can stay."""
    people = accounts.active_instructors(db.session)
    if current is not None and current not in people:
        people.append(current)
    return [(u.id, f"{u.full_name} ({u.email})") for u in people]


@bp.get("/sessions")
@roles_required("admin")
def sessions():
    since = day_start_utc(center_today() - timedelta(days=1), center_zone())
    rows = schedule.schedule_listing(db.session, since)
    return render_template("admin/sessions.html", sessions=rows,
                           flags=authorisations.schedule_flags(db.session, rows, center_zone()),
                           waitlists=schedule.waitlist_lengths(db.session, [s.id for s in rows]))


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required("admin")
def new_session():
    form = SessionForm()
    form.course.choices = [(c.id, f"{c.code} · {c.title}") for c in catalog.list_courses(db.session)]
    form.instructor.choices = instructor_choices()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_template("admin/session_new.html", form=form), 422 if form.is_submitted() else 200
    course, instructor = db.session.get(Course, form.course.data), db.session.get(User, form.instructor.data)
    starts = to_utc(form.starts_at.data)
    try:
        created = schedule.schedule_weekly_series(
            db.session, current_user, course=course, instructor=instructor, starts_at=starts,
            ends_at=starts + timedelta(minutes=form.duration_minutes.data or course.duration_minutes),
            location=form.location.data.strip(), capacity=form.capacity.data or course.default_capacity,
            weeks=form.weeks.data, zone_name=center_zone(), now=utcnow())
    except Invalid as refusal:
        flash_refusal(refusal)
        return render_template("admin/session_new.html", form=form), 422
    flash(ngettext("Scheduled %(num)d session of %(code)s.", "Scheduled %(num)d sessions of %(code)s.",
                   len(created), code=course.code), "success")
    return redirect(url_for("admin.sessions"))


def get_session(class_id: int) -> ClassSession:
    class_session = db.session.get(ClassSession, class_id)
    if class_session is None:
        raise NotFound(_("No class session has this id."))
    return class_session


def change_form_for(class_session: ClassSession) -> SessionChangeForm:
    form = SessionChangeForm(data={
        "capacity": class_session.capacity, "instructor": class_session.instructor_id,
        "location": class_session.location, "starts_at": to_local(class_session.starts_at),
        "ends_at": to_local(class_session.ends_at),
        "enrollment_closes_at": to_local(class_session.enrollment_closes_at),
        "arrival_notes": class_session.arrival_notes})
    form.instructor.choices = instructor_choices(class_session.instructor)
    return form


def render_session(class_session: ClassSession, change_form=None, status: int = 200):
    enrollments = schedule.session_enrollments(db.session, class_session)
    transfer_form = TransferForm()
    transfer_form.target.choices = [
        (s.id, _("%(code)s · %(when)s · %(place)s · %(left)s seats left", code=s.course.code,
                when=center_time(s.starts_at), place=s.location, left=s.seats_left))
        for s in schedule.transfer_targets(db.session, class_session, utcnow())]
    return render_template(
        "admin/session.html", class_session=class_session, enrollments=enrollments,
        positions=enrollment.waitlist_positions(db.session, enrollments),
        flag=authorisations.schedule_flags(db.session, [class_session], center_zone()).get(class_session.id),
        change_form=change_form or change_form_for(class_session),
        cancel_form=CancelSessionForm(), transfer_form=transfer_form), status


@bp.get("/sessions/<int:class_id>")
@roles_required("admin")
def session_page(class_id: int):
    return render_session(get_session(class_id))


@bp.post("/sessions/<int:class_id>")
@roles_required("admin")
def change_session(class_id: int):
    class_session = get_session(class_id)
    form = SessionChangeForm()
    form.instructor.choices = instructor_choices(class_session.instructor)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_session(class_session, form, 422)
    changes = {"capacity": form.capacity.data, "location": form.location.data.strip(),
               "instructor": db.session.get(User, form.instructor.data),
               "arrival_notes": (form.arrival_notes.data or "").strip(),
               **{name: to_utc(getattr(form, name).data)
                  for name in ("starts_at", "ends_at", "enrollment_closes_at")}}
    try:
        schedule.update_session(db.session, current_user, class_session, changes, utcnow(),
                                zone_name=center_zone())
    except (Invalid, Conflict) as refusal:
        flash_refusal(refusal)
        return render_session(get_session(class_id), form, refusal.status)
    flash(_("Session saved. Learners affected by the change are e-mailed."), "success")
    return redirect(url_for("admin.session_page", class_id=class_id))


@bp.post("/sessions/<int:class_id>/cancel")
@roles_required("admin")
def cancel_session(class_id: int):
    class_session = get_session(class_id)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_session(class_session, status=422)
    if class_session.status == "scheduled" and not confirmed():
        return ask_to_confirm(
            _("Cancel %(course)s on %(when)s?", course=class_session.course.title,
              when=center_time(class_session.starts_at)),
            cancellation_consequences(class_session, form.reason.data.strip()),
            _("Cancel the class"), url_for("admin.session_page", class_id=class_id),
            _("Keep the class (nothing is changed)"))
    try:
        schedule.cancel_session(db.session, current_user, class_session, form.reason.data, utcnow())
    except (Invalid, Conflict) as refusal:
        flash_refusal(refusal)
        return render_session(class_session, status=refusal.status)
    after_session_cancelled(class_id)
    flash(_("Session cancelled. Every enrolled and waitlisted learner is e-mailed once."), "success")
    return redirect(url_for("admin.session_page", class_id=class_id))


def total_text(payments: list[Payment]) -> str:
    """What the payments add up to, per currency ("$170.00 USD")."""
    totals: dict[str, int] = {}
    for payment in payments:
        totals[payment.currency] = totals.get(payment.currency, 0) + payment.amount_cents
    return ", ".join(amount_text(cents, currency) for currency, cents in sorted(totals.items()))


def cancellation_consequences(class_session: ClassSession, reason: str) -> list[str]:
    """What schedule.cancel_session will do to this class: who is cancelled and told, which
    payments are refunded or stopped, what goes back to employers' orders and the key bank."""
    preview = schedule.cancellation_preview(db.session, class_session)
    lines = [_("The class at %(place)s is cancelled, and each e-mail gives the reason: "
               "“%(reason)s”.", place=class_session.location, reason=reason)]
    if preview.seated:
        lines.append(ngettext(
            "%(num)d learner holding a seat loses it and is e-mailed once: %(names)s.",
            "%(num)d learners holding seats lose them and are e-mailed once: %(names)s.",
            len(preview.seated), names=", ".join(preview.seated)))
    if preview.waiting:
        lines.append(ngettext(
            "%(num)d learner on the waitlist is taken off it and e-mailed once: %(names)s.",
            "%(num)d learners on the waitlist are taken off it and e-mailed once: %(names)s.",
            len(preview.waiting), names=", ".join(preview.waiting)))
    if not (preview.seated or preview.waiting):
        lines.append(_("Nobody holds a seat or a waitlist place, so no learner is e-mailed."))
    lines += money_consequences(preview)
    if preview.keycodes_back:
        lines.append(_("Keycodes handed out for this class and not used up go back to the bank."))
    return lines


def money_consequences(preview: schedule.CancellationPreview) -> list[str]:
    """What cancelling a class does to its payments (payments.refund_session): every paid one
    refunded in full, every checkout stopped, every voucher's seat back to its order."""
    online, by_staff = preview.refunded_online, preview.refunded_by_staff
    lines = []
    if online:
        lines.append(ngettext(
            "%(num)d online payment, %(amount)s, is refunded in full to the card it was paid with.",
            "%(num)d online payments, %(amount)s in all, are refunded in full to the cards they "
            "were paid with.", len(online), amount=total_text(online)))
    if by_staff:
        lines.append(ngettext(
            "%(num)d payment taken by staff, %(amount)s, is marked refunded at once: the center "
            "pays it back the way it was paid.",
            "%(num)d payments taken by staff, %(amount)s in all, are marked refunded at once: the "
            "center pays them back the way they were paid.", len(by_staff),
            amount=total_text(by_staff)))
    if preview.checkouts_stopped:
        lines.append(ngettext("%(num)d payment still in checkout is stopped.",
                              "%(num)d payments still in checkout are stopped.",
                              preview.checkouts_stopped))
    if preview.vouchers_back:
        lines.append(ngettext("%(num)d seat paid with an employer's voucher goes back to its order.",
                              "%(num)d seats paid with employers' vouchers go back to their orders.",
                              preview.vouchers_back))
    return lines
