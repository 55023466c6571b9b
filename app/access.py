"""Who is calling, and may they: the one role gate for pages and for the API.

Pages know the caller by the Flask-Login session cookie; the API (/api/v1) only by a bearer
token, never the cookie. `roles_required` answers each in its own form: an anonymous page
visitor is sent to the login page and a page user without the role gets the 403 page; an API
call without a valid token gets 401 and one without the role 403, both as API.md JSON."""

from __future__ import annotations

from functools import wraps

from flask import request
from flask_login import current_user, login_required

from app.errors import wants_json
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.services.accounts import tokens
from app.services.errors import Forbidden, Unauthenticated


def bearer_user() -> User | None:
    """The user of the request's bearer token, or None (looked up once per request)."""
    if "lifeline.api_user" in request.environ:
        return request.environ["lifeline.api_user"]
    header = request.headers.get("Authorization", "")
    scheme, _, raw_token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and raw_token.strip():
        user = tokens.user_for_token(db.session, raw_token.strip(), utcnow())
    request.environ["lifeline.api_user"] = user
    return user


def current_api_user() -> User:
    """The API caller; 401 without a valid bearer token."""
    user = bearer_user()
    if user is None:
        raise Unauthenticated()
    return user


def token_required(view):
    """An API route for any caller with a valid bearer token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        current_api_user()
        return view(*args, **kwargs)

    wrapper.api_auth = True
    return wrapper


def roles_required(*roles: str):
    """Let through a caller who holds one of `roles`, a page visitor or an API client alike.

    The role check comes before any look-up of the record the URL names, so a refusal says
    nothing about whether that record exists."""

    def decorator(view):
        @login_required
        def page(*args, **kwargs):
            if not current_user.has_role(*roles):
                raise Forbidden(f"This page is for the {' or '.join(roles)} role.")
            return view(*args, **kwargs)

        @wraps(view)
        def wrapper(*args, **kwargs):
            if not wants_json():
                return page(*args, **kwargs)
            if not current_api_user().has_role(*roles):
                raise Forbidden(f"This needs the {' or '.join(roles)} role.")
            return view(*args, **kwargs)

        # Read by the OpenAPI document (api_auth, api_roles) and by the tests of the gates.
        wrapper.web_roles = wrapper.api_roles = roles
        wrapper.api_auth = True
        return wrapper

    return decorator
