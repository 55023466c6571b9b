"""Bounded request bodies (API-2 §1): a body over MAX_REQUEST_BYTES is refused with a 413
before any of it is read; a view marked with `larger_body` (the records import upload) has
its own, larger limit. The limit is also Werkzeug's `max_content_length`, so a body sent
without a Content-Length (chunked) is cut off at the limit while it is read."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

_SETTING = "body_limit_setting"
_HINT = "body_limit_hint"


def larger_body(setting: str, hint: str = "") -> Callable:
    """Give a view the body limit named by `setting` instead of MAX_REQUEST_BYTES."""

    def mark(view):
        setattr(view, _SETTING, setting)
        setattr(view, _HINT, hint)
        return view

    return mark


def _view():
    return current_app.view_functions.get(request.endpoint or "")


class BoundedRequest(Request):
    """A request whose `max_content_length` is its view's limit."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        setting = getattr(_view(), _SETTING, None) if current_app else None
        if setting:
            return current_app.config[setting]
        return super().max_content_length


def _mebibytes(size: int) -> str:
    return f"{size / 2**20:g} MiB" if size >= 2**20 else f"{size} bytes"


def refuse_large_bodies() -> None:
    """Answer 413 when the announced body is over this view's limit, before reading it."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        hint = getattr(_view(), _HINT, "")
        message = f"The request is larger than the {_mebibytes(limit)} this address accepts."
        raise RequestEntityTooLarge(f"{message} {hint}".strip())


def bound_request_bodies(app: Flask) -> None:
    """Install the limits; the check runs before every other hook (CSRF reads the form)."""
    app.request_class = BoundedRequest
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_large_bodies)
