"""A real Celery worker on the real Redis broker delivers outbox rows to a real SMTP server."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import notifications, reminders
from app.services.clock import local_date
from tests import factories
from tests.workers.processes import celery_worker, redis_for_tests, wait_until, worker_env
from workers.celery_app import init_celery


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.status)))


def test_a_committed_notification_is_delivered_by_the_worker_over_smtp(app, sink, tmp_path):
    redis_url = redis_for_tests()
    init_celery(app, broker_url=redis_url)  # the after-commit nudge goes through Redis
    env = worker_env(app, tmp_path, REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=sink.port)
    holders = [factories.learner() for _ in range(3)]

    with celery_worker(env, tmp_path / "worker.log"):
        for holder in holders:
            notifications.enqueue(db.session, kind="renewal_reminder", recipient=holder,
                                  event_key=f"demo:{holder.id}",
                                  certificate_id=factories.CertificateFactory(holder=holder).id,
                                  reminder_window=90)
            db.session.commit()
        messages = sink.wait_for(3, timeout=20)
        wait_until(lambda: statuses() == Counter(sent=3), 10, "three rows marked sent")

    assert sorted(message["To"].addresses[0].addr_spec for message in messages) == sorted(
        holder.email for holder in holders)
    assert all(message.get_body(("html",)) is not None for message in messages)


def test_a_sweep_queues_reminders_that_the_worker_sends_once(app, sink, tmp_path):
    redis_url = redis_for_tests()
    init_celery(app, broker_url=redis_url)
    env = worker_env(app, tmp_path, REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=sink.port)
    today = local_date(utcnow(), app.config["CENTER_TIMEZONE"])
    for days_left in (0, 5, 20, 60):
        factories.CertificateFactory(expires_on=today + timedelta(days=days_left))
    sweep = lambda: reminders.sweep(db.session, today, app.config["REMINDER_WINDOWS"],  # noqa: E731
                                    app.config["CENTER_TIMEZONE"])

    with celery_worker(env, tmp_path / "worker.log"):
        assert sweep().queued == {90: 1, 30: 1, 7: 1, 0: 1}
        sink.wait_for(4, timeout=20)
        assert sum(sweep().queued.values()) == 0
        wait_until(lambda: statuses() == Counter(sent=4), 10, "four rows marked sent")

    assert sorted(Counter(sink.notification_ids()).values()) == [1, 1, 1, 1]
    subjects = sorted(message["Subject"] for message in sink.messages)
    assert any(subject.endswith("expires today") for subject in subjects)
