"""JSON Schemas of the API's resources (OpenAPI components)."""

from app.models.vocab import (
    COURSE_FORMATS,
    ENROLLMENT_STATUSES,
    EXPIRY_RULES,
    GUIDELINES,
    LEVELS,
    REVOCATION_CATEGORIES,
    TOPICS,
)
from app.services.catalog.requirements import PRESETS

STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
LEVEL = {"type": "string", "enum": list(LEVELS)}
TOPIC_LIST = {"type": "array", "items": {"type": "string", "enum": list(TOPICS)}}
GUIDELINE_LIST = {"type": "array", "items": {"type": "string", "enum": list(GUIDELINES)}}


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
        },
        ["code", "title", "level", "topics", "guidelines"],
    ),
    "Session": obj(
        {
            "id": INTEGER,
            "course": obj({"code": STRING, "title": STRING, "level": LEVEL}),
            "starts_at": MOMENT, "ends_at": MOMENT, "location": STRING,
            "instructor_name": STRING, "capacity": INTEGER, "seats_left": INTEGER,
            "waitlist_length": INTEGER, "enrollment_closes_at": MOMENT,
            "status": {"type": "string", "enum": ["scheduled", "cancelled", "completed"]},
        },
        ["id", "course", "starts_at", "ends_at", "status"],
    ),
    "Enrollment": obj(
        {
            "id": INTEGER, "session_id": INTEGER,
            "status": {"type": "string", "enum": list(ENROLLMENT_STATUSES)},
            "waitlist_position": nullable(INTEGER), "created_at": MOMENT,
        },
        ["id", "session_id", "status"],
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
    "Requirement": {
        "anyOf": [
            {"type": "string", "enum": list(PRESETS), "description": "a preset name"},
            obj({"level": LEVEL, "topics": TOPIC_LIST, "guidelines": GUIDELINE_LIST,
                 "valid_on": DATE}, ["level", "topics"]),
        ]
    },
}
