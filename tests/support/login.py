"""Signing in and out on a test client the way a browser does: through the real /login and
/logout forms (with their CSRF token when the app checks it), never by writing Flask-Login's
session keys."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.models import User
from tests.factories import DEFAULT_PASSWORD

_CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log_in(client: FlaskClient, user: User | str, password: str = DEFAULT_PASSWORD, *,
           fresh: bool = True) -> FlaskClient:
    """Sign `user` (a User or an e-mail address) in through the /login form; the client.

    The sign-in is fresh, as right after typing the password. With `fresh=False` the user
    signs in with "remember me" and the browser then loses its session cookie, so the next
    request is signed in from the remember-me cookie alone: a signed-in, non-fresh session."""
    email = user if isinstance(user, str) else user.email
    data = {"email": email, "password": password, **_csrf_field(client, "/login")}
    if not fresh:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    if response.status_code not in (302, 303):
        raise AssertionError(f"signing in as {email} through /login answered "
                             f"{response.status_code}, not a redirect (wrong password? inactive?)")
    if not fresh:
        client.delete_cookie(client.application.config["SESSION_COOKIE_NAME"])
    return client


def log_out(client: FlaskClient) -> FlaskClient:
    """Sign the client out through the sign-out form; the client."""
    response = client.post("/logout", data=_csrf_field(client, "/login"))
    if response.status_code not in (302, 303):
        raise AssertionError(f"signing out through /logout answered {response.status_code}")
    return client


def _csrf_field(client: FlaskClient, page: str) -> dict[str, str]:
    """The csrf_token a form on `page` carries, when the app checks CSRF tokens."""
    if not client.application.config.get("WTF_CSRF_ENABLED", True):
        return {}
    match = _CSRF_TOKEN.search(client.get(page).get_data(as_text=True))
    if match is None:
        raise AssertionError(f"no csrf_token on {page} to sign in or out with")
    return {"csrf_token": match.group(1)}
