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
from app.web.admin import bp
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
    if ConfirmForm().validate_on_submit():
        catalog.set_course_active(db.session, current_user, course, not course.active)
        flash(_("%(code)s offered again.", code=course.code) if course.active else
              _("%(code)s deactivated: no new sessions, hidden from the catalog.", code=course.code),
              "success")
    else:
        flash(_("The form expired; please try again."), "error")
    return redirect(url_for("admin.courses"))
