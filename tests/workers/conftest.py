"""Fixtures for tests with real workers: an SMTP sink and a clean dispatcher."""

from __future__ import annotations

import pytest

from app.services import notifications
from tests.workers.mailbox import smtp_sink


@pytest.fixture
def sink():
    with smtp_sink() as server:
        yield server


@pytest.fixture(autouse=True)
def no_dispatcher_left_behind():
    """A test that wires Celery into its app removes the after-commit nudge afterwards."""
    yield
    notifications.set_dispatcher(None)
