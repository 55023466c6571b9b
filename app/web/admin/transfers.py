"""Moving a learner from one session to another that serves the same requirement."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.center import center_zone
from app.extensions import db
from app.forms.admin import TransferForm
from app.models import ClassSession, Enrollment
from app.models.base import utcnow
from app.services import enrollment, schedule
from app.services.errors import AlreadyEnrolled, Conflict, Invalid, NotFound
from app.web.admin import bp
from app.web.confirmation import ask_to_confirm, confirmed
from app.web.refusals import flash_refusal
from app.web.templating import center_time


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
    if not confirmed():
        return confirm_transfer(old, db.session.get(ClassSession, form.target.data))
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


def confirm_transfer(old: Enrollment, target: ClassSession):
    """The step before a transfer: where the learner goes, and what becomes of the place they
    leave (schedule.transfer_enrollment)."""
    name, source = old.learner.full_name, old.session
    moves = _("%(name)s leaves %(from_course)s on %(from_when)s for %(to_course)s on %(to_when)s "
              "at %(place)s, and is e-mailed what changed.", name=name,
              from_course=source.course.title, from_when=center_time(source.starts_at),
              to_course=target.course.title, to_when=center_time(target.starts_at),
              place=target.location)
    arrives = (_("They get a seat there (%(left)s left now).", left=target.seats_left)
               if target.seats_left > 0 else
               _("That class is full: they go to the end of its waitlist."))
    if old.status == "enrolled":
        waiting = schedule.waitlist_lengths(db.session, [source.id]).get(source.id, 0)
        leaves = (_("Their seat here goes to the next learner on this class's waitlist "
                    "(%(waiting)s waiting), who is e-mailed.", waiting=waiting) if waiting else
                  _("Their seat here is given up; anyone may enroll in it."))
    else:
        leaves = _("They give up their place on this class's waitlist (number %(position)s).",
                   position=enrollment.waitlist_position(db.session, old))
    lines = [moves, arrives, leaves]
    if old.payment is not None and old.payment.status in ("paid", "covered", "waived"):
        lines.append(_("What they paid (or their employer's voucher) pays for the new place; "
                       "nothing is refunded or charged."))
    return ask_to_confirm(_("Move %(name)s to another class?", name=name), lines,
                          _("Move %(name)s", name=name),
                          url_for("admin.session_page", class_id=source.id))
