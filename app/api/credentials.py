"""Portable credentials over JSON (API-2 §5): a certificate as a signed Open Badges 3.0
credential, the issuer profile with its keys, the revocation status list, and verifying a
credential. All public: the code, the keys and the list are what a verifier needs."""

from __future__ import annotations

from flask import Response, json, request

from app.api import bp
from app.api.docs import documented
from app.api.schemas import BOOLEAN, STRING, obj
from app.api.validation import request_body
from app.credential_issuer import credential_issuer, status_list_cache
from app.extensions import db
from app.models.base import utcnow
from app.security import public_lookup_limit
from app.services import credentials
from app.services.credentials.verifying import STATUSES
from app.services.verification.lookup import find_by_code

VC_MEDIA_TYPE = "application/vc+ld+json"
ISSUER_MAX_AGE_SECONDS = 300
STRINGS = {"type": "array", "items": STRING}
PROOF = obj({"type": STRING, "cryptosuite": STRING, "created": STRING,
             "verificationMethod": STRING, "proofPurpose": STRING, "proofValue": STRING},
            ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"])
CREDENTIAL = obj({"@context": STRINGS, "id": STRING, "type": STRINGS, "issuer": {},
                  "validFrom": STRING, "validUntil": STRING, "name": STRING,
                  "credentialSubject": {"type": "object"},
                  "credentialStatus": {"type": "object"}, "proof": PROOF},
                 ["@context", "id", "type", "issuer", "validFrom", "credentialSubject", "proof"])
MULTIKEY = obj({"id": STRING, "type": STRING, "controller": STRING,
                "publicKeyMultibase": STRING},
               ["id", "type", "controller", "publicKeyMultibase"])
ISSUER_PROFILE = obj({"@context": STRINGS, "id": STRING, "type": STRINGS, "name": STRING,
                      "verificationMethod": {"type": "array", "items": MULTIKEY},
                      "assertionMethod": STRINGS},
                     ["id", "type", "name", "verificationMethod"])
VERIFY_REQUEST = obj({"credential": {"type": "object",
                                     "description": "the credential, as its holder has it"}},
                     ["credential"])
VERIFY_RESULT = obj({"verified": BOOLEAN, "status": {"type": "string", "enum": list(STATUSES)},
                     "checks": {"type": "array", "items": obj(
                         {"check": STRING, "passed": BOOLEAN, "message": STRING},
                         ["check", "passed", "message"])}},
                    ["verified", "status", "checks"])


# Wallets and browser-based verifiers fetch these public documents from other origins.
ANY_ORIGIN = {"Access-Control-Allow-Origin": "*"}


def _json(document: dict, mimetype: str, headers: dict) -> Response:
    return Response(json.dumps(document), mimetype=mimetype, headers=ANY_ORIGIN | headers)


@bp.get("/certificates/<code>/credential")
@documented("The certificate as a signed Open Badges 3.0 credential (eddsa-jcs-2022); "
            "served for revoked and replaced certificates too, whose status says so",
            response=CREDENTIAL, response_type=VC_MEDIA_TYPE, errors=(400, 404, 429))
@public_lookup_limit()
def certificate_credential(code: str):
    certificate = find_by_code(db.session, code)
    document = credentials.credential_for(certificate, credential_issuer(), utcnow())
    return _json(document, VC_MEDIA_TYPE, {
        "Content-Disposition": f'attachment; filename="lifeline-{certificate.code}.json"',
        "Cache-Control": "no-cache",
    })


@bp.get("/issuer")
@documented("The issuer profile, with every signing key it has used as a Multikey",
            response=ISSUER_PROFILE)
def issuer_profile():
    return _json(credentials.issuer_profile(credential_issuer()), "application/json",
                 {"Cache-Control": f"public, max-age={ISSUER_MAX_AGE_SECONDS}"})


@bp.get("/status/revocation")
@documented("The signed revocation status list (BitstringStatusListCredential); answers "
            "304 to If-None-Match with its current ETag", response=CREDENTIAL,
            response_type=VC_MEDIA_TYPE)
def revocation_status_list():
    published = credentials.revocation_list(db.session, credential_issuer(),
                                            status_list_cache())
    headers = ANY_ORIGIN | {"ETag": f'"{published.etag}"',
                            "Cache-Control": f"public, max-age={credentials.MAX_AGE_SECONDS}"}
    # If-None-Match compares weakly (RFC 9110 §13.1.2): a proxy may have weakened the tag.
    if request.if_none_match.contains_weak(published.etag):
        return Response(status=304, headers=headers)
    return Response(published.body, mimetype=VC_MEDIA_TYPE, headers=headers)


@bp.post("/credentials/verify")
@documented("Verify a credential: its issuer, its proof against the published keys, the "
            "revocation list and its validity dates", request=VERIFY_REQUEST,
            response=VERIFY_RESULT, errors=(429,))
@public_lookup_limit()
def verify_credential():
    document = request_body()["credential"]
    result = credentials.verify_credential(db.session, document, credential_issuer(),
                                           status_list_cache(), utcnow())
    return result.as_json()
