"""Finding the test services (PostgreSQL, Redis) and deciding whether to skip or fail."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), 0.5):
            return True
    except OSError:
        return False


def unavailable(what: str) -> None:
    """Skip with a plain reason, or fail when REQUIRE_SERVICES=1."""
    message = f"{what} is not reachable"
    if services_required():
        pytest.fail(f"{message} and REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(f"{message}; skipping (set REQUIRE_SERVICES=1 to make this a failure)")


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
    if not url.startswith("postgres"):
        url = DEFAULT_POSTGRES_URL
    return url if reachable(url, 5432) else None


def redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    return url if reachable(url, 6379) else None
