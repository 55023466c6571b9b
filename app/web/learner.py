"""Pages for the learner audience: my classes and certificates, enroll and cancel buttons."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_zone
from app.extensions import db
from app.forms.learner import ButtonForm, LanguageForm, ReminderSettingsForm
from app.models.base import utcnow
from app.payment_edge import after_cancel, payment_settings
from app.services import accounts, payments, schedule
from app.services import enrollment as enrollment_service
from app.services.clock import local_date
from app.services.errors import DomainError, NotFound
from app.services.language.text import N_
from app.services.verification.lookup import certificate_view
from app.web.language import in_language
from app.web.payments import after_enrolling
from app.web.refusals import flash_refusal

bp = Blueprint("learner", __name__)


@bp.get("/me")
@roles_required("learner")
def me():
    """Upcoming classes, waitlist places, past classes, certificates and the reminder setting."""
    now = utcnow()
    enrollments = enrollment_service.enrollments_of(db.session, current_user)
    upcoming = _upcoming(enrollments, now)
    past = [e for e in enrollments if e.status != "cancelled" and e.session.ends_at <= now]
    today = local_date(now, center_zone())
    certificates = [certificate_view(c, today)
                    for c in accounts.certificates_of(db.session, current_user)]
    return render_template(
        "learner/me.html", upcoming=upcoming, past=past[::-1], certificates=certificates,
        positions=enrollment_service.waitlist_positions(db.session, upcoming), now=now, today=today,
        button=ButtonForm(),
        settings=ReminderSettingsForm(reminders=not current_user.reminders_opt_out),
        language_form=LanguageForm(language=current_user.preferred_language or "en"))


def _upcoming(enrollments: list, now) -> list:
    """Places in classes still to come; a class the center cancelled stays listed (once) as such."""
    shown = {}
    for e in enrollments:
        if e.session.ends_at <= now:
            continue
        if e.status != "cancelled":
            shown[e.session_id] = e
        elif e.session.status == "cancelled":  # its places were cancelled with it
            shown.setdefault(e.session_id, e)
    return list(shown.values())


@bp.post("/sessions/<int:class_id>/enroll")
@roles_required("learner")
def enroll(class_id: int):
    try:
        enrollment = payments.enroll(db.session, current_user, class_id, utcnow(),
                                     payment_settings())
    except NotFound:
        raise
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("public.session_page", class_id=class_id))
    return after_enrolling(enrollment)


@bp.get("/sessions/<int:class_id>/enroll")
def enroll_page(class_id: int):
    """Where sign-in sends a visitor who pressed Enroll: back to the class to press it again."""
    return redirect(url_for("public.session_page", class_id=class_id))


@bp.get("/enrollments/<int:enrollment_id>/cancel")
@roles_required("learner")
def confirm_cancel(enrollment_id: int):
    """The step before cancelling: what happens to the seat (or the waitlist place)."""
    enrollment = next((e for e in enrollment_service.enrollments_of(db.session, current_user)
                       if e.id == enrollment_id and e.status in ("enrolled", "waitlisted")), None)
    if enrollment is None:
        raise NotFound(N_("You have no place with this id to cancel."))
    class_session = enrollment.session
    waiting = schedule.waitlist_lengths(db.session, [class_session.id]).get(class_session.id, 0)
    return render_template(
        "learner/confirm_cancel.html", enrollment=enrollment, class_session=class_session,
        waiting=waiting, position=enrollment_service.waitlist_position(db.session, enrollment))


@bp.post("/enrollments/<int:enrollment_id>/cancel")
@roles_required("learner")
def cancel(enrollment_id: int):
    try:
        enrollment = payments.cancel_enrollment(db.session, current_user, enrollment_id,
                                                utcnow(), payment_settings())
    except NotFound:
        raise
    except DomainError as error:
        flash_refusal(error)
    else:
        after_cancel(enrollment)
        flash(_("Cancelled your place in %(course)s.", course=enrollment.session.course.title),
              "success")
    return redirect(url_for("learner.me"))


@bp.post("/me/reminders")
@roles_required("learner")
def reminder_settings():
    form = ReminderSettingsForm()
    if form.validate_on_submit():
        accounts.set_reminder_opt_out(db.session, current_user, not form.reminders.data)
        flash(_("Renewal reminders are on.") if form.reminders.data
              else _("Renewal reminders are off."), "success")
    return redirect(url_for("learner.me"))


@bp.post("/me/language")
@roles_required("learner")
def language_setting():
    """The language of the learner's pages and mail; the confirmation is in the new one."""
    form = LanguageForm()
    if form.validate_on_submit():
        accounts.set_preferred_language(db.session, current_user, form.language.data)
        with in_language(form.language.data):
            flash(_("Your pages and e-mails are now in English.") if form.language.data == "en"
                  else _("Your pages and e-mails are now in Spanish."), "success")
    else:
        flash(_("Choose a language from the list."), "error")
    return redirect(url_for("learner.me"))
