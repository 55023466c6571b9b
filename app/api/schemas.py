"""JSON Schemas of the API: the resources it answers with (OpenAPI components) and the
building blocks of what it accepts. A request schema is the one declaration of its shape:
the OpenAPI document publishes it and app.api.validation checks requests against it."""

from app.models.vocab import (
    COURSE_FORMATS,
    ENROLLMENT_STATUSES,
    EXPIRY_RULES,
    GUIDELINES,
    LEVELS,
    PAYMENT_STATUSES,
    REVOCATION_CATEGORIES,
    TOPICS,
)
from app.services.catalog.requirements import PRESETS
from app.services.errors import LINE_BREAKING

STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
LEVEL = {"type": "string", "enum": list(LEVELS)}
TOPIC_LIST = {"type": "array", "items": {"type": "string", "enum": list(TOPICS)}}
GUIDELINE_LIST = {"type": "array", "items": {"type": "string", "enum": list(GUIDELINES)}}

# What Python's str.strip() removes (every c with c.isspace()), spelled as escapes that
# Python's, ECMA-262's and Rust's regular expressions read alike, so the published pattern
# means what the API does. tests/api/test_validation.py checks the list against Python.
WHITESPACE = ("\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a"
              "\\u2028\\u2029\\u202f\\u205f\\u3000")
# No database text column takes NUL, so no request string may carry one.
NUL_FREE = "^[^\\x00]*$"
# Not empty and not only whitespace: the services strip text and refuse it when empty.
VISIBLE = f"^[^\\x00]*[^\\x00{WHITESPACE}][^\\x00]*$"
# One line of visible text: no control character or line break (the services refuse them).
ONE_LINE = f"^[^{LINE_BREAKING}]*[^{LINE_BREAKING}{WHITESPACE}][^{LINE_BREAKING}]*$"
# Years outside 1900..9000 are refused: no class is that far off, and it keeps date
# arithmetic (time zones, "the day after") clear of datetime's own limits.
IN_YEAR_RANGE = "^(19[0-9]{2}|[2-8][0-9]{3}|9000)-"
SENT_DATE = {"type": "string", "format": "date", "pattern": IN_YEAR_RANGE}
SENT_MOMENT = {"type": "string", "format": "date-time", "pattern": IN_YEAR_RANGE,
               "description": "with an offset, e.g. 2026-12-01T14:00:00+00:00"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def items_of(name: str) -> dict:
    return obj({"items": {"type": "array", "items": ref(name)}}, ["items"])


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def text(max_length: int, description: str = "") -> dict:
    """Text that is not blank, of at most `max_length` characters; read stripped."""
    schema = {"type": "string", "maxLength": max_length, "pattern": VISIBLE}
    return {**schema, "description": description} if description else schema


def line(max_length: int, description: str = "") -> dict:
    """One line of text (a name, a place, a title): not blank, no line break or control
    character, at most `max_length` characters; read stripped."""
    schema = {"type": "string", "maxLength": max_length, "pattern": ONE_LINE}
    return {**schema, "description": description} if description else schema


def free_text(max_length: int | None = None) -> dict:
    """Text that may be empty (but carries no NUL)."""
    schema = {"type": "string", "pattern": NUL_FREE}
    return {**schema, "maxLength": max_length} if max_length else schema


def whole_number(minimum: int, maximum: int) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def one_of_names(names) -> dict:
    return {"type": "string", "enum": list(names)}


def names_from(names) -> dict:
    """A list of names from a vocabulary (repeats are read once)."""
    return {"type": "array", "items": one_of_names(names)}


# A blended enrollment's online part (API-2.md §4); null outside blended courses.
ONLINE_PART = nullable(obj({"completed_on": nullable(DATE), "certificate_id": nullable(STRING),
                            "confirmed": BOOLEAN, "keycode": nullable(STRING)},
                           ["completed_on", "certificate_id", "keycode"]))

COMPONENTS = {
    "Error": obj(
        {
            "error": STRING,
            "message": STRING,
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": STRING}},
        },
        ["error", "message"],
    ),
    "Course": obj(
        {
            "code": STRING, "family": STRING, "title": STRING, "description": STRING,
            "level": LEVEL, "topics": TOPIC_LIST, "guidelines": GUIDELINE_LIST,
            "validity_months": INTEGER,
            "expiry_rule": {"type": "string", "enum": list(EXPIRY_RULES)},
            "format": {"type": "string", "enum": list(COURSE_FORMATS)},
            "duration_minutes": INTEGER, "default_capacity": INTEGER, "price_cents": INTEGER,
            "renewal": BOOLEAN, "instructor_course": BOOLEAN, "active": BOOLEAN,
            "what_to_bring": STRING, "online_course_url": STRING,
        },
        ["code", "title", "level", "topics", "guidelines"],
    ),
    "Session": obj(
        {
            "id": INTEGER,
            "course": obj({"code": STRING, "title": STRING, "level": LEVEL}),
            "starts_at": MOMENT, "ends_at": MOMENT, "location": STRING, "arrival_notes": STRING,
            "instructor_name": STRING, "capacity": INTEGER, "seats_left": INTEGER,
            "waitlist_length": INTEGER, "enrollment_closes_at": MOMENT,
            "status": {"type": "string", "enum": ["scheduled", "cancelled", "completed"]},
            "price_cents": INTEGER, "private": BOOLEAN,
        },
        ["id", "course", "starts_at", "ends_at", "status"],
    ),
    "Enrollment": obj(
        {
            "id": INTEGER, "session_id": INTEGER,
            "status": {"type": "string", "enum": list(ENROLLMENT_STATUSES)},
            "waitlist_position": nullable(INTEGER), "created_at": MOMENT,
            "online_part": ONLINE_PART,
            "payment": ref("Payment"),
        },
        ["id", "session_id", "status"],
    ),
    "Payment": obj(
        {
            "status": {"type": "string", "enum": list(PAYMENT_STATUSES)},
            "amount_cents": INTEGER, "currency": STRING, "checkout_url": nullable(STRING),
            "hold_expires_at": nullable(MOMENT), "method": nullable(STRING),
            "reference": nullable(STRING),
        },
        ["status", "amount_cents", "currency"],
    ),
    "PromoCode": obj(
        {
            "code": STRING, "percent_off": nullable(INTEGER),
            "amount_off_cents": nullable(INTEGER), "valid_from": nullable(DATE),
            "valid_until": nullable(DATE), "max_uses": nullable(INTEGER), "uses": INTEGER,
            "courses": {"type": "array", "items": STRING},
        },
        ["code", "uses"],
    ),
    "Certificate": obj(
        {
            "code": STRING,
            "status": {"type": "string", "enum": ["valid", "expired", "revoked"]},
            "holder_name": STRING, "course": obj({"code": STRING, "title": STRING}),
            "level": LEVEL, "topics": TOPIC_LIST, "guidelines": GUIDELINE_LIST,
            "issued_on": DATE, "expires_on": DATE, "instructor_name": nullable(STRING),
            "training_center": STRING,
            "external_card": nullable(obj({"issuer": STRING, "id": STRING})),
            "revoked_reason": nullable(STRING),
            "revocation_category": nullable({"type": "string",
                                             "enum": list(REVOCATION_CATEGORIES)}),
            "replaced_by": nullable(STRING),
            "replaces": nullable(STRING),
        },
        ["code", "status", "holder_name", "course", "issued_on", "expires_on"],
    ),
    # A request part: the requirement engine refuses unknown keys, so the object is closed.
    "Requirement": {
        "description": "a preset name, or an object with level and topics",
        "anyOf": [
            {**one_of_names(PRESETS), "description": "a preset name"},
            {**obj({"level": one_of_names(LEVELS), "topics": names_from(TOPICS),
                    "guidelines": names_from(GUIDELINES), "valid_on": SENT_DATE},
                   ["level", "topics"]),
             "additionalProperties": False},
        ],
    },
}
