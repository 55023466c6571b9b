"""The multi-node rig (deploy/rig): nginx in front of two gunicorn web nodes, two Celery
workers, two beats, a fresh PostgreSQL database and a redis-server of the rig's own, all
started from deploy/'s files. One rig serves every test here; a test that kills a process
starts it again before it ends.

Needs PostgreSQL, redis-server and Debian's nginx (installed with apt-get when missing, as
root): without them the tests skip, or fail with REQUIRE_SERVICES=1."""

from __future__ import annotations

import os

import pytest

from app import create_app
from config import sqlalchemy_url
from deploy.rig import Rig, RigUnavailable
from deploy.rig.client import Client
from tests.support import databases, services
from tests.workers.mailbox import smtp_sink

# Short periods, so a minute of the rig shows what a day of production would: the outbox pass
# every second, a lease of three, a beat lock of six; budgets small enough to spend in a test.
RIG_SETTINGS = {
    "OUTBOX_PASS_SECONDS": "1",
    "OUTBOX_LEASE_SECONDS": "3",
    "OUTBOX_RETRY_SECONDS": "1",
    "BEAT_LOCK_SECONDS": "6",
    "RATELIMIT_PUBLIC": "20 per minute",
    "RATELIMIT_LOGIN": "4 per 15 minutes",
}


@pytest.fixture(scope="session")
def mailbox():
    """The SMTP server the rig's workers send to."""
    with smtp_sink() as sink:
        yield sink


@pytest.fixture(scope="session")
def rig(tmp_path_factory, mailbox):
    """The running rig (see the module's docstring)."""
    server = services.postgres_url()
    if server is None:
        services.unavailable("PostgreSQL")
    name = f"lifeline_rig_{os.environ.get('TEST_RUN_ID', '')}{databases.worker_suffix()}"
    running = Rig(tmp_path_factory.mktemp("rig"), server, name, mail_port=mailbox.port,
                  settings=RIG_SETTINGS)
    try:
        running.start()
    except RigUnavailable as missing:
        running.stop()
        services.unavailable(str(missing))
    except BaseException:
        running.stop()
        raise
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _healed_rig(request):
    """After a test that killed part of the rig (and failed before starting it again), the
    next test still gets the whole rig."""
    running = request.getfixturevalue("rig") if "rig" in request.fixturenames else None
    yield
    if running is not None:
        running.heal()


@pytest.fixture
def records(rig):
    """The rig's database, open in this process for factories and checks (an app context)."""
    app = create_app(databases.config_for(sqlalchemy_url(rig.database_url)))
    with app.app_context():
        yield app
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def browser(rig):
    """A client of the site through nginx (cookies kept, like a browser)."""
    with Client(rig) as client:
        yield client
