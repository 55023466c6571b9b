"""Migrated test databases: one per kind and pytest worker, migrated once per run."""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestConfig, sqlalchemy_url

MIGRATED: set[str] = set()


def worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def sqlite_url() -> str:
    path = os.path.join(tempfile.gettempdir(), f"lifeline-test-{os.getpid()}-{worker_suffix()}.db")
    return f"sqlite:///{path}"


def private_postgres_url(server_url: str, purpose: str = "test") -> str:
    """An empty database of this worker's own on the PostgreSQL server (made anew).

    TEST_RUN_ID keeps two suite runs on one server (two checkouts) out of each other's way."""
    run = os.environ.get("TEST_RUN_ID", "")
    return fresh_postgres_database(server_url, f"lifeline_{purpose}_{run}{worker_suffix()}")


def fresh_postgres_database(server_url: str, name: str) -> str:
    """Drop and create the named database on the server of `server_url`; its URL."""
    parts = urlsplit(sqlalchemy_url(server_url))
    engine = sa.create_engine(urlunsplit(parts._replace(path="/postgres")),
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return urlunsplit(parts._replace(path=f"/{name}"))


def config_for(url: str, **overrides) -> type[TestConfig]:
    """A TestConfig subclass pointing at the given database."""
    attributes = {"SQLALCHEMY_DATABASE_URI": url, **overrides}
    if url.startswith("sqlite"):
        # Wait for the write lock instead of failing at once when threads contend.
        attributes["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    return type("BoundTestConfig", (TestConfig,), attributes)


def ensure_migrated(app) -> None:
    """Apply the migrations once per database per run: the schema is only made by them."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url in MIGRATED:
        return
    with app.app_context():
        upgrade()
    MIGRATED.add(url)


def wipe(db) -> None:
    """Empty every table so the next test starts from a clean, migrated database."""
    db.session.remove()
    engine = db.engine
    tables = [table.name for table in db.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                connection.execute(sa.text(f'DELETE FROM "{name}"'))
