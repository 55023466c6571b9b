"""API bearer tokens: issued once in clear, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.database import one_transaction
from app.models import ApiToken, User
from app.services.accounts import passwords
from app.services.accounts.users import authenticate
from app.services.errors import Unauthenticated


def digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@one_transaction
def issue_token(
    session: Session, email: str, password: str, now: datetime, days: int,
    hasher: PasswordHasher = passwords.STANDARD,
) -> tuple[str, ApiToken]:
    """Check the credentials and issue a token; one answer for unknown e-mail and bad password."""
    user = authenticate(session, email, password, hasher)
    if user is None:
        raise Unauthenticated("Wrong e-mail or password.")
    raw_token = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, token_hash=digest(raw_token), created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    return raw_token, token


def user_for_token(session: Session, raw_token: str, now: datetime) -> User | None:
    """The active user holding this unexpired, unrevoked token."""
    # The holder comes in the same query: every API call by token asks for it.
    token = session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                           .where(ApiToken.token_hash == digest(raw_token)))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    return token.user if token.user.active else None


@one_transaction
def revoke_token(session: Session, raw_token: str, now: datetime) -> None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw_token)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now
