"""The schedule over JSON: list, show and create class sessions."""


from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented, query_parameter
from app.api.parsing import FieldReader, json_body, query_args
from app.api.schemas import INTEGER, MOMENT, STRING, nullable, obj, ref
from app.api.serializers import session_json
from app.center import center_zone
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import GUIDELINES, LEVELS, TOPICS
from app.services import catalog
from app.services.errors import Invalid
from app.services.schedule import changes as schedule_admin
from app.services.schedule import sessions as scheduling

SESSION_LIST = obj({"items": {"type": "array", "items": ref("Session")},
                    "next_page": nullable(INTEGER)}, ["items", "next_page"])
SESSION_REQUEST = obj(
    {"course": STRING, "starts_at": MOMENT, "ends_at": MOMENT, "location": STRING,
     "instructor_email": STRING, "capacity": INTEGER, "enrollment_closes_at": MOMENT},
    ["course", "starts_at", "ends_at", "location", "instructor_email", "capacity"],
)
LIST_PARAMETERS = [
    query_parameter("course", {"type": "string"}, "course code"),
    query_parameter("level", {"type": "string", "enum": list(LEVELS)}),
    query_parameter("topic", {"type": "string", "enum": list(TOPICS)}),
    query_parameter("guideline", {"type": "string", "enum": list(GUIDELINES)}),
    query_parameter("from", {"type": "string", "format": "date"}),
    query_parameter("to", {"type": "string", "format": "date"}),
    query_parameter("page", {"type": "integer", "minimum": 1, "maximum": 100_000}),
    query_parameter("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
]


def sessions_json(class_sessions) -> list[dict]:
    lengths = scheduling.waitlist_lengths(db.session, [s.id for s in class_sessions])
    return [session_json(s, lengths.get(s.id, 0)) for s in class_sessions]


@bp.get("/sessions")
@documented("Upcoming scheduled sessions, soonest first", response=SESSION_LIST,
            parameters=LIST_PARAMETERS, errors=(422,))
def list_sessions():
    args = query_args({"course": "str", "level": "str", "topic": "str", "guideline": "str",
                       "from": "str", "to": "str", "page": "int", "per_page": "int"})
    criteria = scheduling.SessionFilter(
        course_code=args.string("course", required=False, max_length=32),
        level=args.choice("level", LEVELS, required=False),
        topic=args.choice("topic", TOPICS, required=False),
        guideline=args.choice("guideline", GUIDELINES, required=False),
        date_from=args.day("from", required=False),
        date_to=args.day("to", required=False),
    )
    page = args.integer("page", required=False, minimum=1, maximum=100_000) or 1
    per_page = args.integer("per_page", required=False, minimum=1, maximum=100) or 20
    args.done()
    rows, more = scheduling.list_upcoming(db.session, utcnow(), criteria,
                                          center_zone(), page, per_page)
    return {"items": sessions_json(rows), "next_page": page + 1 if more else None}


@bp.get("/sessions/<int:class_id>")
@documented("One class session", response=ref("Session"), errors=(404,))
def show_session(class_id: int):
    return sessions_json([scheduling.get_session(db.session, class_id)])[0]


@bp.post("/sessions")
@documented("Schedule a class session", request=SESSION_REQUEST, response=ref("Session"),
            status=201)
@roles_required("admin")
def create_session():
    fields = FieldReader(json_body())
    course_code = fields.string("course", max_length=32)
    values = {
        "starts_at": fields.moment("starts_at"),
        "ends_at": fields.moment("ends_at"),
        "location": fields.string("location", max_length=200),
        "capacity": fields.integer("capacity", minimum=1, maximum=1000),
        "enrollment_closes_at": fields.moment("enrollment_closes_at", required=False),
    }
    instructor_email = fields.string("instructor_email", max_length=254)
    fields.done()
    course = catalog.course_by_code(db.session, course_code)
    if course is None:
        raise Invalid.field("course", "No course has this code.")
    instructor = scheduling.instructor_by_email(db.session, instructor_email)
    class_session = scheduling.schedule_session(
        db.session, current_api_user(), course=course, instructor=instructor,
        zone_name=center_zone(), **values)
    return sessions_json([class_session])[0], 201



SESSION_CHANGE = obj(
    {"capacity": INTEGER, "instructor_email": STRING, "location": STRING, "starts_at": MOMENT,
     "ends_at": MOMENT, "enrollment_closes_at": MOMENT}, [])
CANCELLATION = obj({"reason": STRING}, ["reason"])


@bp.patch("/sessions/<int:class_id>")
@documented("Change a session's capacity, instructor, place or times", request=SESSION_CHANGE,
            response=ref("Session"), errors=(404, 409, 422))
@roles_required("admin")
def change_session(class_id: int):
    fields = FieldReader(json_body())
    changes = {
        "capacity": fields.integer("capacity", required=False, minimum=1, maximum=1000),
        "location": fields.string("location", required=False, max_length=200),
        "starts_at": fields.moment("starts_at", required=False),
        "ends_at": fields.moment("ends_at", required=False),
        "enrollment_closes_at": fields.moment("enrollment_closes_at", required=False),
    }
    instructor_email = fields.string("instructor_email", required=False, max_length=254)
    fields.done()
    class_session = scheduling.get_session(db.session, class_id)
    if instructor_email:
        changes["instructor"] = scheduling.instructor_by_email(db.session, instructor_email)
    class_session = schedule_admin.update_session(db.session, current_api_user(), class_session,
                                                  changes, utcnow(), zone_name=center_zone())
    return sessions_json([class_session])[0]


@bp.post("/sessions/<int:class_id>/cancellation")
@documented("Cancel a session; every enrolled and waitlisted learner is told",
            request=CANCELLATION, response=ref("Session"), errors=(404, 409, 422))
@roles_required("admin")
def cancel_session(class_id: int):
    fields = FieldReader(json_body())
    reason = fields.string("reason", max_length=500)
    fields.done()
    class_session = scheduling.get_session(db.session, class_id)
    class_session = schedule_admin.cancel_session(db.session, current_api_user(), class_session,
                                                  reason, utcnow())
    return sessions_json([class_session])[0]
