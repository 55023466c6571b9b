"""Each API route documents itself; /openapi.json is built from the URL map, so a route
without a description is caught by the tests rather than forgotten."""

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


def documented(summary: str, *, request: dict | None = None, response: dict | None = None,
               status: int = 200, errors: tuple[int, ...] = (), parameters: list | None = None,
               response_type: str = "application/json"):
    """Attach an OpenAPI operation to a view function."""

    def decorator(view):
        view.openapi = {
            "summary": summary,
            "request": request,
            "response": response,
            "status": status,
            "errors": errors,
            "parameters": parameters or [],
            "response_type": response_type,
        }
        return view

    return decorator


def query_parameter(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}
