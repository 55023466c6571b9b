"""One place that turns domain errors and HTTP errors into answers:
JSON in the API.md error shape under /api/v1, an HTML page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from app.services.errors import DomainError
from app.services.language.text import N_
from app.web.language import localized

log = logging.getLogger(__name__)

HTTP_ERROR_CODES = {
    400: "malformed",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "conflict",
    413: "too_large",
    415: "malformed",
    422: "invalid",
    429: "rate_limited",
}
# An HTML page says HTTP's own errors (werkzeug's English descriptions) in the page's language;
# the API keeps the English message (429 and 500 say these words there too).
PAGE_MESSAGES = {
    400: N_("The request could not be understood. Please go back and try again."),
    403: N_("You do not have permission to see this page."),
    404: N_("There is no page at this address. Check the link, or start again from the "
            "class list."),
    405: N_("This page cannot be used that way."),
    413: N_("What you sent is too large."),
    429: N_("Too many requests; try again later."),
    500: N_("Something went wrong on our side."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields=None, headers=None):
    if wants_json():
        body = {"error": code, "message": message}
        if fields:
            body["fields"] = fields
        response = jsonify(body)
    else:
        response = render_template(
            "errors/error.html", status=status, code=code, message=localized(message),
            fields=fields and {name: [localized(problem) for problem in problems]
                               for name, problems in fields.items()})
    return response, status, headers or {}


def _page_words(error: HTTPException, message: str) -> str:
    """A page says werkzeug's own (English) description of an HTTP error in its language."""
    if wants_json() or error.description != type(error).description:
        return message
    return PAGE_MESSAGES.get(error.code or 500, message)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        return error_response(error.status, error.code, error.message, error.fields)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        headers = {}
        if error.code == 429:
            retry_after = getattr(error, "retry_after", None)
            headers = dict(error.get_response().headers)
            headers = {k: v for k, v in headers.items()
                       if k.lower().startswith(("retry-after", "x-ratelimit"))}
            if retry_after and "Retry-After" not in headers:
                headers["Retry-After"] = str(retry_after)
            message = PAGE_MESSAGES[429]
        else:
            message = error.description or error.name
            if error.code == 405:  # HTTP requires a 405 to name the allowed methods
                headers = {"Allow": error.get_response().headers.get("Allow", "")}
        code = HTTP_ERROR_CODES.get(error.code or 500, "error")
        return error_response(error.code or 500, code, _page_words(error, message),
                              headers=headers)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        # The URL rule, not the path: a path may hold a reset token or a certificate code.
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        log.exception("unhandled error on %s %s", request.method, route)
        return error_response(500, "internal", PAGE_MESSAGES[500])
