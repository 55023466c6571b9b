"""The keycode bank of a course: load keycodes (pasted or a CSV file), see how many are left and
which enrollment holds which, mark a redeemed key as used up."""

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.blended import KeycodesForm, UsedUpForm
from app.models import Course, Keycode
from app.models.base import utcnow
from app.services import blended
from app.services.errors import Invalid, NotFound
from app.web.admin import bp
from app.web.admin.catalog import get_course
from app.web.confirmation import ask_to_confirm, confirmed
from app.web.refusals import flash_outcome
from app.web.templating import center_time


@bp.get("/courses/<int:course_id>/keycodes")
@roles_required("admin")
def keycodes(course_id: int):
    course, keys, left = blended.bank_of(db.session, get_course(course_id).code)
    return render_template("admin/keycodes.html", course=course, keys=keys, available=left,
                           low_mark=current_app.config["KEYCODES_LOW"], form=KeycodesForm(),
                           used_up_form=UsedUpForm())


@bp.post("/courses/<int:course_id>/keycodes")
@roles_required("admin")
def load_keycodes(course_id: int):
    course, form = get_course(course_id), KeycodesForm()
    if form.validate_on_submit():
        flash_outcome(lambda: blended.load_keycodes(
            db.session, current_user, course.code, blended.parse_keycodes(form.text()),
            utcnow(), low_mark=current_app.config["KEYCODES_LOW"]),
            lambda summary: f"{summary.added} keycodes added; {summary.available} available.",
            refusals=(Invalid,))
    return redirect(url_for("admin.keycodes", course_id=course.id))


@bp.post("/courses/<int:course_id>/keycodes/used-up")
@roles_required("admin")
def keycode_used_up(course_id: int):
    course, form = get_course(course_id), UsedUpForm()
    if form.validate_on_submit() and str(form.keycode_id.data).isdigit():
        keycode_id = int(form.keycode_id.data)
        step = None if confirmed() else confirm_used_up(course, keycode_id)
        if step is not None:
            return step
        flash_outcome(lambda: blended.mark_used_up(db.session, current_user, keycode_id),
                      lambda keycode: _("Keycode %(key)s marked used up.", key=keycode.key),
                      refusals=(NotFound,))
    return redirect(url_for("admin.keycodes", course_id=course.id))


def confirm_used_up(course: Course, keycode_id: int):
    """The step before marking a key used up: whose it is and what the bank has left; None when
    there is no such key or it already is (blended.mark_used_up then says so, or does nothing)."""
    keycode = db.session.get(Keycode, keycode_id) if 0 < keycode_id < 2**31 else None
    if keycode is None or keycode.used_up:
        return None
    if keycode.enrollment is not None:
        holder = _("%(key)s stays with %(name)s (class of %(when)s) but never goes back to the "
                   "bank, even if they cancel.", key=keycode.key,
                   name=keycode.enrollment.learner.full_name,
                   when=center_time(keycode.enrollment.session.starts_at))
    else:
        holder = _("%(key)s leaves the bank: it will never be handed to a learner.", key=keycode.key)
    left = blended.available(db.session, keycode.course_id) - (1 if keycode.enrollment_id is None else 0)
    return ask_to_confirm(
        _("Mark keycode %(key)s used up?", key=keycode.key),
        [holder, ngettext("%(num)d keycode of %(course)s stays available.",
                          "%(num)d keycodes of %(course)s stay available.", left,
                          course=course.title)],
        _("Mark %(key)s used up", key=keycode.key), url_for("admin.keycodes", course_id=course.id))
