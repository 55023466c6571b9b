"""Shared fixtures: an app on a migrated database (PostgreSQL when TEST_DATABASE_URL is set,
SQLite otherwise), a clean database per test, clients and sign-in helpers."""

from __future__ import annotations

import os

import pytest
from flask import g, request_started

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from tests import factories
from tests.support import databases, services
from tests.support.login import log_in

_URLS: dict[str, str] = {}


def database_url(kind: str) -> str:
    """The migrated test database of a kind ("sqlite" or "postgresql") for this worker."""
    if kind not in _URLS:
        if kind == "sqlite":
            _URLS[kind] = databases.sqlite_url()
        else:
            server = services.postgres_url()
            if server is None:
                services.unavailable("PostgreSQL")
            _URLS[kind] = databases.private_postgres_url(server)
    return _URLS[kind]


def default_kind() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def _start_with_an_empty_g(sender, **extra) -> None:
    """Each request starts with an empty `g`, as in production, where every request has an
    app context of its own: the tests keep one app context open across their requests, and
    extensions cache per-request state in `g` (Flask-Login the signed-in user)."""
    for name in list(g):
        g.pop(name)


def make_app(kind: str, **overrides):
    # Flask-Limiter keeps "the store is down, count in memory" across init_app calls (one app
    # per process in production); a test's new app starts with its own store alive.
    limiter._storage_dead = False
    app = create_app(databases.config_for(database_url(kind), **overrides))
    databases.ensure_migrated(app)
    request_started.connect(_start_with_an_empty_g, app)
    return app


@pytest.fixture
def app_factory():
    """Build extra apps on the default database (e.g. with other settings)."""
    made = []

    def factory(kind: str | None = None, **overrides):
        app = make_app(kind or default_kind(), **overrides)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            databases.wipe(_db)
            _db.engine.dispose()


def _app_on(kind: str):
    app = make_app(kind)
    ctx = app.app_context()
    ctx.push()
    try:
        yield app
    finally:
        databases.wipe(_db)
        _db.session.remove()
        _db.engine.dispose()
        ctx.pop()


@pytest.fixture
def app(request):
    """The app, inside an app context, on a clean migrated database."""
    kind = getattr(request, "param", None) or default_kind()
    yield from _app_on(kind)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request):
    """The app on each database in turn, for database-specific behaviour."""
    yield from _app_on(request.param)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Sign a user in on the test client through the real /login form (fresh unless told)."""

    def sign_in(user, fresh: bool = True):
        return log_in(client, user, fresh=fresh)

    return sign_in


@pytest.fixture
def todays_class(db):
    """A class that started an hour ago, with three learners holding seats."""
    return factories.class_under_way()


@pytest.fixture
def rate_limited(app_factory):
    """Make an app with rate limiting on and the given budgets, e.g. RATELIMIT_BULK="2 per
    minute"; set it up inside `factories.within(app)`."""

    def make(**budgets):
        return app_factory(RATELIMIT_ENABLED=True, **budgets)

    return make


@pytest.fixture
def api_token(app):
    """Issue a real bearer token for a user and return the Authorization header."""
    from app.models.base import utcnow
    from app.services.accounts import tokens

    def issue(user, password: str = "correct horse battery") -> dict:
        raw_token, _ = tokens.issue_token(_db.session, user.email, password, utcnow(), 30)
        return {"Authorization": f"Bearer {raw_token}"}

    return issue
