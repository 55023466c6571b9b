"""User accounts: creation and look-up."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.database import one_transaction
from app.models import Certificate, Notification, User
from app.models.base import utcnow
from app.services import audit, notifications
from app.services.accounts import passwords
from app.services.accounts.organisations import organisation_named
from app.services.errors import Conflict, Invalid, one_line
from app.services.language.text import N_

MIN_PASSWORD_LENGTH = 10


# The languages pages and learner mail exist in (API-2 §6): a code, and its name in itself.
LANGUAGES = {"en": "English", "es": "Español"}


def normalise_email(email: str) -> str:
    """The address as stored: checked by email-validator, then lower-cased."""
    try:
        # test_environment admits the reserved .test domain, which the demo accounts use.
        checked = validate_email(email.strip(), check_deliverability=False,
                                 test_environment=True)
    except EmailNotValidError as error:
        raise Invalid.field("email", str(error)) from error
    return checked.normalized.lower()


def email_key(email: str) -> str:
    """How a typed address is looked up: stored addresses are lower-case (normalise_email)."""
    return email.strip().lower()


def any_accounts(session: Session) -> bool:
    """Whether the database holds any account yet (demo data goes only into a new one)."""
    return session.scalar(select(User.id).limit(1)) is not None


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email_key(email)))


@one_transaction
def create_user(session: Session, *, email: str, full_name: str, password: str | None,
                roles: Iterable[str], job_title: str | None = None,
                actor: User | None = None, hasher: PasswordHasher = passwords.STANDARD,
                organisation: str | None = None, preferred_language: str = "en") -> User:
    """Create an account (of the named organisation, made when new); an e-mail that exists
    is a conflict."""
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise Conflict(f"An account with the e-mail {email} already exists.")
    one_line("name", full_name)
    one_line("job_title", job_title)
    if not full_name.strip():
        raise Invalid.field("name", N_("A name is required."))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", N_("Use at least %(count)d characters.",
                                           count=MIN_PASSWORD_LENGTH))
    user = User(
        email=email, full_name=full_name.strip(), job_title=job_title,
        password_hash=passwords.hash_password(password, hasher) if password else None,
        password_changed_at=utcnow(),
        preferred_language=preferred_language if preferred_language in LANGUAGES else "en",
    )
    for role in roles:
        user.grant(role)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", "user", user.id, email=email, roles=sorted(user.roles))
    if organisation:
        user.organisation = organisation_named(session, actor, organisation)
        audit.record(session, actor, "user.organisation_set", "user", user.id,
                     organisation=user.organisation.name, previous=None)
    return user


# --- Registration, reset links, settings ---------------------------------------------------------

RESET_LINK_MINUTES = 60
RESET_COALESCE_MINUTES = 5
_RESET_SALT = "lifeline.password-reset"




def _fingerprint(user: User) -> str:
    # Changes with every new password, so a used (or older) link stops working.
    return hashlib.sha256((user.password_hash or "-").encode()).hexdigest()[:16]


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_RESET_SALT)


def password_reset_token(user: User, now: datetime, secret_key: str) -> str:
    """A signed link token naming the user, the current password and the time it was made."""
    return _serializer(secret_key).dumps(
        {"user": user.id, "password": _fingerprint(user), "at": int(now.timestamp())})


def _reset_mail_pending(session: Session, user: User) -> bool:
    return session.scalar(select(Notification.id).where(
        Notification.kind == "password_reset", Notification.recipient_id == user.id,
        Notification.status == "pending").limit(1)) is not None


@one_transaction
def request_password_reset(session: Session, email: str, now: datetime,
                           secret_key: str) -> None:
    """Mail a reset link through the outbox when the account exists; says nothing either way.
    While one is pending, or one was made in the last few minutes, no new one is sent."""
    try:
        user = user_by_email(session, normalise_email(email))
    except Invalid:
        return
    if user is None or not user.active or _reset_mail_pending(session, user):
        return
    token = password_reset_token(user, now, secret_key)
    # One mail per RESET_COALESCE_MINUTES: requests in between are coalesced into it.
    window = int(now.timestamp() // (RESET_COALESCE_MINUTES * 60))
    notifications.enqueue(
        session, kind="password_reset", recipient=user,
        event_key=f"password_reset:{user.id}:{window}",
        context={"reset_path": f"/reset-password/{token}",
                 "valid_minutes": RESET_LINK_MINUTES},
        subject=("user", user.id),
    )
    audit.record(session, None, "user.password_reset_requested", "user", user.id)


def user_for_reset_token(session: Session, token: str, now: datetime,
                         secret_key: str) -> User:
    """The user a reset link is for; Invalid when it is forged, expired, or already used."""
    refusal = Invalid.field("token", N_("This reset link is invalid, expired or already used. "
                                        "Ask for a new one."))
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature as error:
        raise refusal from error
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise refusal
    user = session.get(User, payload["user"])
    age = now.timestamp() - float(payload.get("at", 0))
    if (user is None or not user.active or payload.get("password") != _fingerprint(user)
            or not 0 <= age <= RESET_LINK_MINUTES * 60):
        raise refusal
    return user


@one_transaction
def set_reminder_opt_out(session: Session, user: User, opt_out: bool) -> None:
    """Turn renewal reminders off (True) or on again; commits."""
    if user.reminders_opt_out != opt_out:
        user.reminders_opt_out = opt_out
        audit.record(session, user, "user.reminders_opt_out", "user", user.id, opt_out=opt_out)


@one_transaction
def set_preferred_language(session: Session, user: User, language: str) -> None:
    """The language the user's pages and mail are in; commits."""
    if language not in LANGUAGES:
        raise Invalid.field("preferred_language", f"Choose one of: {', '.join(LANGUAGES)}.")
    if user.preferred_language != language:
        user.preferred_language = language
        audit.record(session, user, "user.language_set", "user", user.id, language=language)


def certificates_of(session: Session, holder: User) -> list[Certificate]:
    """The holder's certificates, newest first, with their replacement links loaded (the
    certificate view names both: one query for all rather than one per certificate)."""
    return list(session.scalars(
        select(Certificate).where(Certificate.holder_id == holder.id)
        .options(selectinload(Certificate.replaced_by), selectinload(Certificate.replaces))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ))


def authenticate(session: Session, email: str, password: str,
                 hasher: PasswordHasher = passwords.STANDARD) -> User | None:
    """The active user with this e-mail and password; None for any mismatch (same effort)."""
    user = user_by_email(session, email)
    password_ok = passwords.verify_password(user.password_hash if user else None, password, hasher)
    return user if user is not None and password_ok and user.active else None
