"""A class's roster and its outcomes over JSON, for its instructor or an admin."""

from __future__ import annotations

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import (
    BOOLEAN,
    INTEGER,
    ONLINE_PART,
    STRING,
    free_text,
    obj,
    one_of_names,
    whole_number,
)
from app.api.validation import request_body
from app.center import center_name, center_zone
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import OUTCOMES, SEAT_HOLDING_STATUSES
from app.routing import MAX_RECORD_ID
from app.services import blended, certificates
from app.services.certificates.outcomes import MAX_SCORE, OutcomeInput

MAX_RESULTS = 1000
MAX_REMARK = 1000
ROSTER_RESPONSE = obj({
    "finalised": BOOLEAN,
    "items": {"type": "array", "items": obj({
        "enrollment_id": INTEGER, "learner_name": STRING, "learner_email": STRING,
        "status": {"type": "string", "enum": list(SEAT_HOLDING_STATUSES)},
        "online_part": ONLINE_PART},
        ["enrollment_id", "learner_name", "learner_email", "status"])},
}, ["finalised", "items"])
RESULT = obj({
    "enrollment_id": whole_number(1, MAX_RECORD_ID), "outcome": one_of_names(OUTCOMES),
    "score": whole_number(0, MAX_SCORE), "remark": free_text(MAX_REMARK),
}, ["enrollment_id", "outcome"])
COMPLETIONS_REQUEST = obj({"results": {"type": "array", "items": RESULT,
                                       "maxItems": MAX_RESULTS},
                           "finalise": BOOLEAN}, ["results"])
COMPLETIONS_RESPONSE = obj({"certificates": {"type": "array", "items": obj(
    {"enrollment_id": INTEGER, "code": STRING}, ["enrollment_id", "code"])}}, ["certificates"])


@bp.get("/sessions/<int:class_id>/roster")
@documented("The learners holding a seat in a class", response=ROSTER_RESPONSE,
            errors=(401, 403, 404))
@roles_required("instructor", "admin")
def show_roster(class_id: int):
    actor = current_api_user()
    roster = certificates.roster(db.session, actor, class_id)
    staff = actor.has_role("admin")  # keycodes are for their learner and staff only
    return {"finalised": roster.finalised, "items": [
        {"enrollment_id": e.id, "learner_name": e.learner.full_name,
         "learner_email": e.learner.email, "status": e.status,
         "online_part": blended.online_part_json(e, staff)} for e in roster.enrollments]}


def outcome_inputs(results: list[dict]) -> list[OutcomeInput]:
    """The checked `results` as the outcome service takes them (a blank remark is none)."""
    return [OutcomeInput(result["enrollment_id"], result["outcome"], result.get("score"),
                         (result.get("remark") or "").strip() or None) for result in results]


@bp.post("/sessions/<int:class_id>/completions")
@documented("Record outcomes for a class (idempotent); passes issue certificates",
            request=COMPLETIONS_REQUEST, response=COMPLETIONS_RESPONSE,
            errors=(400, 401, 403, 404, 409, 422))
@roles_required("instructor", "admin")
def record_completions(class_id: int):
    # Who may record is answered before what was sent (403 before 422).
    certificates.teaching_session(db.session, current_api_user(), class_id)
    body = request_body()
    issued = certificates.record_outcomes(db.session, current_api_user(), class_id,
                                          outcome_inputs(body["results"]),
                                          body.get("finalise", False), utcnow(),
                                          center_name=center_name(), zone_name=center_zone())
    return {"certificates": [{"enrollment_id": enrollment_id, "code": code}
                             for enrollment_id, code in issued]}
