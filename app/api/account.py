"""The caller's own account: who am I, and change my password."""

from flask import request

from app.access import current_api_user, token_required
from app.api import bp
from app.api.docs import documented
from app.api.schemas import STRING, free_text, obj
from app.api.validation import request_body
from app.extensions import db
from app.models.base import utcnow
from app.security import password_hasher
from app.services import accounts

ACCOUNT = obj({"email": STRING, "full_name": STRING, "roles": {"type": "array", "items": STRING},
               "preferred_language": STRING},
              ["email", "full_name", "roles", "preferred_language"])
# Passwords are read as typed (never stripped): their rules are the service's.
PASSWORD_CHANGE = obj({"current_password": free_text(1000), "new_password": free_text(1000)},
                      ["current_password", "new_password"])


@bp.get("/me")
@documented("The caller's account", response=ACCOUNT)
@token_required
def show_me():
    user = current_api_user()
    return {"email": user.email, "full_name": user.full_name, "roles": sorted(user.roles),
            "preferred_language": user.preferred_language}


@bp.post("/me/password")
@documented("Change the caller's password; every other token, session and remember-me cookie "
            "of the account stops working", request=PASSWORD_CHANGE, status=204, errors=(422,))
@token_required
def change_my_password():
    body = request_body()
    current_password, new_password = body["current_password"], body["new_password"]
    raw_token = request.headers["Authorization"].partition(" ")[2].strip()
    accounts.change_password(db.session, current_api_user(), current_password, new_password,
                             utcnow(), password_hasher(), keep_token=raw_token)
    return "", 204
