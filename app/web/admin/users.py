"""Users and roles: search, roles, organisation, (de)activation, instructor number and
authorisations per course family."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.access import roles_required
from app.center import center_today
from app.extensions import db
from app.forms.admin import (
    AuthorisationForm,
    ConfirmForm,
    InstructorNumberForm,
    OrganisationForm,
    RolesForm,
    UserSearchForm,
)
from app.models.base import utcnow
from app.services import accounts
from app.services.errors import Conflict, Invalid, NotFound
from app.services.schedule import authorisations
from app.web.admin import bp
from app.web.admin.common import flash_form_errors
from app.web.refusals import flash_refusal
from app.web.sign_in import recent_password_required

USER_REFUSALS = (Conflict, Invalid, NotFound)


@bp.get("/users")
@roles_required("admin")
def users():
    form = UserSearchForm(request.args)
    found = accounts.search_users(db.session, form.q.data or "", form.role.data or None)
    return render_template("admin/users.html", form=form, users=found)


def organisation_name(user, default: str) -> str:
    return user.organisation.name if user.organisation else default


def authorisation_form() -> AuthorisationForm:
    form = AuthorisationForm()
    form.family.choices = authorisations.course_families(db.session)
    return form


@bp.get("/users/<int:user_id>")
@roles_required("admin")
def user_page(user_id: int):
    user = accounts.get_user(db.session, user_id)
    return render_template(
        "admin/user.html", user=user, today=center_today(),
        roles_form=RolesForm(data={"roles": sorted(user.roles)}),
        organisation_form=OrganisationForm(data={"name": organisation_name(user, "")}),
        organisations=accounts.organisations(db.session), confirm_form=ConfirmForm(),
        number_form=InstructorNumberForm(data={"number": user.instructor_number or ""}),
        authorisations=authorisations.list_for(db.session, user), authorisation_form=authorisation_form())


def back_to(user_id: int):
    return redirect(url_for("admin.user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/roles")
@roles_required("admin")
@recent_password_required
def set_roles(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back_to(user_id)
    wanted = set(form.roles.data or ())  # no box ticked: the browser sends no field at all
    try:
        for role in sorted(wanted - user.roles):
            accounts.grant_role(db.session, current_user, user, role)
        for role in sorted(user.roles - wanted):
            accounts.revoke_role(db.session, current_user, user, role)
        flash(f"Roles of {user.email}: {', '.join(sorted(user.roles)) or 'none'}.", "success")
    except USER_REFUSALS as refusal:
        flash_refusal(refusal)
    return back_to(user_id)


@bp.post("/users/<int:user_id>/organisation")
@roles_required("admin")
def set_organisation(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = OrganisationForm()
    if form.validate_on_submit():
        accounts.attach_organisation(db.session, current_user, user, form.name.data)
        flash(f"Organisation of {user.email}: {organisation_name(user, 'none')}.", "success")
    else:
        flash_form_errors(form)
    return back_to(user_id)


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def toggle_active(user_id: int):
    user = accounts.get_user(db.session, user_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired; please try again.", "error")
        return back_to(user_id)
    try:
        if user.active:
            accounts.deactivate_user(db.session, current_user, user, utcnow())
            flash(f"{user.email} deactivated: no sign-in, API tokens revoked, records kept.", "success")
        else:
            accounts.reactivate_user(db.session, current_user, user, utcnow())
            flash(f"{user.email} can sign in again.", "success")
    except USER_REFUSALS as refusal:
        flash_refusal(refusal)
    return back_to(user_id)


@bp.post("/users/<int:user_id>/instructor-number")
@roles_required("admin")
def set_instructor_number(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = InstructorNumberForm()
    if form.validate_on_submit():
        authorisations.set_instructor_number(db.session, current_user, user, form.number.data)
        flash("Instructor number saved.", "success")
    else:
        flash_form_errors(form)
    return back_to(user_id)


@bp.post("/users/<int:user_id>/authorisations")
@roles_required("admin")
def set_authorisation(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = authorisation_form()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back_to(user_id)
    try:
        authorisations.set_authorisation(db.session, current_user, user, form.family.data,
                                         form.expires_on.data)
        flash(f"Authorised for {form.family.data} until {form.expires_on.data.isoformat()}.", "success")
    except USER_REFUSALS as refusal:
        flash_refusal(refusal)
    return back_to(user_id)


@bp.post("/authorisations/<int:authorisation_id>/remove")
@roles_required("admin")
def remove_authorisation(authorisation_id: int):
    user_id = request.form.get("user_id", type=int)
    if ConfirmForm().validate_on_submit():
        authorisations.remove_authorisation(db.session, current_user, authorisation_id)
        flash("Authorisation removed.", "success")
    return redirect(url_for("admin.user_page", user_id=user_id) if user_id else url_for("admin.users"))
