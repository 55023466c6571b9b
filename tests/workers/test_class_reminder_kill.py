"""A class sweep killed half-way (API-2.md §4, DESIGN.md rule 7): the worker is SIGKILLed while
its sweep waits on the second class; after a restart every learner has had exactly one class
reminder and every instructor one roster — nothing lost, nothing twice."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.models import ClassReminder, Notification
from app.models.base import utcnow
from tests import factories
from tests.workers.mailbox import smtp_sink
from tests.workers.processes import celery_worker, redis_for_tests, wait_until, worker_env
from workers.celery_app import init_celery

pytestmark = pytest.mark.slow
CLASSES, LEARNERS = 3, 3


def count_marks() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ClassReminder))


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.status)))


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_a_class_sweep_killed_mid_way_mails_each_learner_exactly_once(app, tmp_path):
    now = utcnow().replace(microsecond=0)
    classes = [factories.class_with_seats(now + timedelta(hours=2 + n), LEARNERS)[0]
               for n in range(CLASSES)]
    redis_url = redis_for_tests()
    # Another connection holds the second class's row: the sweep finishes the first class,
    # then waits there, and is killed while it waits.
    blocker = create_engine(db.engine.url, poolclass=NullPool).connect()
    blocker.execute(text("SELECT id FROM class_session WHERE id = :id FOR UPDATE"),
                    {"id": classes[1].id})
    first_class = LEARNERS + 1  # its learners' reminders and its instructor's roster
    with smtp_sink() as sink:
        env = worker_env(app, tmp_path, REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
                         MAIL_PORT=sink.port, OUTBOX_LEASE_SECONDS=2, OUTBOX_PASS_SECONDS=1,
                         CLASS_SWEEP_SECONDS=1, LOW_ENROLLMENT_SEATS=0)
        celery = init_celery(app, broker_url=redis_url)
        with celery_worker(env, tmp_path / "first.log", concurrency=2) as worker:
            celery.send_task("workers.tasks.class_operations")
            sink.wait_for(first_class, timeout=30)
            wait_until(lambda: statuses() == {"sent": first_class}, 15, "the first class mailed")
            worker.kill()
        assert count_marks() == first_class, "the kill must land between two classes"
        blocker.rollback()
        blocker.close()

        everyone = CLASSES * (LEARNERS + 1)
        with celery_worker(env, tmp_path / "second.log", concurrency=2, beat=True):
            wait_until(lambda: statuses() == {"sent": everyone}, 60, "every class mailed")
            time.sleep(2.5)  # more sweeps and outbox passes run: none may mail again
        delivered = Counter(sink.notification_ids())

    assert count_marks() == everyone
    assert len(delivered) == everyone and set(delivered.values()) == {1}
    reminded = Counter(db.session.scalars(select(Notification.subject_id)
                                          .where(Notification.kind == "class_reminder")))
    assert len(reminded) == CLASSES * LEARNERS and set(reminded.values()) == {1}
