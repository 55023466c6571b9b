"""Requests checked against the JSON Schemas their routes publish (Draft 2020-12, as OpenAPI
3.1 uses). A handler asks for its body or query string and gets it checked against exactly
the schema its @documented description put in the OpenAPI document, so the document and the
checks cannot drift. Every schema error becomes a per-field message of one 422 `invalid`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import jsonschema_rs
from flask import current_app, request
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from app.api.parsing import json_body, parse_day, parse_moment
from app.api.schemas import COMPONENTS, IN_YEAR_RANGE, NUL_FREE, VISIBLE
from app.services.errors import Invalid

# Begins the message of every refusal by schema (as opposed to a rule of a service), so a
# fuzzer can tell "the document allowed it, the API refused its shape" from a domain refusal.
SHAPE_REFUSAL = "These fields do not match the documented request:"

FORMAT_RULES = {"date": lambda value: parse_day(value) is not None,
                "date-time": lambda value: parse_moment(value) is not None}
FORMATS = FormatChecker(formats=())
for _name, _rule in FORMAT_RULES.items():
    FORMATS.checks(_name)(lambda value, rule=_rule: not isinstance(value, str) or rule(value))

TYPE_MESSAGES = {"string": "Must be a string.", "integer": "Must be a whole number.",
                 "boolean": "Must be true or false.", "array": "Must be a list.",
                 "object": "Must be an object."}
FORMAT_MESSAGES = {
    "date": "Must be a date written YYYY-MM-DD.",
    "date-time": "Must be an ISO 8601 time with an offset, e.g. 2026-12-01T14:00:00+00:00.",
}
PATTERN_MESSAGES = {VISIBLE: "Must be a non-empty string without NUL characters.",
                    NUL_FREE: "Must not contain a NUL character.",
                    IN_YEAR_RANGE: "Must lie in the years 1900 to 9000."}
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")  # ASCII only: int() also reads "²" and "1_0"
_validators: dict[int, tuple[dict, Draft202012Validator, jsonschema_rs.Draft202012Validator]] = {}


class RequestValues(dict):
    """A request's values once checked against its schema: readers, no checks left."""

    def text(self, name: str) -> str | None:
        return self[name].strip() if name in self else None

    def moment(self, name: str) -> datetime | None:
        return parse_moment(self[name]) if name in self else None

    def day(self, name: str) -> date | None:
        return parse_day(self[name]) if name in self else None


def request_body() -> RequestValues:
    """The JSON body, checked against the request schema this route documents."""
    body = json_body()
    check(body, documented_part("request"))
    return RequestValues(body)


def request_query() -> RequestValues:
    """The query string, checked against the query schema this route documents; an
    argument declared a whole number is read as one when it is written as one."""
    schema = documented_part("query")
    given = {}
    for name, declared in schema["properties"].items():
        if name in request.args:
            text = request.args[name]
            is_number = declared.get("type") == "integer" and _WHOLE_NUMBER.fullmatch(text)
            given[name] = int(text) if is_number else text
    check(given, schema)
    return RequestValues(given)


def documented_part(part: str) -> dict:
    return current_app.view_functions[request.endpoint].openapi[part]


def check(instance: dict, schema: dict) -> None:
    """Raise one Invalid naming every field that does not match the schema."""
    if _passes_compiled(instance, schema):
        return
    fields: dict[str, list[str]] = {}
    for error in validator_for(schema).iter_errors(instance):
        for name, message in messages_of(error):
            if message not in fields.setdefault(name, []):
                fields[name].append(message)
    if fields:
        raise Invalid(f"{SHAPE_REFUSAL} {', '.join(sorted(fields))}.", fields=fields)


def validator_for(schema: dict) -> Draft202012Validator:
    """One compiled validator per schema; `#/components/...` references resolve to the
    document's components, as they do in the published document."""
    return _compiled(schema)[1]


def _compiled(schema: dict):
    if id(schema) not in _validators:
        root = {**schema, "components": {"schemas": COMPONENTS}}
        _validators[id(schema)] = (
            schema, Draft202012Validator(root, format_checker=FORMATS),
            jsonschema_rs.Draft202012Validator(root, validate_formats=True,
                                               formats=FORMAT_RULES),
        )
    return _validators[id(schema)]


def _passes_compiled(instance: dict, schema: dict) -> bool:
    """The Rust validator's yes, at a hundredth of the Python one's cost (a bulk of 500
    codes is 500 items to check). Its no, or a value it cannot take in, is left to the
    Python validator, which decides and words the messages: where the two could differ
    (Python's `$` also matches before a final line break), Rust is the stricter."""
    try:
        return _compiled(schema)[2].is_valid(instance)
    except Exception:  # noqa: BLE001 - whatever it cannot read, the Python validator judges
        return False


def field_name(path) -> str:
    """`results[0].outcome` for the path results → 0 → outcome."""
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else step)
    return name or "body"


def messages_of(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(field, message) pairs for one schema error; nested ones name the nested field."""
    path = list(error.absolute_path)
    if error.validator == "required":
        for name in error.validator_value:
            if name not in error.instance:
                yield field_name([*path, name]), "This field is required."
    elif error.validator == "additionalProperties":
        for name in error.instance:
            if name not in error.schema.get("properties", {}):
                yield field_name([*path, name]), "Is not a field of this request."
    elif error.validator == "anyOf" and (branch := branch_meant(error)) is not None:
        for inner in branch:
            yield from messages_of(inner)
    else:
        yield field_name(path), message_for(error)


def branch_meant(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the one anyOf branch whose type the value has (a preset name is a
    string, a requirement an object), or None when that is not clear."""
    branches: dict[int, list[ValidationError]] = {}
    for inner in error.context or []:
        branches.setdefault(inner.schema_path[0], []).append(inner)
    typed_alike = [errors for errors in branches.values()
                   if not any(e.validator == "type" and not e.relative_path for e in errors)]
    return typed_alike[0] if len(typed_alike) == 1 else None


BOUND_MESSAGES = {"minimum": "Must be at least {}.", "maximum": "Must be at most {}.",
                  "maxLength": "Must be at most {} characters.",
                  "minItems": "Must hold at least {} item(s).",
                  "maxItems": "Must hold at most {} items."}


def message_for(error: ValidationError) -> str:
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        return TYPE_MESSAGES.get(value if isinstance(value, str) else value[0], error.message)
    if keyword == "enum":
        return f"Must be one of: {', '.join(map(str, value))}."
    if keyword in BOUND_MESSAGES:
        return BOUND_MESSAGES[keyword].format(value)
    if keyword == "anyOf":
        return f"Must be {error.schema.get('description', 'one of the documented shapes')}."
    known = {"format": FORMAT_MESSAGES, "pattern": PATTERN_MESSAGES}.get(keyword, {})
    return known.get(value) or error.message
