"""`make run`'s supervisor: web, worker and beat with no server at all, stopped together."""

from __future__ import annotations

import email
import signal
import subprocess
import sys
import urllib.request
from email import policy

import pytest

from app.extensions import db
from app.services import notifications
from tests import factories
from tests.workers.mailbox import free_port
from tests.workers.processes import Process, wait_until, worker_env
from workers.celery_app import init_celery

pytestmark = pytest.mark.slow


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - a local URL
            return response.status == 200
    except OSError:
        return False


def alive(pid: int) -> bool:
    return subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True,
                          text=True).stdout.strip() not in ("", "Z")


def test_web_worker_and_beat_run_on_the_embedded_default_and_stop_on_ctrl_c(app, tmp_path):
    port = free_port()
    env = worker_env(app, tmp_path, PORT=port, OUTBOX_PASS_SECONDS=1)
    app.config["BROKER_DIR"] = env["BROKER_DIR"]  # the test's commits nudge the same broker
    supervisor = Process([sys.executable, "-m", "workers.run_all"], env, tmp_path / "run.log")
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/"), 40, "the web server")
        supervisor.wait_for_output("beat: Starting", timeout=30)
        supervisor.wait_for_output("ready.", timeout=30)
        init_celery(app)
        holder = factories.learner(email="ana@example.test")
        notifications.enqueue(db.session, kind="renewal_reminder", recipient=holder,
                              event_key="run-all", reminder_window=7,
                              certificate_id=factories.CertificateFactory(holder=holder).id)
        db.session.commit()
        mail_dir = tmp_path / "mail"
        (written,) = wait_until(lambda: list(mail_dir.glob("*.eml")), 30, "an .eml file")
        children = subprocess.run(["pgrep", "-P", str(supervisor.popen.pid)], capture_output=True,
                                  text=True).stdout.split()
    finally:
        status = supervisor.stop(signal.SIGINT, timeout=30)
        print(supervisor.output()[-6000:])  # shown by pytest when the test fails

    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "ana@example.test"
    assert len(children) == 3 and status == 0
    assert not [pid for pid in children if alive(int(pid))]
    assert not answers(f"http://127.0.0.1:{port}/")
