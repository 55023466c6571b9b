"""Verifying certificates over JSON: the public record of one code, and bulk checks."""

from __future__ import annotations

from flask import current_app, request

from app.access import bearer_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import BOOLEAN, STRING, free_text, nullable, obj, ref
from app.api.validation import request_body
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.security import bulk_limit, public_lookup_limit
from app.services import verification
from app.services.catalog import requirements
from app.services.verification.bulk_checks import MAX_CODE_LENGTH, MAX_CODES

VERIFICATIONS_REQUEST = obj(
    {
        "codes": {"type": "array", "items": free_text(MAX_CODE_LENGTH), "minItems": 1,
                  "maxItems": MAX_CODES},
        "requirement": ref("Requirement"),
    },
    ["codes"],
)
VERIFICATIONS_RESPONSE = obj({"results": {"type": "array", "items": obj(
    {
        "code": STRING,
        "found": BOOLEAN,
        "status": {"type": "string",
                   "enum": ["valid", "expired", "revoked", "not_found", "mistyped"]},
        "meets_requirement": nullable(BOOLEAN),
        "reasons": {"type": "array", "items": STRING},
        "certificate": nullable(ref("Certificate")),
    },
    ["code", "found", "status", "meets_requirement", "reasons", "certificate"],
)}}, ["results"])


def api_caller() -> verification.Caller:
    """The account of the bearer token, or else the hashed IP address, for the log."""
    user = bearer_user()
    return verification.caller_for(user.id if user else None, request.remote_addr,
                                   current_app.config["SECRET_KEY"])


def _bearer_account_id() -> int | None:
    user = bearer_user()
    return user.id if user else None


@bp.get("/certificates/<code>")
@documented("The public record of a certificate, by its code", response=ref("Certificate"),
            errors=(400, 404, 429))
@public_lookup_limit()
def show_certificate(code: str):
    answer = verification.verify_code(db.session, code, today=center_today(), now=utcnow(),
                                      channel="api", caller=api_caller())
    return answer.record


@bp.post("/verifications")
@documented("Verify up to 500 codes at once, optionally against a requirement",
            request=VERIFICATIONS_REQUEST, response=VERIFICATIONS_RESPONSE, errors=(429,))
@bulk_limit(_bearer_account_id)
@roles_required("employer", "admin")
def verify_many():
    body = request_body()
    today = center_today()
    requirement = None
    if "requirement" in body:
        requirement = requirements.parse_requirement(body["requirement"], today)
    answers = verification.verify_codes(db.session, body["codes"], requirement, today=today,
                                        now=utcnow(), channel="bulk", caller=api_caller())
    return {"results": [answer.as_json() for answer in answers]}
