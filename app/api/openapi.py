"""Builds the OpenAPI 3.1 document from the routes registered on the API blueprint."""

from __future__ import annotations

import re

from flask import Flask

from app.api.docs import ERROR_DESCRIPTIONS
from app.api.schemas import COMPONENTS
from app.routing import MAX_RECORD_ID

API_PREFIX = "/api/v1"


class UndocumentedRoute(RuntimeError):
    pass


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule[len(API_PREFIX):])


def path_parameters(rule: str) -> list[dict]:
    parameters = []
    for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule):
        schema = ({"type": "integer", "minimum": 0, "maximum": MAX_RECORD_ID}
                  if converter == "int" else {"type": "string"})
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def query_parameters(query: dict | None) -> list[dict]:
    """The query arguments of a route's query schema, one parameter each."""
    if query is None:
        return []
    return [{"name": name, "in": "query", "required": name in query.get("required", []),
             "schema": schema} for name, schema in query["properties"].items()]


def error_statuses(view, spec: dict) -> set[int]:
    """The error answers an operation can give: its own, plus those its gates and shapes add."""
    errors = set(spec["errors"])
    if getattr(view, "api_auth", False):
        errors |= {401}
    if getattr(view, "api_roles", None):
        errors |= {403}
    if spec["request"] is not None:
        errors |= {400, 413, 422}
    if spec["query"] is not None:
        errors |= {422}
    return errors


def operation(view, rule: str) -> dict:
    spec = getattr(view, "openapi", None)
    if spec is None:
        raise UndocumentedRoute(f"{rule} has no @documented description")
    op: dict = {"summary": spec["summary"],
                "parameters": path_parameters(rule) + query_parameters(spec["query"])}
    if spec["request"] is not None:
        # A body is required when its schema requires a field (an empty body reads as {}).
        op["requestBody"] = {"required": bool(spec["request"].get("required")),
                             "content": {"application/json": {"schema": spec["request"]}}}
    if getattr(view, "api_auth", False):
        op["security"] = [{"bearer": []}]
    success: dict = {"description": "success"}
    if spec["response"] is not None:
        success["content"] = {spec["response_type"]: {"schema": spec["response"]}}
    responses = {str(spec["status"]): success}
    for status in sorted(error_statuses(view, spec)):
        responses[str(status)] = {
            "description": ERROR_DESCRIPTIONS[str(status)],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    op["responses"] = responses
    return op


def build_document(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX) or rule.endpoint == "api.static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = operation(view, rule.rule)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lifeline API", "version": "1.0.0"},
        "servers": [{"url": API_PREFIX}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
