"""`Cache-Control: no-store` on everything private: any answer to a signed-in browser (pages,
rosters, the learner's card PDF, downloads) and every API answer to a bearer-token caller, so
no shared cache or browser history keeps a copy."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user


def _private(response: Response) -> bool:
    if request.endpoint == "static":
        return False
    if request.environ.get("lifeline.api_user") is not None:
        return True
    if request.path.startswith("/api/") and "Authorization" in request.headers:
        return True
    return bool(current_user and current_user.is_authenticated)


def register_private_responses(app: Flask) -> None:
    @app.after_request
    def no_store_when_private(response: Response) -> Response:
        if _private(response):
            response.headers["Cache-Control"] = "no-store"
        return response
