"""Staff tasks on accounts: search, roles, organisations, deactivation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Organisation, User, UserRole
from app.models.vocab import ROLES
from app.services import audit
from app.services.accounts.credentials import end_sessions
from app.services.accounts.organisations import organisation_named
from app.services.errors import Conflict, Invalid, NotFound

PAGE_SIZE = 50


def search_users(session: Session, text: str = "", role: str | None = None,
                 include_inactive: bool = True, limit: int = PAGE_SIZE) -> list[User]:
    """Users whose name or e-mail contains the text, optionally with one role."""
    query = select(User).order_by(User.full_name, User.id).limit(limit)
    text = (text or "").strip().lower()
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(func.lower(User.full_name).like(pattern), User.email.like(pattern)))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No user has this id.")
    return user


@one_transaction
def grant_role(session: Session, actor: User, user: User, role: str) -> None:
    """Give a user a role (idempotent)."""
    if role not in ROLES:
        raise Invalid.field("role", f"Unknown role: {role}.")
    if user.has_role(role):
        return
    user.grant(role)
    audit.record(session, actor, "role.granted", "user", user.id, role=role, email=user.email)


@one_transaction
def revoke_role(session: Session, actor: User, user: User, role: str) -> None:
    """Take a role away; staff cannot take away their own admin role (no lock-out)."""
    if role not in ROLES:
        raise Invalid.field("role", f"Unknown role: {role}.")
    if role == "admin" and user.id == actor.id:
        raise Conflict("You cannot revoke your own admin role; ask another admin.")
    if not user.has_role(role):
        return
    user.revoke(role)
    audit.record(session, actor, "role.revoked", "user", user.id, role=role, email=user.email)


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


@one_transaction
def attach_organisation(session: Session, actor: User, user: User, name: str | None) -> None:
    """Attach the user to the organisation of that name (created if new); empty detaches."""
    organisation = organisation_named(session, actor, name)
    previous = user.organisation.name if user.organisation else None
    if (organisation.name if organisation else None) == previous:
        return
    user.organisation = organisation
    audit.record(session, actor, "user.organisation_set", "user", user.id,
                 organisation=organisation.name if organisation else None, previous=previous)


@one_transaction
def deactivate_user(session: Session, actor: User, user: User, now: datetime) -> None:
    """Close an account: no sign-in, every session and API token ended; records are kept."""
    if user.id == actor.id:
        raise Conflict("You cannot deactivate your own account.")
    if not user.active:
        return
    user.active = False
    end_sessions(session, user, now)
    audit.record(session, actor, "user.deactivated", "user", user.id, email=user.email)


@one_transaction
def reactivate_user(session: Session, actor: User, user: User, now: datetime) -> None:
    """Open a closed account again; sessions and API tokens from before stay ended."""
    if user.active:
        return
    user.active = True
    end_sessions(session, user, now)
    audit.record(session, actor, "user.reactivated", "user", user.id, email=user.email)


def active_instructors(session: Session) -> list[User]:
    """Every active instructor, by name, for assignment choices."""
    return search_users(session, role="instructor", include_inactive=False, limit=1000)
