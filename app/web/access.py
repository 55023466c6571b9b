"""Helpers of the sign-in pages: safe redirect targets.

The role gate for pages and the API is app.access.roles_required."""

from __future__ import annotations

from urllib.parse import urlsplit


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


# A user with several roles lands on the home of the broadest one.
ROLE_HOMES = (("admin", "/admin"), ("instructor", "/instructor"), ("employer", "/employer"),
              ("learner", "/me"))


def home_for(user) -> str:
    """The page a user lands on after signing in: their role's home, else the catalog."""
    return next((home for role, home in ROLE_HOMES if user.has_role(role)), "/")
