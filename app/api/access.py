"""Bearer-token authentication and role gates for the API (never the session cookie)."""

from __future__ import annotations

from functools import wraps

from flask import request

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
    user = bearer_user()
    if user is None:
        raise Unauthenticated()
    return user


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        current_api_user()
        return view(*args, **kwargs)

    wrapper.api_auth = True
    return wrapper


def roles_required(*roles: str):
    """Refuse with 401 without a token and 403 (before any lookup) without one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_api_user()
            if not user.has_role(*roles):
                raise Forbidden(f"This needs the {' or '.join(roles)} role.")
            return view(*args, **kwargs)

        wrapper.api_auth = True
        wrapper.api_roles = roles
        return wrapper

    return decorator
