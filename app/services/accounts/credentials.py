"""Credentials that end: password changes, resets and sign-out everywhere end every browser
session, remember-me cookie and API token the user held before (one rule: `end_sessions`)."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import ApiToken, User
from app.services import audit
from app.services.accounts import passwords
from app.services.accounts.tokens import digest
from app.services.accounts.users import MIN_PASSWORD_LENGTH, user_by_email, user_for_reset_token
from app.services.errors import Invalid, NotFound
from app.services.language.text import N_


def end_sessions(session: Session, user: User, now: datetime,
                 keep_token: str | None = None) -> None:
    """End the user's browser sessions and remember-me cookies (their id names the epoch,
    User.get_id) and revoke the user's API tokens, except `keep_token` (raw) when given."""
    user.session_epoch += 1
    revoking = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep_token is not None:
        revoking = revoking.where(ApiToken.token_hash != digest(keep_token))
    session.execute(revoking.values(revoked_at=now))


def password_matches(user: User, password: str,
                     hasher: PasswordHasher = passwords.STANDARD) -> bool:
    """Whether `password` is the user's (a signed-in user confirming it is them)."""
    return passwords.verify_password(user.password_hash, password, hasher)


@one_transaction
def change_password(session: Session, user: User, current_password: str, new_password: str,
                    now: datetime, hasher: PasswordHasher = passwords.STANDARD,
                    keep_token: str | None = None) -> None:
    """Replace the password after checking the current one; ends every other credential."""
    if not password_matches(user, current_password, hasher):
        raise Invalid.field("current_password", N_("This is not your current password."))
    _set_password(session, user, new_password, now, hasher, keep_token)
    audit.record(session, user, "user.password_changed", "user", user.id)


@one_transaction
def reset_password(session: Session, token: str, new_password: str, now: datetime,
                   secret_key: str, hasher: PasswordHasher = passwords.STANDARD) -> User:
    """Set a new password through a valid reset link (which then stops working)."""
    user = user_for_reset_token(session, token, now, secret_key)
    _set_password(session, user, new_password, now, hasher)
    audit.record(session, user, "user.password_reset", "user", user.id)
    return user


@one_transaction
def set_password(session: Session, email: str, new_password: str, now: datetime,
                 hasher: PasswordHasher = passwords.STANDARD) -> User:
    """Staff set a user's password (the command line); ends all the user's credentials."""
    user = user_by_email(session, email)
    if user is None:
        raise NotFound(f"There is no account with the e-mail {email.strip()}.")
    _set_password(session, user, new_password, now, hasher)
    audit.record(session, None, "user.password_set", "user", user.id, email=user.email)
    return user


@one_transaction
def sign_out_everywhere(session: Session, user: User, now: datetime) -> None:
    """The user ends all their browser sessions, remember-me cookies and API tokens."""
    end_sessions(session, user, now)
    audit.record(session, user, "user.signed_out_everywhere", "user", user.id)


def _set_password(session: Session, user: User, new_password: str, now: datetime,
                  hasher: PasswordHasher, keep_token: str | None = None) -> None:
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("new_password", N_("Use at least %(count)d characters.",
                                               count=MIN_PASSWORD_LENGTH))
    user.password_hash = passwords.hash_password(new_password, hasher)
    user.password_changed_at = now
    end_sessions(session, user, now, keep_token)
