"""The keycode bank of a course: load keycodes (pasted or a CSV file), see how many are left and
which enrollment holds which, mark a redeemed key as used up."""

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.blended import KeycodesForm, UsedUpForm
from app.models.base import utcnow
from app.services import blended
from app.services.errors import Invalid, NotFound
from app.web.admin import bp
from app.web.admin.catalog import get_course
from app.web.refusals import flash_outcome


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
        flash_outcome(lambda: blended.mark_used_up(db.session, current_user,
                                                   int(form.keycode_id.data)),
                      lambda keycode: _("Keycode %(key)s marked used up.", key=keycode.key),
                      refusals=(NotFound,))
    return redirect(url_for("admin.keycodes", course_id=course.id))
