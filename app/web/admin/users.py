"""Users and roles: search, roles, organisation, (de)activation, instructor number and
authorisations per course family."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
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
from app.models import InstructorAuthorisation, User
from app.models.base import utcnow
from app.services import accounts
from app.services.errors import Conflict, Invalid, NotFound
from app.services.schedule import authorisations
from app.web.admin import bp
from app.web.admin.common import submitted
from app.web.confirmation import ask_to_confirm, confirmed
from app.web.refusals import flash_outcome
from app.web.sign_in import recent_password_required
from app.web.templating import long_date

USER_REFUSALS = (Conflict, Invalid, NotFound)


@bp.get("/users")
@roles_required("admin")
def users():
    form = UserSearchForm(request.args)
    found = accounts.search_users(db.session, form.q.data or "", form.role.data or None)
    return render_template("admin/users.html", form=form, users=found)


def organisation_name(user, default: str) -> str:
    return user.organisation.name if user.organisation else default


def authorisation_form(names: dict[str, str]) -> AuthorisationForm:
    """The form to authorise an instructor, its families by name (the code is the value)."""
    form = AuthorisationForm()
    form.family.choices = sorted(names.items(), key=lambda family_and_name: family_and_name[1])
    return form


@bp.get("/users/<int:user_id>")
@roles_required("admin")
def user_page(user_id: int):
    user = accounts.get_user(db.session, user_id)
    names = authorisations.family_names(db.session)
    return render_template(
        "admin/user.html", user=user, today=center_today(), family_names=names,
        roles_form=RolesForm(data={"roles": sorted(user.roles)}),
        organisation_form=OrganisationForm(data={"name": organisation_name(user, "")}),
        organisations=accounts.organisations(db.session), confirm_form=ConfirmForm(),
        number_form=InstructorNumberForm(data={"number": user.instructor_number or ""}),
        authorisations=authorisations.list_for(db.session, user),
        authorisation_form=authorisation_form(names))


def back_to(user_id: int):
    return redirect(url_for("admin.user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/roles")
@roles_required("admin")
@recent_password_required
def set_roles(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = RolesForm()
    if submitted(form):
        wanted = set(form.roles.data or ())  # no box ticked: the browser sends no field at all

        def change_roles() -> None:
            for role in sorted(wanted - user.roles):
                accounts.grant_role(db.session, current_user, user, role)
            for role in sorted(user.roles - wanted):
                accounts.revoke_role(db.session, current_user, user, role)

        flash_outcome(change_roles, lambda _changed: _(
            "Roles of %(email)s: %(roles)s.", email=user.email,
            roles=", ".join(sorted(user.roles)) or _("none")), USER_REFUSALS)
    return back_to(user_id)


@bp.post("/users/<int:user_id>/organisation")
@roles_required("admin")
def set_organisation(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = OrganisationForm()
    if submitted(form):
        accounts.attach_organisation(db.session, current_user, user, form.name.data)
        flash(_("Organisation of %(email)s: %(organisation)s.", email=user.email,
                organisation=organisation_name(user, _("none"))), "success")
    return back_to(user_id)


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def toggle_active(user_id: int):
    user = accounts.get_user(db.session, user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    elif user.active and not confirmed():
        return confirm_deactivation(user)
    elif user.active:
        flash_outcome(lambda: accounts.deactivate_user(db.session, current_user, user, utcnow()),
                      _("%(email)s deactivated: no sign-in, API tokens revoked, records kept.",
                        email=user.email),
                      USER_REFUSALS)
    else:
        flash_outcome(lambda: accounts.reactivate_user(db.session, current_user, user, utcnow()),
                      _("%(email)s can sign in again.", email=user.email), USER_REFUSALS)
    return back_to(user_id)


def confirm_deactivation(user: User):
    """The step before closing an account (reactivating one needs none)."""
    return ask_to_confirm(
        _("Deactivate %(name)s's account?", name=user.full_name),
        [_("%(name)s (%(email)s) can no longer sign in, and every browser session and API "
           "token of theirs ends now.", name=user.full_name, email=user.email),
         _("Their records are kept: certificates, enrollments and the audit trail stay.")],
        _("Deactivate the account"), url_for("admin.user_page", user_id=user.id),
        undo=_("Reactivating the account later lets them sign in again, but the sessions and "
               "tokens ended now stay ended."))


@bp.post("/users/<int:user_id>/instructor-number")
@roles_required("admin")
def set_instructor_number(user_id: int):
    user = accounts.get_user(db.session, user_id)
    form = InstructorNumberForm()
    if submitted(form):
        authorisations.set_instructor_number(db.session, current_user, user, form.number.data)
        flash(_("Instructor number saved."), "success")
    return back_to(user_id)


@bp.post("/users/<int:user_id>/authorisations")
@roles_required("admin")
def set_authorisation(user_id: int):
    user = accounts.get_user(db.session, user_id)
    names = authorisations.family_names(db.session)
    form = authorisation_form(names)
    if submitted(form):
        family, until = form.family.data, form.expires_on.data
        flash_outcome(lambda: authorisations.set_authorisation(db.session, current_user, user,
                                                               family, until),
                      _("Authorised for %(family)s until %(date)s.", family=names[family],
                        date=long_date(until)),
                      USER_REFUSALS)
    return back_to(user_id)


@bp.post("/authorisations/<int:authorisation_id>/remove")
@roles_required("admin")
def remove_authorisation(authorisation_id: int):
    user_id = request.form.get("user_id", type=int)
    if ConfirmForm().validate_on_submit():
        record = db.session.get(InstructorAuthorisation, authorisation_id)
        if record is not None and not confirmed():
            return confirm_removal(record)
        authorisations.remove_authorisation(db.session, current_user, authorisation_id)
        flash(_("Authorisation removed."), "success")
    return redirect(url_for("admin.user_page", user_id=user_id) if user_id else url_for("admin.users"))


def confirm_removal(record: InstructorAuthorisation):
    """The step before removing an authorisation: what its instructor may no longer teach."""
    name, family = record.instructor.full_name, authorisations.family_name(db.session, record.family)
    return ask_to_confirm(
        _("Remove %(name)s's %(family)s authorisation?", name=name, family=family),
        [_("%(name)s's authorisation to teach %(family)s courses, valid until %(date)s, is "
           "deleted (the audit log keeps what it said).", name=name, family=family,
           date=long_date(record.expires_on)),
         _("No new %(family)s session can be given to %(name)s, and the ones they already teach "
           "are flagged on the schedule.", name=name, family=family)],
        _("Remove the authorisation"), url_for("admin.user_page", user_id=record.instructor_id))
