"""Lost card over JSON: ask for one's certificates to be mailed to the address on record."""

from __future__ import annotations

from app.api import bp
from app.api.docs import documented
from app.api.schemas import line, obj, one_of_names
from app.api.validation import request_body
from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.security import card_lookup_limit
from app.services import verification

LOOKUP_REQUEST = obj({"name": line(200), "email": line(254)}, ["name", "email"])
LOOKUP_RESPONSE = obj({"status": one_of_names(["sent_if_found"])}, ["status"])


@bp.post("/certificates/lookup")
@documented("Mail a holder's certificates to their address on record (never says whether "
            "anything was found)", request=LOOKUP_REQUEST, response=LOOKUP_RESPONSE,
            status=202, errors=(400, 422, 429))
@card_lookup_limit
def lookup_lost_card():
    body = request_body()
    verification.request_card_lookup(db.session, body.text("name"), body.text("email"),
                                     utcnow(), center_today())
    return {"status": "sent_if_found"}, 202
