"""Moving a learner from one session to another that serves the same requirement."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_zone
from app.extensions import db
from app.forms.admin import TransferForm
from app.models import Enrollment
from app.models.base import utcnow
from app.services import schedule
from app.services.errors import AlreadyEnrolled, Conflict, Invalid, NotFound
from app.web.admin import bp
from app.web.refusals import flash_refusal


@bp.post("/enrollments/<int:enrollment_id>/transfer")
@roles_required("admin")
def transfer(enrollment_id: int):
    old = db.session.get(Enrollment, enrollment_id)
    if old is None:
        raise NotFound(_("No enrollment has this id."))
    source_id = old.session_id
    form = TransferForm()
    form.target.choices = [(s.id, "") for s in schedule.transfer_targets(
        db.session, old.session, utcnow())]
    if not form.validate_on_submit():
        flash(_("Choose a session to move the learner to."), "error")
        return redirect(url_for("admin.session_page", class_id=source_id))
    try:
        moved = schedule.transfer_enrollment(db.session, current_user, enrollment_id,
                                             form.target.data, utcnow(), zone_name=center_zone())
    except (Invalid, Conflict, AlreadyEnrolled) as refusal:
        flash_refusal(refusal)
        return redirect(url_for("admin.session_page", class_id=source_id))
    if moved.status == "enrolled":
        flash(_("%(name)s moved: a seat in the new session; they are e-mailed.",
                name=moved.learner.full_name), "success")
    else:
        flash(_("%(name)s moved: a waitlist place in the new session; they are e-mailed.",
                name=moved.learner.full_name), "success")
    return redirect(url_for("admin.session_page", class_id=source_id))
