"""Task log lines: each delivery says which notification it handled and how it ended, and a real
worker writes its lines (Celery's own and the tasks') in the app's LOG_FORMAT, with the task."""

from __future__ import annotations

import json
import smtplib

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.services import notifications
from app.services.notifications import delivery
from tests import factories
from tests.support.log_capture import json_log_lines
from tests.workers.processes import celery_worker, wait_until, worker_env
from workers import tasks
from workers.celery_app import init_celery

DELIVERY = "app.services.notifications.delivery"


def _queued(kind: str = "enrollment_confirmed") -> int:
    learner = factories.learner()
    row = notifications.enqueue(db.session, kind=kind, recipient=learner,
                                event_key=f"test:{learner.id}")
    db.session.commit()
    return row.id


def test_the_deliver_task_logs_the_notification_it_sent(app, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    notification_id = _queued()
    with json_log_lines() as captured:
        assert tasks.deliver(notification_id) == "sent"
    (line,) = captured.of(DELIVERY)
    assert (line["level"], line["notification_id"], line["outcome"]) == (
        "INFO", notification_id, "sent")


class RefusingServer:
    def send(self, message) -> None:
        raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such mailbox")})


def test_a_refused_notification_is_logged_as_failed_with_its_id(app):
    notification_id = _queued()
    with json_log_lines() as captured:
        outcome = delivery.deliver(db.session, notification_id, RefusingServer(), app.config,
                                   app.jinja_env)
    assert outcome == "failed"
    error, failed = captured.of(DELIVERY)
    assert (error["notification_id"], error["outcome"]) == (notification_id, "error")
    assert "550 no such mailbox" in error["message"]
    assert (failed["level"], failed["notification_id"], failed["outcome"]) == (
        "WARNING", notification_id, "failed")


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_a_real_worker_writes_json_lines_naming_the_task_and_the_notification(app, tmp_path):
    app.config.update(BROKER_DIR=str(tmp_path / "broker"))
    init_celery(app)  # the commit's nudge goes into the worker's broker folder
    env = worker_env(app, tmp_path, LOG_FORMAT="json")
    with celery_worker(env, tmp_path / "worker.log") as worker:
        notification_id = _queued()
        wait_until(lambda: db.session.scalar(select(Notification.status).where(
            Notification.id == notification_id).execution_options(populate_existing=True))
            == "sent", 20, "the worker to send the row")
        wait_until(lambda: any(line.get("notification_id") == notification_id
                               for line in _json_lines(worker.output())), 10, "its log line")
        lines = _json_lines(worker.output())

    assert any(line["message"].endswith("ready.") for line in lines)  # Celery's own, as JSON
    (sent,) = [line for line in lines if line.get("notification_id") == notification_id]
    assert sent["outcome"] == "sent" and sent["logger"] == DELIVERY
    assert sent["task"] == "workers.tasks.deliver" and len(sent["task_id"]) == 36
