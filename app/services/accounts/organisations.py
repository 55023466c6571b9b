"""Organisations by name: an employer's is found ignoring case, or made when new."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Organisation, User
from app.services import audit
from app.services.errors import one_line


def organisation_named(session: Session, actor: User | None, name: str | None
                       ) -> Organisation | None:
    """The organisation of that name (made, and audited, when new); None for an empty name."""
    name = (one_line("name", name) or "").strip()
    if not name:
        return None
    organisation = session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == name.lower()))
    if organisation is None:
        organisation = Organisation(name=name)
        session.add(organisation)
        session.flush()
        audit.record(session, actor, "organisation.created", "organisation", organisation.id,
                     name=name)
    return organisation
