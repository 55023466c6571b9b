"""Certificates over JSON: the wallet card PDF (anyone with the code), revocation and reissue
(admins), and the awarding body's card id (the class's instructor or an admin)."""

from __future__ import annotations

from flask import Response, current_app

from app.access import current_api_user, roles_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import line, obj, one_of_names, ref, text
from app.api.validation import request_body, request_query
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.models.vocab import REVOCATION_CATEGORIES
from app.security import public_lookup_limit
from app.services.certificates import cards, changes
from app.services.verification.lookup import certificate_view, find_by_code

PAPERS = ("card", *cards.PAPER_SIZES)
CARD_QUERY = obj({"paper": {
    **one_of_names(PAPERS),
    "description": "card size (default) or the card at actual size on a full A4 or Letter page",
}})
# `category` is what the public record shows; it defaults to "withdrawn".
REVOCATION = obj({"reason": text(500), "category": one_of_names(REVOCATION_CATEGORIES)},
                 ["reason"])
REISSUE = obj({"holder_name": line(200)}, ["holder_name"])
EXTERNAL_CARD = obj({"issuer": line(64), "id": line(128)}, ["issuer", "id"])


@bp.get("/certificates/<code>/card.pdf")
@documented("The wallet card (PDF) with a QR code to the verification page",
            query=CARD_QUERY, response={"type": "string", "format": "binary"},
            response_type="application/pdf", errors=(400, 404, 429))
@public_lookup_limit()
def wallet_card(code: str):
    paper = request_query().get("paper", "card")
    certificate = find_by_code(db.session, code)
    url = cards.verify_url(current_app.config["PUBLIC_BASE_URL"], certificate.code)
    pdf = cards.card_pdf(certificate, url, center_today(), paper)
    filename = f"lifeline-card-{certificate.code}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, no-cache",
    })


@bp.post("/certificates/<code>/revocation")
@documented("Revoke a certificate (the record is kept)", request=REVOCATION,
            response=ref("Certificate"), errors=(400, 401, 403, 404, 409, 422))
@roles_required("admin")
def revoke(code: str):
    body = request_body()
    reason, category = body.text("reason"), body.get("category", "withdrawn")
    certificate = changes.revoke_certificate(
        db.session, current_api_user(), find_by_code(db.session, code), reason, utcnow(),
        category=category)
    return certificate_view(certificate, center_today())


@bp.post("/certificates/<code>/reissue")
@documented("Reissue a certificate with a corrected holder name: a new code, the old revoked",
            request=REISSUE, response=ref("Certificate"), status=201,
            errors=(400, 401, 403, 404, 409, 422))
@roles_required("admin")
def reissue(code: str):
    holder_name = request_body().text("holder_name")
    replacement = changes.reissue_certificate(
        db.session, current_api_user(), find_by_code(db.session, code), holder_name, utcnow())
    return certificate_view(replacement, center_today()), 201


@bp.post("/certificates/<code>/external-card")
@documented("Record the awarding body's own card id (an AHA eCard, a Red Cross certificate)",
            request=EXTERNAL_CARD, response=ref("Certificate"), errors=(400, 401, 403, 404, 422))
@roles_required("instructor", "admin")
def record_external_card(code: str):
    body = request_body()
    issuer, external_id = body.text("issuer"), body.text("id")
    certificate = changes.set_external_card(
        db.session, current_api_user(), find_by_code(db.session, code), issuer, external_id)
    return certificate_view(certificate, center_today())
