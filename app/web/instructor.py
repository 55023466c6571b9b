"""Pages for instructors: my sessions, a class's roster with its outcomes in one form, and the
awarding body's card id on a certificate. Ownership is checked by the certification service."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, fresh_login_required

from app.access import roles_required
from app.center import center_name, center_zone
from app.extensions import db
from app.forms.instructor import ExternalCardForm, RosterForm
from app.models import Certificate
from app.models.base import utcnow
from app.services import certificates
from app.services.clock import local_date
from app.services.errors import Conflict, Invalid, NotFound, NotStarted
from app.web.confirmation import ask_to_confirm, confirmed
from app.web.refusals import flash_refusal

bp = Blueprint("instructor", __name__, url_prefix="/instructor")

# Refusals the instructor can act on: shown on the roster page rather than an error page.
FORM_REFUSALS = (Conflict, Invalid, NotStarted)


@bp.get("")
@roles_required("instructor", "admin")
def index():
    now = utcnow()
    upcoming, recent = certificates.teaching_sessions(db.session, current_user, now)
    today = local_date(now, center_zone())
    return render_template("instructor/index.html", upcoming=upcoming, recent=recent,
                           today=today)


def roster_form(roster) -> RosterForm:
    rows = [{"enrollment_id": e.id, "outcome": e.status if e.status != "enrolled" else "",
             "score": e.score, "remark": e.remark or ""} for e in roster.enrollments]
    return RosterForm(data={"rows": rows})


def rows_by_learner(roster, form: RosterForm) -> list:
    """Pair each seat holder with their form row (a learner added meanwhile gets a blank one)."""
    rows = {str(row.enrollment_id.data): row for row in form.rows}
    for enrollment in roster.enrollments:
        if str(enrollment.id) not in rows:
            rows[str(enrollment.id)] = form.rows.append_entry({"enrollment_id": enrollment.id})
    return [(enrollment, rows[str(enrollment.id)]) for enrollment in roster.enrollments]


def render_roster(roster, form: RosterForm, status: int = 200):
    zone = center_zone()
    started = roster.class_session.starts_at <= utcnow()
    locked = roster.finalised and not current_user.has_role("admin")
    return render_template(
        "instructor/roster.html", roster=roster, form=form, started=started, locked=locked,
        rows=rows_by_learner(roster, form),
        card_form=ExternalCardForm(), today=local_date(utcnow(), zone)), status


@bp.get("/sessions/<int:class_id>")
@roles_required("instructor", "admin")
def roster_page(class_id: int):
    roster = certificates.roster(db.session, current_user, class_id)
    return render_roster(roster, roster_form(roster))


@bp.post("/sessions/<int:class_id>")
@roles_required("instructor", "admin")
@fresh_login_required
def record_outcomes(class_id: int):
    roster = certificates.roster(db.session, current_user, class_id)
    form = RosterForm()
    if not form.validate():
        flash(_("Please correct the marked fields."), "error")
        return render_roster(roster, form, 422)
    if form.finalise.data and not confirmed():
        return confirm_finalise(roster, form)
    try:
        codes = certificates.record_outcomes(db.session, current_user, class_id, form.results(),
                                             bool(form.finalise.data), utcnow(),
                                             center_name=center_name(), zone_name=center_zone())
    except FORM_REFUSALS as refusal:
        flash_refusal(refusal)
        return render_roster(certificates.roster(db.session, current_user, class_id), form,
                             refusal.status)
    flash(saved_message(bool(form.finalise.data), len(codes)), "success")
    return redirect(url_for("instructor.roster_page", class_id=class_id))


def saved_message(finalised: bool, issued: int) -> str:
    if finalised:
        return ngettext("Outcomes saved and the roster finalised. %(num)d certificate issued for "
                        "this class.", "Outcomes saved and the roster finalised. %(num)d "
                        "certificates issued for this class.", issued)
    return ngettext("Outcomes saved. %(num)d certificate issued for this class.",
                    "Outcomes saved. %(num)d certificates issued for this class.", issued)


def confirm_finalise(roster, form: RosterForm):
    """The step before finalising: what it will issue and lock, with the typed outcomes kept."""
    names = {e.id: e.learner.full_name for e in roster.enrollments}
    outcomes = {result.enrollment_id: result.outcome for result in form.results()}
    passes = [names[i] for i, outcome in outcomes.items()
              if outcome == "passed" and i in names and i not in roster.certificates]
    others = [f"{names[i]} ({outcome.replace('_', '-')})" for i, outcome in outcomes.items()
              if outcome != "passed" and i in names]
    missing = [name for i, name in names.items() if i not in outcomes]
    consequences = [
        ngettext("It will issue %(num)d new certificate, to %(names)s, and e-mail their wallet "
                 "cards.", "It will issue %(num)d new certificates, to %(names)s, and e-mail "
                 "their wallet cards.", len(passes), names=", ".join(passes)) if passes else
        ngettext("It will issue %(num)d new certificate.", "It will issue %(num)d new "
                 "certificates.", 0),
        *([_("No certificate for %(names)s.", names=", ".join(others))] if others else []),
        *([_("Still without an outcome: %(names)s (every learner needs one first).",
             names=", ".join(missing))] if missing else []),
        _("The roster is then locked: only an admin can correct an outcome, and it is audited."),
    ]
    return ask_to_confirm(
        _("Finalise the roster of %(course)s?", course=roster.class_session.course.title),
        consequences, _("Finalise and issue"),
        url_for("instructor.roster_page", class_id=roster.class_session.id),
        _("Back to the roster (nothing saved)"))


@bp.post("/certificates/<int:certificate_id>/external-card")
@roles_required("instructor", "admin")
@fresh_login_required
def record_external_card(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound(_("No certificate has this id."))
    form = ExternalCardForm()
    if not form.validate():
        flash(_("Give both the awarding body and its card id."), "error")
    else:
        certificates.set_external_card(db.session, current_user, certificate,
                                        form.issuer.data, form.external_id.data)
        flash(_("%(issuer)s card id recorded for %(name)s.", issuer=form.issuer.data,
                name=certificate.holder_name), "success")
    return redirect(url_for("instructor.roster_page", class_id=certificate.session_id)
                    if certificate.session_id else url_for("instructor.index"))
