"""Each API route documents itself; /openapi.json is built from the URL map, so a route
without a description is caught by the tests rather than forgotten.

The `request` and `query` schemas given here are also what the route's handler checks its
request against (app.api.validation reads them back from the view), so they are the one
declaration of what the route accepts."""

from __future__ import annotations

ERROR_DESCRIPTIONS = {
    "400": "malformed body or mistyped code",
    "401": "unauthenticated",
    "403": "forbidden",
    "404": "not_found",
    "409": "already_enrolled or conflict",
    "422": "invalid (or a domain refusal such as enrollment_closed)",
    "413": "too_large (the body is over MAX_REQUEST_BYTES)",
    "429": "rate_limited",
    "503": "unavailable (a service the answer needs cannot be reached)",
}


def documented(summary: str, *, request: dict | None = None, query: dict | None = None,
               response: dict | None = None, status: int = 200, errors: tuple[int, ...] = (),
               response_type: str = "application/json"):
    """Attach an OpenAPI operation to a view function: `request` is the JSON body's schema,
    `query` an object schema whose properties are the query arguments."""

    def decorator(view):
        view.openapi = {
            "summary": summary,
            "request": request,
            "query": query,
            "response": response,
            "status": status,
            "errors": errors,
            "response_type": response_type,
        }
        return view

    return decorator
