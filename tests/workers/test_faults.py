"""Faults the outbox must survive: a worker SIGKILLed mid-batch, and the broker down.

The bound guaranteed (DESIGN.md rule 7): every row is delivered; a row is handed to the SMTP
server a second time only if a worker was killed while sending it, so at most one duplicate
per pool process killed, and only for rows that were `sending` at the kill.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.services import notifications
from tests import factories
from tests.workers.mailbox import smtp_sink
from tests.workers.processes import (
    celery_worker,
    private_redis,
    redis_for_tests,
    wait_until,
    worker_env,
)
from workers.celery_app import init_celery

pytestmark = pytest.mark.slow
CONCURRENCY = 2


def queue(count: int) -> list[int]:
    ids = []
    for holder in [factories.learner() for _ in range(count)]:
        notification = notifications.enqueue(db.session, kind="renewal_reminder", recipient=holder,
                                             event_key=f"fault:{holder.id}",
                                             certificate_id=factories.CertificateFactory(
                                                 holder=holder).id, reminder_window=30)
        db.session.commit()
        ids.append(notification.id)
    return ids


def rows_by_status() -> dict[str, set[int]]:
    db.session.expire_all()
    found: dict[str, set[int]] = {}
    for notification_id, status in db.session.execute(select(Notification.id, Notification.status)):
        found.setdefault(status, set()).add(notification_id)
    return found


def test_a_worker_killed_mid_batch_leaves_nothing_undelivered_and_at_most_its_sends_twice(
        app, tmp_path):
    redis_url = redis_for_tests()
    with smtp_sink(delay=0.15) as sink:  # slow enough that the kill lands mid-batch
        env = worker_env(app, tmp_path, REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
                         MAIL_PORT=sink.port, OUTBOX_LEASE_SECONDS=2, OUTBOX_PASS_SECONDS=1)
        init_celery(app, broker_url=redis_url)
        with celery_worker(env, tmp_path / "first.log", concurrency=CONCURRENCY) as worker:
            ids = queue(20)
            sink.wait_for(5, timeout=20)
            worker.kill()
        at_kill = rows_by_status()
        in_flight = at_kill.get("sending", set())
        assert len(at_kill.get("sent", ())) < 20, "the kill came too late to test anything"

        with celery_worker(env, tmp_path / "second.log", concurrency=CONCURRENCY, beat=True):
            wait_until(lambda: rows_by_status().get("sent") == set(ids), 40,
                       "every row sent after the restart")
            time.sleep(1.5)  # one more outbox pass: nothing may be sent again
        delivered = Counter(sink.notification_ids())

    assert set(delivered) == set(ids)
    twice = {notification_id for notification_id, times in delivered.items() if times > 1}
    assert max(delivered.values()) <= 2
    assert twice <= in_flight and len(in_flight) <= CONCURRENCY


def test_mail_written_while_the_broker_is_down_goes_out_once_it_is_back(app, sink, tmp_path):
    with private_redis() as (server, port):
        broker_url = f"redis://127.0.0.1:{port}/0"
        init_celery(app, broker_url=broker_url)
        env = worker_env(app, tmp_path, REDIS_URL=broker_url, MAIL_SERVER="127.0.0.1",
                         MAIL_PORT=sink.port, OUTBOX_PASS_SECONDS=1)
        with celery_worker(env, tmp_path / "worker.log", beat=True):
            server.terminate()
            server.wait(10)

            started = time.monotonic()
            ids = queue(3)  # each commit tries to nudge the dead broker
            assert time.monotonic() - started < 15, "a broker outage must not hold up requests"
            time.sleep(2)  # the running worker cannot send them: nothing tells it they exist
            assert rows_by_status() == {"pending": set(ids)} and sink.messages == []

            with private_redis(port):  # the same broker comes back, empty: the nudges were lost
                sink.wait_for(3, timeout=40)
                wait_until(lambda: rows_by_status() == {"sent": set(ids)}, 10, "rows marked sent")

    assert sorted(sink.notification_ids()) == sorted(ids)
