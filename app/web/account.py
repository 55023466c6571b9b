"""The signed-in user's own sessions: confirm the password again, sign out everywhere."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import confirm_login, current_user, login_required

from app import login_throttle
from app.extensions import db
from app.forms.auth import ConfirmPasswordForm
from app.models.base import utcnow
from app.security import password_hasher
from app.services import accounts
from app.web.access import safe_next
from app.web.language import localized
from app.web.sign_in import end_session, note_password_entry

bp = Blueprint("account", __name__)


@bp.route("/account/confirm-password", methods=["GET", "POST"])
@login_required
def confirm_password():
    """Type the password again, then go back to `next` (staff changes ask for a recent one)."""
    form = ConfirmPasswordForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("account/confirm_password.html", form=form), status
    try:  # counted like a sign-in: a wrong password here is a failed sign-in
        attempt = login_throttle.count_attempt(current_user.email)
    except login_throttle.SignInRefused as refusal:
        page = render_template("account/confirm_password.html", form=form, problem=localized(refusal.message))
        return page, refusal.status, refusal.headers
    if not accounts.password_matches(current_user, form.password.data, password_hasher()):
        page = render_template("account/confirm_password.html", form=form,
                               problem=_("This is not your password."))
        return page, 401
    attempt.succeeded()
    note_password_entry(utcnow())
    confirm_login()
    return redirect(safe_next(form.next.data or request.args.get("next"), "/"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session, remember-me cookie and API token of the user, this one included."""
    accounts.sign_out_everywhere(db.session, current_user, utcnow())
    end_session()
    flash(_("You are signed out on every device, and your API tokens are revoked."), "success")
    return redirect(url_for("public.index"))
