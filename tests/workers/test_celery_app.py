"""Celery's configuration derived from the app's: embedded broker, Redis, the beat schedule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services.clock import local_date
from tests import factories
from workers import tasks
from workers.celery_app import celery_settings, init_celery


def test_without_redis_the_broker_is_a_folder_polled_every_tenth_of_a_second(app, tmp_path):
    settings = celery_settings({**app.config, "REDIS_URL": "", "BROKER_DIR": str(tmp_path)})
    options = settings["broker_transport_options"]
    assert settings["broker_url"].startswith("filesystem://")
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "queue")
    assert options["polling_interval"] == 0.1
    assert (tmp_path / "queue").is_dir() and (tmp_path / "control").is_dir()


def test_with_redis_publishing_fails_fast_and_tasks_are_acknowledged_late(app):
    settings = celery_settings({**app.config, "REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert settings["broker_url"] == "redis://127.0.0.1:6379/3"
    assert settings["task_acks_late"] and not settings["task_always_eager"]
    assert settings["task_publish_retry_policy"]["max_retries"] <= 1


def test_beat_runs_the_outbox_pass_and_the_daily_sweep(app):
    schedule = celery_settings({**app.config, "OUTBOX_PASS_SECONDS": 120})["beat_schedule"]
    assert schedule["outbox-pass"]["task"] == "workers.tasks.deliver_due"
    assert schedule["outbox-pass"]["schedule"].total_seconds() == 120
    assert schedule["renewal-reminders"]["task"] == "workers.tasks.daily_reminders"


def test_tasks_run_inside_the_flask_app_context(app, tmp_path):
    app.config["BROKER_DIR"] = str(tmp_path)
    celery = init_celery(app)
    seen = []

    @celery.task
    def which_app():
        from flask import current_app

        seen.append(current_app.name)

    which_app.apply()
    assert seen == [app.name]


def test_the_test_configuration_binds_no_celery_app(app):
    assert "celery" not in app.extensions


def test_the_daily_task_sweeps_today_and_deliver_writes_the_eml_file(app, tmp_path):
    app.config.update(BROKER_DIR=str(tmp_path / "broker"), MAIL_DIR=str(tmp_path / "mail"))
    init_celery(app)
    today = local_date(utcnow(), app.config["CENTER_TIMEZONE"])
    certificate = factories.CertificateFactory(expires_on=today + timedelta(days=3))

    tasks.daily_reminders.apply()
    reminder = db.session.scalars(select(Notification)).one()
    assert (reminder.certificate_id, reminder.reminder_window) == (certificate.id, 7)

    assert tasks.deliver.apply(args=(reminder.id,)).get() == "sent"
    assert tasks.deliver.apply(args=(reminder.id,)).get() == "not_due"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
