"""Pages of blended courses: the learner's and the instructor's online-part forms, and the
uploaded completion certificate. Who may act on an enrollment is the service's check; a
stranger's enrollment is a 404 page, any other refusal a flash line."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_today
from app.extensions import db
from app.forms.blended import OnlinePartForm
from app.models import Enrollment
from app.models.base import utcnow
from app.request_size import larger_body
from app.services import blended
from app.services.errors import Conflict, Invalid, NotFound
from app.services.language.text import N_
from app.web.refusals import flash_outcome

bp = Blueprint("blended", __name__)
FORM_REFUSALS = (Conflict, Invalid)


def _record_from_form(enrollment_id: int) -> None:
    form = OnlinePartForm()
    if not form.validate_on_submit():
        flash(_("Give the completion date and the completion certificate's id."), "error")
        return
    pdf, pdf_name = form.upload()
    flash_outcome(lambda: blended.record_online_part(
        db.session, current_user, enrollment_id, completed_on=form.completed_on.data,
        certificate_id=form.certificate_id.data, today=center_today(), now=utcnow(),
        pdf=pdf, pdf_name=pdf_name), _("Online part saved."), refusals=FORM_REFUSALS)


@bp.post("/me/enrollments/<int:enrollment_id>/online-part")
@roles_required("learner")
@larger_body("ONLINE_PART_MAX_BYTES")
def learner_online_part(enrollment_id: int):
    _record_from_form(enrollment_id)
    return redirect(url_for("learner.me"))


def _back_to_roster(enrollment_id: int):
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound(N_("No enrollment has this id."))
    return redirect(url_for("instructor.roster_page", class_id=enrollment.session_id))


@bp.post("/instructor/enrollments/<int:enrollment_id>/online-part")
@roles_required("instructor", "admin")
@larger_body("ONLINE_PART_MAX_BYTES")
def instructor_online_part(enrollment_id: int):
    _record_from_form(enrollment_id)
    return _back_to_roster(enrollment_id)


@bp.post("/instructor/enrollments/<int:enrollment_id>/online-part/confirm")
@roles_required("instructor", "admin")
def confirm_online_part(enrollment_id: int):
    flash_outcome(lambda: blended.confirm_online_part(db.session, current_user, enrollment_id,
                                                      utcnow()),
                  _("Online part confirmed."), refusals=FORM_REFUSALS)
    return _back_to_roster(enrollment_id)


@bp.get("/enrollments/<int:enrollment_id>/online-part.pdf")
@roles_required("learner", "instructor", "admin")
def online_part_pdf(enrollment_id: int):
    name, pdf = blended.online_part_pdf(db.session, current_user, enrollment_id)
    return Response(pdf, mimetype="application/pdf", headers={
        # A download, never rendered in the site's origin: the learner chose these bytes.
        "Content-Disposition": f'attachment; filename="{_safe(name)}"'})


def _safe(name: str) -> str:
    # The learner chose the file name: only plain characters reach the header.
    kept = "".join(char for char in name if char.isalnum() or char in "._- ")
    return kept.strip()[:100] or "online-part.pdf"
