"""The schedule over JSON: list, show, create, change and cancel class sessions."""


from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import (
    INTEGER,
    SENT_DATE,
    SENT_MOMENT,
    free_text,
    line,
    nullable,
    obj,
    one_of_names,
    ref,
    text,
    whole_number,
)
from app.api.serializers import session_json
from app.api.validation import request_body, request_query
from app.center import center_zone
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import GUIDELINES, LEVELS, TOPICS
from app.payment_edge import after_session_cancelled
from app.services import catalog
from app.services.errors import Invalid
from app.services.schedule import changes as schedule_admin
from app.services.schedule import sessions as scheduling

SESSION_LIST = obj({"items": {"type": "array", "items": ref("Session")},
                    "next_page": nullable(INTEGER)}, ["items", "next_page"])
LIST_QUERY = obj({
    "course": line(32, "course code"),
    "level": one_of_names(LEVELS),
    "topic": one_of_names(TOPICS),
    "guideline": one_of_names(GUIDELINES),
    "from": {**SENT_DATE, "description": "first day of the start (inclusive)"},
    "to": {**SENT_DATE, "description": "last day of the start (inclusive)"},
    "page": whole_number(1, 100_000),
    "per_page": whole_number(1, 100),
})
# What a PATCH may change; a new session needs all of it but the cut-off.
SESSION_FIELDS = {
    "capacity": whole_number(1, 1000), "instructor_email": text(254),
    "location": line(200), "starts_at": SENT_MOMENT, "ends_at": SENT_MOMENT,
    "enrollment_closes_at": SENT_MOMENT,
    "price_cents": {**whole_number(0, 10_000_000), "description": "the course's price if unset"},
}
SESSION_REQUEST = obj({"course": line(32, "course code"), **SESSION_FIELDS},
                      ["course", "starts_at", "ends_at", "location", "instructor_email",
                       "capacity"])
# Parking or room notes for the class reminder (API-2.md §4); changing them mails nobody.
SESSION_CHANGE = obj({**SESSION_FIELDS, "arrival_notes": free_text(1000)})
CANCELLATION = obj({"reason": text(500)}, ["reason"])


def sessions_json(class_sessions) -> list[dict]:
    lengths = scheduling.waitlist_lengths(db.session, [s.id for s in class_sessions])
    return [session_json(s, lengths.get(s.id, 0)) for s in class_sessions]


def session_values(body) -> dict:
    """The checked session fields as the schedule services take them, unsent ones None."""
    return {"capacity": body.get("capacity"), "location": body.text("location"),
            "starts_at": body.moment("starts_at"), "ends_at": body.moment("ends_at"),
            "enrollment_closes_at": body.moment("enrollment_closes_at"),
            "price_cents": body.get("price_cents")}


@bp.get("/sessions")
@documented("Upcoming scheduled sessions, soonest first", query=LIST_QUERY,
            response=SESSION_LIST)
def list_sessions():
    query = request_query()
    criteria = scheduling.SessionFilter(
        course_code=query.text("course"), level=query.get("level"), topic=query.get("topic"),
        guideline=query.get("guideline"), date_from=query.day("from"), date_to=query.day("to"))
    page, per_page = query.get("page", 1), query.get("per_page", 20)
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
    body = request_body()
    course = catalog.course_by_code(db.session, body.text("course"))
    if course is None:
        raise Invalid.field("course", "No course has this code.")
    instructor = scheduling.instructor_by_email(db.session, body.text("instructor_email"))
    class_session = scheduling.schedule_session(
        db.session, current_api_user(), course=course, instructor=instructor,
        zone_name=center_zone(), now=utcnow(), **session_values(body))
    return sessions_json([class_session])[0], 201


@bp.patch("/sessions/<int:class_id>")
@documented("Change a session's capacity, instructor, place or times", request=SESSION_CHANGE,
            response=ref("Session"), errors=(404, 409, 422))
@roles_required("admin")
def change_session(class_id: int):
    body = request_body()
    class_session = scheduling.get_session(db.session, class_id)
    changes = session_values(body) | {"arrival_notes": body.text("arrival_notes")}
    if "instructor_email" in body:
        changes["instructor"] = scheduling.instructor_by_email(
            db.session, body.text("instructor_email"))
    class_session = schedule_admin.update_session(db.session, current_api_user(), class_session,
                                                  changes, utcnow(), zone_name=center_zone())
    return sessions_json([class_session])[0]


@bp.post("/sessions/<int:class_id>/cancellation")
@documented("Cancel a session; every enrolled and waitlisted learner is told",
            request=CANCELLATION, response=ref("Session"), errors=(404, 409, 422))
@roles_required("admin")
def cancel_session(class_id: int):
    reason = request_body().text("reason")
    class_session = scheduling.get_session(db.session, class_id)
    class_session = schedule_admin.cancel_session(db.session, current_api_user(), class_session,
                                                  reason, utcnow())
    after_session_cancelled(class_session.id)
    return sessions_json([class_session])[0]
