"""Each request: a request id (X-Request-ID echoed when it is safe, made otherwise) bound to every
log line written while it runs, one log line when it is answered, and its count and duration.

The line names the route (the URL rule), never the path or the query string: paths carry
certificate codes and reset and unsubscribe tokens. Bodies, headers and cookies are never read.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, request
from flask_login import current_user

from app.observability import logs, metrics

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id looks like (nginx's $request_id is 32 hex digits, a UUID has hyphens): any
# other value — a line break, a quote, a kilobyte — is replaced, so it cannot forge log lines.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_STARTED = "lifeline.started"
_REQUEST_ID = "lifeline.request_id"
_LOG_CONTEXT = "lifeline.log_context"

log = logging.getLogger("lifeline.request")


def request_id_from(header: str | None) -> str:
    """The id a request goes by: its own X-Request-ID when that is safe, else a new one."""
    if header is not None and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _signed_in_user_id() -> int | None:
    api_user = request.environ.get("lifeline.api_user")
    if api_user is not None:
        return api_user.id
    if request.blueprint == "api":
        return None  # the API knows its caller by the bearer token only, never the cookie
    if request.endpoint == "static":
        return None  # no user is loaded for a stylesheet, and none is loaded here for it
    return current_user.id if current_user.is_authenticated else None


def begin_request() -> None:
    request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    request.environ[_STARTED] = time.perf_counter()
    request.environ[_REQUEST_ID] = request_id
    request.environ[_LOG_CONTEXT] = logs.bind(request_id=request_id)


def finish_request(response: Response) -> Response:
    seconds = time.perf_counter() - request.environ[_STARTED]
    rule = request.url_rule
    route = rule.rule if rule is not None else metrics.UNMATCHED_ROUTE
    response.headers[REQUEST_ID_HEADER] = request.environ[_REQUEST_ID]
    metrics.observe_request(request.method, route, response.status_code, seconds)
    log.info("%s %s %s %.1f ms", request.method, route, response.status_code, seconds * 1000,
             extra={"method": request.method, "route": route, "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1), "user_id": _signed_in_user_id(),
                    "remote_addr": request.remote_addr})
    return response


def end_request(_error: BaseException | None) -> None:
    bound = request.environ.pop(_LOG_CONTEXT, None)
    if bound is not None:
        logs.unbind(bound)


def log_requests(app: Flask) -> None:
    """Install the hooks: the id is made before every other hook runs (a rate limit's 429, a
    413 refusal and the HTTPS redirect are logged with one too), and the line is written after
    every other after_request hook, when the answer is final."""
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    # after_request hooks run last-registered first: the first in the list runs last.
    app.after_request_funcs.setdefault(None, []).insert(0, finish_request)
    app.teardown_request(end_request)
