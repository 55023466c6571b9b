"""Requirements over JSON: the presets, and checking one certificate against a requirement."""

from __future__ import annotations

from app.api import bp
from app.api.docs import documented
from app.api.schemas import BOOLEAN, GUIDELINE_LIST, LEVEL, STRING, TOPIC_LIST, obj, ref, text
from app.api.validation import request_body
from app.api.verifications import api_caller
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.security import public_lookup_limit
from app.services import verification
from app.services.catalog import requirements
from app.services.verification.bulk_checks import MAX_CODE_LENGTH

CHECK_REQUEST = obj({"code": text(MAX_CODE_LENGTH), "requirement": ref("Requirement")},
                    ["code", "requirement"])
CHECK_RESPONSE = obj(
    {"meets_requirement": BOOLEAN, "reasons": {"type": "array", "items": STRING}},
    ["meets_requirement", "reasons"],
)
PRESETS_RESPONSE = obj({"items": {"type": "array", "items": obj(
    {"name": STRING, "label": STRING, "level": LEVEL, "topics": TOPIC_LIST,
     "guidelines": GUIDELINE_LIST},
    ["name", "label", "level", "topics", "guidelines"],
)}}, ["items"])


def preset_json(preset: requirements.Preset) -> dict:
    shape = preset.requirement.as_dict()
    return {"name": preset.name, "label": preset.label, "level": shape["level"],
            "topics": shape["topics"], "guidelines": shape["guidelines"]}


@bp.get("/requirements/presets")
@documented("The named requirements employers commonly ask for", response=PRESETS_RESPONSE)
def list_presets():
    return {"items": [preset_json(preset) for preset in requirements.PRESETS.values()]}


@bp.post("/requirements/check")
@documented("Whether the certificate with this code meets a requirement, with the reasons",
            request=CHECK_REQUEST, response=CHECK_RESPONSE, errors=(404, 429))
@public_lookup_limit()
def check_requirement():
    body = request_body()
    today = center_today()
    requirement = requirements.parse_requirement(body["requirement"], today)
    answer = verification.verify_code(db.session, body.text("code"), requirement, today=today,
                                      now=utcnow(), channel="api", caller=api_caller())
    return {"meets_requirement": answer.meets_requirement, "reasons": answer.reasons}
