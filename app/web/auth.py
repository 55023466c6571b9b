"""Sign in, sign out, registration and password resets."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
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
from app.security import account_mail_limit, password_hasher
from app.services import accounts
from app.services.errors import Invalid
from app.web.access import home_for, safe_next
from app.web.language import current_language, localized
from app.web.sign_in import begin_session, end_session, has_remember_cookie

bp = Blueprint("auth", __name__)


def _after_sign_in(default: str = "/") -> str:
    return safe_next(request.values.get("next"), default)


@bp.route("/register", methods=["GET", "POST"])
@account_mail_limit
def register():
    """Sign up as a learner; the answer is the same whether the address had an account."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register(db.session, email=form.email.data, full_name=form.full_name.data,
                              password=form.password.data, job_title=form.job_title.data,
                              now=utcnow(), hasher=password_hasher(),
                              preferred_language=current_language())
        except Invalid as error:
            for name, problems in (error.fields or {}).items():
                field = {"name": "full_name"}.get(name, name)  # the service's name for it
                getattr(form, field, form.email).errors.extend(map(localized, problems))
        else:
            flash(_("Check your mail: we have sent a message to that address. If your account "
                    "is ready, sign in here."), "success")
            return redirect(url_for("auth.login", next=request.args.get("next") or None))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; failures are counted per (account, address) and per address (RATELIMIT_LOGIN)."""
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.errors else 200
    try:
        attempt = login_throttle.count_attempt(form.email.data)
    except login_throttle.SignInRefused as refusal:
        page = render_template("auth/login.html", form=form, problem=localized(refusal.message))
        return page, refusal.status, refusal.headers
    user = accounts.authenticate(db.session, form.email.data, form.password.data,
                                 password_hasher())
    if user is None:
        page = render_template("auth/login.html", form=form,
                               problem=_("Wrong e-mail or password."))
        return page, 401
    attempt.succeeded()
    begin_session(user, utcnow(), remember=bool(form.remember.data))
    return redirect(safe_next(form.next.data, home_for(user)))


@bp.post("/logout")
def logout():
    end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@account_mail_limit
def forgot_password():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(db.session, form.email.data, utcnow(),
                                        current_app.config["SECRET_KEY"])
        flash(_("If an account uses that address, a reset link is on its way. "
                "It works once, for an hour."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    secret = current_app.config["SECRET_KEY"]
    try:
        accounts.user_for_reset_token(db.session, token, utcnow(), secret)
    except Invalid as error:
        problem = localized(error.fields["token"][0])
        return render_template("auth/reset.html", form=None, problem=problem), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = accounts.reset_password(db.session, token, form.password.data, utcnow(), secret,
                                       password_hasher())
        login_throttle.clear_account(user.email)  # its holder is never locked out of it
        flash(_("Your password is changed. Sign in with it now."), "success")
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
                getattr(form, name, form.password).errors.extend(map(localized, problems))
        else:
            # Every other session, cookie and token of the account has ended; this one goes on.
            begin_session(current_user._get_current_object(), utcnow(),
                          remember=has_remember_cookie())
            flash(_("Your password is changed; you are signed out everywhere else."), "success")
            return redirect(home_for(current_user))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
