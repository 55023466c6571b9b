"""Celery bound to the Flask app: tasks run in its app context with its configuration.

Broker: Redis at REDIS_URL in production. With no REDIS_URL (the embedded default) Kombu's
filesystem transport under BROKER_DIR: a real worker and beat exchange messages as files, no
server needed. It may lose the few tasks a SIGKILLed worker had taken, which is harmless here
because tasks are only nudges: the outbox rows are the truth and the periodic pass picks up
whatever a lost nudge would have sent.

`celery -A workers.make_celery worker` (and `beat`) runs them: that module builds the Flask
app, and `init_celery` below binds a Celery app to it, as the Flask documentation's Celery
example does.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_process_init
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services.notifications import outbox
from workers import log_lines  # noqa: F401  (worker and beat lines in LOG_FORMAT, with the task)

log = logging.getLogger(__name__)


def beat_schedule(config) -> dict:
    """The periodic jobs: the outbox pass, the payment sweep each minute (lapsed holds, owed
    refunds), the morning sweep of renewal reminders, the class sweep (reminders, rosters,
    low-enrollment and keycode alerts) and the nightly retention sweep."""
    return {
        "outbox-pass": {
            "task": "workers.tasks.deliver_due",
            "schedule": timedelta(seconds=config.get("OUTBOX_PASS_SECONDS", 60)),
        },
        "renewal-reminders": {
            "task": "workers.tasks.daily_reminders",
            "schedule": crontab(hour=config.get("REMINDER_SWEEP_HOUR", 6), minute=0),
        },
        "class-operations": {
            "task": "workers.tasks.class_operations",
            "schedule": timedelta(seconds=config.get("CLASS_SWEEP_SECONDS", 900)),
        },
        "payment-holds": {
            "task": "workers.tasks.release_lapsed_holds",
            "schedule": timedelta(seconds=config.get("HOLD_SWEEP_SECONDS", 60)),
        },
        "retention": {
            "task": "workers.tasks.forget_old_rows",
            "schedule": crontab(hour=config.get("RETENTION_SWEEP_HOUR", 3), minute=15),
        },
    }


def filesystem_transport_options(broker_dir: str) -> dict:
    """Kombu's filesystem transport under BROKER_DIR (the embedded default, no server)."""
    folder = Path(broker_dir)
    for part in ("queue", "processed", "control"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "polling_interval": 0.1,  # the default 1 s makes every nudge wait up to a second
    }


def celery_settings(config, broker_url: str | None = None) -> dict:
    """Celery's configuration, derived from the Flask app's."""
    broker_url = broker_url or config.get("REDIS_URL") or "filesystem://localhost//"
    settings = {
        "broker_url": broker_url,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "result_backend": None,
        # A task is acknowledged after it ran, so Redis hands a crashed worker's task to another.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_always_eager": bool(config.get("CELERY_ALWAYS_EAGER")),
        "timezone": config["CENTER_TIMEZONE"],
        "enable_utc": True,
        "beat_schedule_filename": config.get("CELERY_BEAT_SCHEDULE")
        or str(Path(config.get("BROKER_DIR", "instance/broker")).parent / "celerybeat-schedule"),
        "beat_schedule": beat_schedule(config),
    }
    if broker_url.startswith("filesystem"):
        settings["broker_transport_options"] = filesystem_transport_options(config["BROKER_DIR"])
    else:
        # Publishing happens after a web request's commit: fail fast when Redis is down; the
        # outbox pass sends those rows later.
        settings["broker_connection_timeout"] = 2
        settings["task_publish_retry_policy"] = {"max_retries": 1, "interval_start": 0,
                                                 "interval_step": 0.2, "interval_max": 0.2}
        settings.update(single_beat_settings(config, broker_url))
    return settings


def single_beat_settings(config, redis_url: str) -> dict:
    """With Redis, any number of beats may run and one schedules (workers/single_beat.py): it
    holds a lock for BEAT_LOCK_SECONDS and renews it at least six times in that span, so a
    standby takes over at most BEAT_LOCK_SECONDS and one tick after the active beat's death."""
    lock_seconds = max(int(config.get("BEAT_LOCK_SECONDS", 60)), 6)
    return {
        "beat_scheduler": "workers.single_beat:SingleBeatScheduler",
        "redbeat_redis_url": redis_url,
        "redbeat_key_prefix": "lifeline:beat",
        "redbeat_lock_timeout": lock_seconds,
        "beat_max_loop_interval": lock_seconds // 6,
    }


def init_celery(flask_app: Flask, broker_url: str | None = None) -> Celery:
    """Create the Celery app of a Flask app and install the outbox's after-commit nudge."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # Called directly inside an app (a CLI command, a test) the task uses that app;
            # in a worker there is none, so it enters the app it was created for.
            if has_app_context():
                return self.run(*args, **kwargs)
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(flask_app.import_name, task_cls=FlaskTask, include=["workers.tasks"])
    celery.config_from_object(celery_settings(flask_app.config, broker_url))
    celery.set_default()
    celery.flask_app = flask_app
    flask_app.extensions["celery"] = celery

    from workers import tasks

    flask_app.extensions["outbox_nudge"] = lambda notification_id: tasks.nudge(celery,
                                                                             notification_id)
    return celery


@event.listens_for(Session, "after_commit")
def _nudge_workers_after_commit(session: Session) -> None:
    """Nudge a worker for each outbox row the committed transaction added. Only the app whose
    request or command committed routes its rows (a test may build several apps), and an app
    without background work (the test configuration) keeps them for the outbox pass."""
    committed = outbox.committed_notification_ids(session)
    nudge = current_app.extensions.get("outbox_nudge") if has_app_context() else None
    if nudge is not None:
        for notification_id in committed:
            nudge(notification_id)


@worker_process_init.connect
def _fresh_connections_after_fork(**_) -> None:
    """A forked pool process must not share the parent's database connections."""
    from celery import current_app as current_celery

    from app.extensions import db

    flask_app = getattr(current_celery, "flask_app", None)
    if flask_app is not None:
        with flask_app.app_context():
            db.engine.dispose(close=False)
