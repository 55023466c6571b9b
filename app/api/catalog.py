"""The course catalog over JSON."""

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import (
    BOOLEAN,
    free_text,
    items_of,
    line,
    names_from,
    obj,
    one_of_names,
    ref,
    whole_number,
)
from app.api.serializers import course_json
from app.api.validation import request_body
from app.extensions import db
from app.models.vocab import COURSE_FORMATS, EXPIRY_RULES, GUIDELINES, LEVELS, TOPICS
from app.services import catalog

TEXT_FIELDS = {"code": line(32), "title": line(200), "family": line(64)}
COURSE_REQUEST = obj(
    {
        **TEXT_FIELDS, "description": free_text(),
        "level": one_of_names(LEVELS), "topics": names_from(TOPICS),
        "guidelines": names_from(GUIDELINES), "validity_months": whole_number(1, 120),
        "expiry_rule": one_of_names(EXPIRY_RULES), "format": one_of_names(COURSE_FORMATS),
        "duration_minutes": whole_number(1, 24 * 60), "default_capacity": whole_number(1, 1000),
        "price_cents": whole_number(0, 10_000_000),
        "renewal": BOOLEAN, "instructor_course": BOOLEAN, "active": BOOLEAN,
        "what_to_bring": free_text(2000), "online_course_url": free_text(500),
    },
    ["code", "title", "level", "topics", "guidelines", "validity_months", "expiry_rule",
     "format", "duration_minutes"],
)


@bp.get("/courses")
@documented("The active course catalog", response=items_of("Course"))
def list_courses():
    return {"items": [course_json(course) for course in catalog.list_courses(db.session)]}


@bp.post("/courses")
@documented("Add a course to the catalog", request=COURSE_REQUEST, response=ref("Course"),
            status=201, errors=(409,))
@roles_required("admin")
def create_course():
    course = catalog.create_course(db.session, current_api_user(), course_fields(request_body()))
    return course_json(course), 201


def course_fields(body) -> dict:
    """The course's values as the catalog service takes them: text stripped, lists once."""
    fields = {name: body.get(name) for name in COURSE_REQUEST["properties"]}
    fields.update({name: body.text(name) for name in TEXT_FIELDS})
    for name in ("topics", "guidelines"):
        fields[name] = list(dict.fromkeys(body[name]))
    return fields
