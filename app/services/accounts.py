"""User accounts: creation and look-up."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User
from app.models.base import utcnow
from app.services import audit, passwords
from app.services.errors import Conflict, Invalid

MIN_PASSWORD_LENGTH = 10


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(session: Session, *, email: str, full_name: str, password: str | None,
                roles: Iterable[str], job_title: str | None = None,
                actor: User | None = None, commit: bool = True) -> User:
    """Create an account; an e-mail that exists is a conflict."""
    email = email.strip().lower()
    if user_by_email(session, email) is not None:
        raise Conflict(f"An account with the e-mail {email} already exists.")
    if not full_name.strip():
        raise Invalid.field("name", "A name is required.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(
        email=email, full_name=full_name.strip(), job_title=job_title,
        password_hash=passwords.hash_password(password) if password else None,
        password_changed_at=utcnow(),
    )
    for role in roles:
        user.grant(role)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", "user", user.id, email=email, roles=sorted(user.roles))
    if commit:
        session.commit()
    return user
