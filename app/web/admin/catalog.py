"""Catalog pages: list, create, edit and (de)activate courses. Courses are never deleted."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.forms.admin import ConfirmForm, CourseForm
from app.models import Course
from app.services import catalog
from app.services.errors import Conflict, NotFound
from app.services.schedule import authorisations
from app.web.admin import bp
from app.web.confirmation import ask_to_confirm, confirmed
from app.web.language import localized


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound(_("No course has this id."))
    return course


@bp.get("/courses")
@roles_required("admin")
def courses():
    return render_template("admin/courses.html", courses=catalog.list_courses(db.session, False),
                           family_names=authorisations.family_names(db.session),
                           toggle_form=ConfirmForm())


@bp.route("/courses/new", methods=["GET", "POST"])
@roles_required("admin")
def new_course():
    form = CourseForm()
    if not form.validate_on_submit():
        return render_template("admin/course_form.html", form=form, course=None), \
            422 if form.is_submitted() else 200
    try:
        course = catalog.create_course(db.session, current_user, form.course_fields())
    except Conflict as refusal:
        form.code.errors.append(localized(refusal.message))
        return render_template("admin/course_form.html", form=form, course=None), 409
    flash(_("Course %(code)s added to the catalog.", code=course.code), "success")
    return redirect(url_for("admin.courses"))


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def edit_course(course_id: int):
    course = get_course(course_id)
    form = CourseForm(obj=course)
    if not form.is_submitted():
        form.price.data = course.price_cents / 100
    if not form.validate_on_submit():
        return render_template("admin/course_form.html", form=form, course=course), \
            422 if form.is_submitted() else 200
    try:
        catalog.update_course(db.session, current_user, course, form.course_fields())
    except Conflict as refusal:
        form.code.errors.append(localized(refusal.message))
        return render_template("admin/course_form.html", form=form, course=course), 409
    flash(_("Course %(code)s saved. Issued certificates keep their own details.", code=course.code),
          "success")
    return redirect(url_for("admin.courses"))


@bp.post("/courses/<int:course_id>/active")
@roles_required("admin")
def toggle_course(course_id: int):
    course = get_course(course_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    elif course.active and not confirmed():
        return confirm_deactivation(course)
    else:
        catalog.set_course_active(db.session, current_user, course, not course.active)
        flash(_("%(code)s offered again.", code=course.code) if course.active else
              _("%(code)s deactivated: no new sessions, hidden from the catalog.", code=course.code),
              "success")
    return redirect(url_for("admin.courses"))


def confirm_deactivation(course: Course):
    """The step before taking a course out of the catalog (offering it again needs none)."""
    return ask_to_confirm(
        _("Deactivate %(code)s?", code=course.code),
        [_("%(title)s (%(code)s) leaves the catalog: it is no longer listed under Our courses, "
           "recommended by the finder or offered on employers' order form, and no new session "
           "of it can be scheduled.", title=course.title, code=course.code),
         _("Sessions of it already scheduled stay on the schedule and open to enrollment; "
           "certificates already issued are unchanged.")],
        _("Deactivate %(code)s", code=course.code), url_for("admin.courses"),
        undo=_("You can reactivate the course later from this list."))
