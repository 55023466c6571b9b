"""Role gates for HTML pages (Flask-Login sessions)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Send anonymous visitors to the login page; answer 403 to a user without the role."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403, description=f"This page is for the {' or '.join(roles)} role.")
            return view(*args, **kwargs)

        wrapper.web_roles = roles
        return wrapper

    return decorator


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after signing in; anything pointing elsewhere becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def client_ip() -> str:
    return request.remote_addr or "unknown"
