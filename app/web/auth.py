"""Sign in, sign out, registration and password resets."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import login_throttle
from app.extensions import db
from app.forms.auth import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.models.base import utcnow
from app.security import password_hasher
from app.services import accounts
from app.services.errors import Conflict, Invalid
from app.web.access import safe_next
from app.web.sign_in import begin_session, end_session, has_remember_cookie

bp = Blueprint("auth", __name__)
WRONG_CREDENTIALS = "Wrong e-mail or password."


def _after_sign_in(default: str = "/") -> str:
    return safe_next(request.values.get("next"), default)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Sign up as a learner, then carry on where the visitor was going."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(db.session, email=form.email.data,
                                     full_name=form.full_name.data, password=form.password.data,
                                     job_title=form.job_title.data, hasher=password_hasher())
        except Conflict:
            form.email.errors.append("An account with this e-mail exists: sign in, or reset "
                                     "its password.")
        except Invalid as error:
            for name, problems in (error.fields or {}).items():
                getattr(form, name, form.email).errors.extend(problems)
        else:
            begin_session(user, utcnow())
            flash("Welcome! Your account is ready.", "success")
            return redirect(_after_sign_in())
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; failures are counted per account and per address (RATELIMIT_LOGIN)."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.errors else 200
    wait = login_throttle.seconds_blocked(form.email.data)
    if wait is not None:
        response = render_template("auth/login.html", form=form,
                                   problem=login_throttle.wait_message(wait))
        return response, 429, {"Retry-After": str(wait)}
    user = accounts.authenticate(db.session, form.email.data, form.password.data,
                                 password_hasher())
    if user is None:
        login_throttle.record_failure(form.email.data)
        return render_template("auth/login.html", form=form, problem=WRONG_CREDENTIALS), 401
    begin_session(user, utcnow(), remember=bool(form.remember.data))
    return redirect(safe_next(form.next.data, "/me" if user.has_role("learner") else "/"))


@bp.post("/logout")
def logout():
    end_session()
    flash("You are signed out.", "success")
    return redirect(url_for("public.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(db.session, form.email.data, utcnow(),
                                        current_app.config["SECRET_KEY"])
        flash("If an account uses that address, a reset link is on its way. "
              "It works once, for an hour.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    secret = current_app.config["SECRET_KEY"]
    try:
        accounts.user_for_reset_token(db.session, token, utcnow(), secret)
    except Invalid as error:
        return render_template("auth/reset.html", form=None, problem=error.fields["token"][0]), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(db.session, token, form.password.data, utcnow(), secret,
                                password_hasher())
        flash("Your password is changed. Sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required  # the current password is asked for, which proves more than freshness
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session, current_user, form.current_password.data,
                                     form.password.data, utcnow(), password_hasher())
        except Invalid as error:
            for name, problems in (error.fields or {}).items():
                getattr(form, name, form.password).errors.extend(problems)
        else:
            # Every other session, cookie and token of the account has ended; this one goes on.
            begin_session(current_user._get_current_object(), utcnow(),
                          remember=has_remember_cookie())
            flash("Your password is changed; you are signed out everywhere else.", "success")
            return redirect(url_for("learner.me") if current_user.has_role("learner") else "/")
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
