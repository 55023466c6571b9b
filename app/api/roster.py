"""A class's roster and its outcomes over JSON, for its instructor or an admin."""

from __future__ import annotations

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.parsing import FieldReader, json_body
from app.api.schemas import BOOLEAN, INTEGER, STRING, obj
from app.center import center_name, center_zone
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import OUTCOMES, SEAT_HOLDING_STATUSES
from app.services import certificates
from app.services.certificates.outcomes import MAX_SCORE, OutcomeInput
from app.services.errors import Invalid

MAX_RESULTS = 1000
MAX_REMARK = 1000
ROSTER_RESPONSE = obj({
    "finalised": BOOLEAN,
    "items": {"type": "array", "items": obj({
        "enrollment_id": INTEGER, "learner_name": STRING, "learner_email": STRING,
        "status": {"type": "string", "enum": list(SEAT_HOLDING_STATUSES)},
    }, ["enrollment_id", "learner_name", "learner_email", "status"])},
}, ["finalised", "items"])
RESULT = obj({
    "enrollment_id": INTEGER, "outcome": {"type": "string", "enum": list(OUTCOMES)},
    "score": {"type": "integer", "minimum": 0, "maximum": MAX_SCORE},
    "remark": STRING,
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
    roster = certificates.roster(db.session, current_api_user(), class_id)
    return {"finalised": roster.finalised, "items": [
        {"enrollment_id": e.id, "learner_name": e.learner.full_name,
         "learner_email": e.learner.email, "status": e.status} for e in roster.enrollments]}


def read_results(value) -> list[OutcomeInput]:
    """The `results` list, every item checked; all problems reported at once."""
    if not isinstance(value, list) or len(value) > MAX_RESULTS:
        raise Invalid.field("results", f"Must be a list of at most {MAX_RESULTS} results.")
    results, errors = [], {}
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            errors[f"results[{index}]"] = ["Must be an object."]
            continue
        fields = FieldReader(item)
        enrollment_id = fields.integer("enrollment_id", minimum=1)
        outcome = fields.choice("outcome", OUTCOMES)
        score = fields.integer("score", required=False, minimum=0, maximum=MAX_SCORE)
        remark = fields.raw("remark", required=False)
        if remark is not None and (not isinstance(remark, str) or len(remark) > MAX_REMARK):
            fields.fail("remark", f"Must be text of at most {MAX_REMARK} characters.")
        for name, messages in fields.errors.items():
            errors[f"results[{index}].{name}"] = messages
        if not fields.errors:
            results.append(OutcomeInput(enrollment_id, outcome, score, (remark or "").strip() or None))
    if errors:
        raise Invalid(f"Please correct: {', '.join(errors)}.", fields=errors)
    return results


@bp.post("/sessions/<int:class_id>/completions")
@documented("Record outcomes for a class (idempotent); passes issue certificates",
            request=COMPLETIONS_REQUEST, response=COMPLETIONS_RESPONSE,
            errors=(400, 401, 403, 404, 409, 422))
@roles_required("instructor", "admin")
def record_completions(class_id: int):
    # Who may record is answered before what was sent (403 before 422).
    certificates.teaching_session(db.session, current_api_user(), class_id)
    body = FieldReader(json_body())
    finalise = body.boolean("finalise")
    raw_results = body.raw("results", required=True)
    body.done()
    issued = certificates.record_outcomes(db.session, current_api_user(), class_id,
                                          read_results(raw_results), bool(finalise), utcnow(),
                                          center_name=center_name(), zone_name=center_zone())
    return {"certificates": [{"enrollment_id": enrollment_id, "code": code}
                             for enrollment_id, code in issued]}
