"""The course catalog over JSON."""

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.parsing import FieldReader, json_body
from app.api.schemas import COMPONENTS, items_of, ref
from app.api.serializers import course_json
from app.extensions import db
from app.models.vocab import COURSE_FORMATS, EXPIRY_RULES, GUIDELINES, LEVELS, TOPICS
from app.services import catalog

COURSE_REQUEST = {
    **COMPONENTS["Course"],
    "required": ["code", "title", "level", "topics", "guidelines", "validity_months",
                 "expiry_rule", "format", "duration_minutes"],
}


@bp.get("/courses")
@documented("The active course catalog", response=items_of("Course"))
def list_courses():
    return {"items": [course_json(course) for course in catalog.list_courses(db.session)]}


@bp.post("/courses")
@documented("Add a course to the catalog", request=COURSE_REQUEST, response=ref("Course"),
            status=201, errors=(409,))
@roles_required("admin")
def create_course():
    fields = read_course_fields(FieldReader(json_body()))
    course = catalog.create_course(db.session, current_api_user(), fields)
    return course_json(course), 201


def read_course_fields(fields: FieldReader) -> dict:
    values = {
        "code": fields.string("code", max_length=32),
        "title": fields.string("title", max_length=200),
        "family": fields.string("family", required=False, max_length=64),
        "description": fields.raw("description", False),
        "level": fields.choice("level", LEVELS),
        "topics": fields.choices("topics", TOPICS),
        "guidelines": fields.choices("guidelines", GUIDELINES),
        "validity_months": fields.integer("validity_months", minimum=1, maximum=120),
        "expiry_rule": fields.choice("expiry_rule", EXPIRY_RULES),
        "format": fields.choice("format", COURSE_FORMATS),
        "duration_minutes": fields.integer("duration_minutes", minimum=1, maximum=24 * 60),
        "default_capacity": fields.integer("default_capacity", False, minimum=1, maximum=1000),
        "price_cents": fields.integer("price_cents", False, minimum=0, maximum=10_000_000),
        "renewal": fields.boolean("renewal"),
        "instructor_course": fields.boolean("instructor_course"),
        "active": fields.boolean("active"),
    }
    if values["description"] is not None and not isinstance(values["description"], str):
        fields.fail("description", "Must be a string.")
    fields.done()
    return values
