"""Celery's configuration derived from the app's: embedded broker, Redis, the beat schedule."""

from __future__ import annotations

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
