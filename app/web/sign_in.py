"""A signed-in browser session: how one starts, and how recently its password was typed.

Signing in clears the session first, so nothing an anonymous visitor (or someone who
planted a cookie) put in it survives into the signed-in session. The time of the last
password entry is kept in the session as a Unix time; staff changes of roles and
certificates ask for the password again when it is older than RECENT_PASSWORD_MINUTES."""

from __future__ import annotations

from datetime import datetime
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.models import User
from app.models.base import utcnow
from app.web.access import safe_next

PASSWORD_ENTERED_AT = "password_entered_at"
RECENT_PASSWORD_MINUTES = 30


def begin_session(user: User, now: datetime, remember: bool = False) -> None:
    """Sign `user` in on a new, empty session, right after they typed their password."""
    session.clear()
    login_user(user, remember=remember)
    note_password_entry(now)


def end_session() -> None:
    """Sign out this browser: its session is emptied and its remember-me cookie deleted."""
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion in the session


def has_remember_cookie() -> bool:
    """Whether the browser sent a remember-me cookie (to issue it anew after a change)."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies


def note_password_entry(now: datetime) -> None:
    session[PASSWORD_ENTERED_AT] = int(now.timestamp())


def password_is_recent(now: datetime) -> bool:
    entered_at = session.get(PASSWORD_ENTERED_AT)
    if not isinstance(entered_at, int):
        return False  # signed in from a remember-me cookie, or an old session
    return 0 <= now.timestamp() - entered_at <= RECENT_PASSWORD_MINUTES * 60


def _back_to() -> str:
    """Where to come back after confirming: this page, or for a form post the page it was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return "/"
    page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(page, "/")


def recent_password_required(view):
    """Send a user whose last password entry is too old to confirm it first (after the role
    gate); a form post is not replayed: it is made again from the page it came from."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if password_is_recent(utcnow()):
            return view(*args, **kwargs)
        flash(_("Please confirm your password to make this change."), "info")
        return redirect(url_for("account.confirm_password", next=_back_to()))

    return wrapper
