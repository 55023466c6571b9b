"""Fixtures for tests with real workers: an SMTP sink."""

from __future__ import annotations

import pytest

from tests.workers.mailbox import smtp_sink


@pytest.fixture
def sink():
    with smtp_sink() as server:
        yield server
