"""Blended learning over JSON: the online part of an enrollment and the course keycode bank."""

from __future__ import annotations

from flask import current_app

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import INTEGER, SENT_DATE, line, obj, ref
from app.api.serializers import enrollment_json
from app.api.validation import request_body
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.services import blended
from app.services import enrollment as enrollment_service
from app.services.blended.keycodes import MAX_KEYCODE, MAX_KEYCODES_PER_LOAD
from app.services.blended.online_parts import MAX_CERTIFICATE_ID

ONLINE_PART_REQUEST = obj({"completed_on": SENT_DATE,
                           "certificate_id": line(MAX_CERTIFICATE_ID)},
                          ["completed_on", "certificate_id"])
# The service's KEYCODE_SHAPE, so the document says what the bank accepts.
KEYCODE = {"type": "string", "maxLength": MAX_KEYCODE,
           "pattern": f"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_KEYCODE - 1}}}$"}
KEYCODES_REQUEST = obj({"keycodes": {"type": "array", "items": KEYCODE,
                                     "minItems": 1, "maxItems": MAX_KEYCODES_PER_LOAD}},
                       ["keycodes"])
KEYCODES_RESPONSE = obj({"added": INTEGER, "available": INTEGER}, ["added", "available"])


@bp.post("/enrollments/<int:enrollment_id>/online-part")
@documented("Record the online part of a blended enrollment", request=ONLINE_PART_REQUEST,
            response=ref("Enrollment"), errors=(400, 404, 409, 422))
@roles_required("learner", "instructor", "admin")
def record_online_part(enrollment_id: int):
    body, actor = request_body(), current_api_user()
    enrollment = blended.record_online_part(
        db.session, actor, enrollment_id, completed_on=body.day("completed_on"),
        certificate_id=body.text("certificate_id"), today=center_today(), now=utcnow())
    shown = actor.has_role("admin") or enrollment.learner_id == actor.id
    return enrollment_json(enrollment, enrollment_service.waitlist_position(db.session, enrollment),
                           show_keycode=shown)


@bp.post("/courses/<code>/keycodes")
@documented("Load keycodes into a course's bank (a key already loaded is not added twice)",
            request=KEYCODES_REQUEST, response=KEYCODES_RESPONSE, status=201,
            errors=(400, 404, 422))
@roles_required("admin")
def load_keycodes(code: str):
    summary = blended.load_keycodes(db.session, current_api_user(), code,
                                    request_body()["keycodes"], utcnow(),
                                    low_mark=current_app.config["KEYCODES_LOW"])
    return {"added": summary.added, "available": summary.available}, 201
