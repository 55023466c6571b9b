"""Bearer tokens: sign in for a token, revoke the current one."""

from flask import current_app, request

from app import login_throttle
from app.access import token_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import MOMENT, STRING, obj, text
from app.api.serializers import moment
from app.api.validation import request_body
from app.errors import error_response
from app.extensions import db
from app.models.base import utcnow
from app.security import password_hasher
from app.services.accounts import tokens

TOKEN_REQUEST = obj({"email": text(254), "password": text(1000)}, ["email", "password"])


@bp.post("/tokens")
@documented("Exchange an e-mail and password for a bearer token", request=TOKEN_REQUEST,
            response=obj({"token": STRING, "expires_at": MOMENT}), status=201,
            errors=(401, 429, 503))
def create_token():
    body = request_body()
    email, password = body.text("email"), body.text("password")
    try:
        attempt = login_throttle.count_attempt(email)
    except login_throttle.SignInRefused as refusal:
        return error_response(refusal.status, refusal.code, refusal.message,
                              headers=refusal.headers)
    raw_token, token = tokens.issue_token(  # a wrong password raises; the failure stays counted
        db.session, email, password, utcnow(), current_app.config["API_TOKEN_DAYS"],
        password_hasher())
    attempt.succeeded()
    return {"token": raw_token, "expires_at": moment(token.expires_at)}, 201


@bp.delete("/tokens/current")
@documented("Revoke the token this request carries", status=204)
@token_required
def revoke_current_token():
    raw_token = request.headers["Authorization"].partition(" ")[2].strip()
    tokens.revoke_token(db.session, raw_token, utcnow())
    return "", 204
