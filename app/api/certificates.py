"""Certificates over JSON: the wallet card PDF (anyone with the code), revocation and reissue
(admins), and the awarding body's card id (the class's instructor or an admin)."""

from __future__ import annotations

from flask import Response, current_app, request

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented, query_parameter
from app.api.parsing import FieldReader, json_body
from app.api.schemas import STRING, obj, ref
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import REVOCATION_CATEGORIES
from app.security import public_lookup_limit
from app.services.certificates import cards, changes
from app.services.errors import Invalid
from app.services.verification.lookup import certificate_view, find_by_code

PAPERS = ("card", *cards.PAPER_SIZES)


@bp.get("/certificates/<code>/card.pdf")
@documented("The wallet card (PDF) with a QR code to the verification page",
            response={"type": "string", "format": "binary"}, response_type="application/pdf",
            parameters=[query_parameter("paper", {"type": "string", "enum": list(PAPERS)},
                                        "card size (default) or the card at actual size on a "
                                        "full A4 or Letter page")],
            errors=(400, 404, 422, 429))
@public_lookup_limit()
def wallet_card(code: str):
    paper = request.args.get("paper") or "card"
    if paper not in PAPERS:
        raise Invalid.field("paper", f"Must be one of: {', '.join(PAPERS)}.")
    certificate = find_by_code(db.session, code)
    url = cards.verify_url(current_app.config["PUBLIC_BASE_URL"], certificate.code)
    pdf = cards.card_pdf(certificate, url, center_today(), paper)
    filename = f"lifeline-card-{certificate.code}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, no-cache",
    })


# The revocation body, declared here beside its one handler (the request-shape mechanism is
# being reworked elsewhere): `category` is optional and defaults to "withdrawn".
REVOCATION = obj({"reason": STRING,
                  "category": {"type": "string", "enum": list(REVOCATION_CATEGORIES)}},
                 ["reason"])


@bp.post("/certificates/<code>/revocation")
@documented("Revoke a certificate (the record is kept)", request=REVOCATION,
            response=ref("Certificate"), errors=(400, 401, 403, 404, 409, 422))
@roles_required("admin")
def revoke(code: str):
    fields = FieldReader(json_body())
    reason = fields.string("reason", max_length=500)
    category = fields.choice("category", REVOCATION_CATEGORIES, required=False) or "withdrawn"
    fields.done()
    certificate = changes.revoke_certificate(
        db.session, current_api_user(), find_by_code(db.session, code), reason, utcnow(),
        category=category)
    return certificate_view(certificate, center_today())


@bp.post("/certificates/<code>/reissue")
@documented("Reissue a certificate with a corrected holder name: a new code, the old revoked",
            request=obj({"holder_name": STRING}, ["holder_name"]), response=ref("Certificate"),
            status=201, errors=(400, 401, 403, 404, 409, 422))
@roles_required("admin")
def reissue(code: str):
    fields = FieldReader(json_body())
    holder_name = fields.string("holder_name", max_length=200)
    fields.done()
    replacement = changes.reissue_certificate(
        db.session, current_api_user(), find_by_code(db.session, code), holder_name, utcnow())
    return certificate_view(replacement, center_today()), 201


@bp.post("/certificates/<code>/external-card")
@documented("Record the awarding body's own card id (an AHA eCard, a Red Cross certificate)",
            request=obj({"issuer": STRING, "id": STRING}, ["issuer", "id"]),
            response=ref("Certificate"), errors=(400, 401, 403, 404, 422))
@roles_required("instructor", "admin")
def record_external_card(code: str):
    fields = FieldReader(json_body())
    issuer = fields.string("issuer", max_length=64)
    external_id = fields.string("id", max_length=128)
    fields.done()
    certificate = changes.set_external_card(
        db.session, current_api_user(), find_by_code(db.session, code), issuer, external_id)
    return certificate_view(certificate, center_today())
