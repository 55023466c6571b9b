"""Declarative base, naming convention, the column types every model shares, and the one
transaction boundary every committing use case is wrapped in.

Lives outside app.models so that app.extensions can import it without loading the models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import TypeVar

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Session, registry

T = TypeVar("T")
_DEPTH_KEY = "use_case_depth"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC as a naive timestamp (SQLite keeps no offset) and always returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), str: String(255)},
    )


def check_in(column: str, values) -> str:
    """SQL text for a CHECK constraint limiting a column to a fixed vocabulary."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def one_transaction(use_case: Callable[..., T]) -> Callable[..., T]:
    """The transaction boundary of a use case `(session, ...)`: commit when it returns, roll
    back when it raises. A use case called inside another joins the outer transaction, so
    each request, command or task commits once, in one place."""

    @wraps(use_case)
    def run(session: Session, *args, **kwargs):
        depth = session.info.get(_DEPTH_KEY, 0)
        session.info[_DEPTH_KEY] = depth + 1
        try:
            result = use_case(session, *args, **kwargs)
            if depth == 0:
                session.commit()
            return result
        except BaseException:
            if depth == 0:
                session.rollback()
            raise
        finally:
            session.info[_DEPTH_KEY] = depth

    return run
