"""The outbox (DESIGN.md rule 7): one row per event, claimed before sending, sent once,
retried with back-off through `next_attempt_at`, taken over when a worker's lease runs out."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Certificate, Notification
from app.models.base import utcnow
from app.services import notifications
from app.services.notifications import delivery
from tests import factories
from tests.support.concurrency import run_together

POLICY = delivery.DeliveryPolicy(lease=timedelta(minutes=5), max_attempts=3,
                                 first_retry=timedelta(seconds=30))


class Outbox:
    """A backend that records what it was given, and can be told to fail."""

    def __init__(self, failures: int = 0):
        self.sent: list = []
        self.failures = failures

    def send(self, message) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("mail server down")
        self.sent.append(message)


@pytest.fixture
def config(app):
    return {**app.config, "OUTBOX_LEASE_SECONDS": 300, "OUTBOX_MAX_ATTEMPTS": 3,
            "OUTBOX_RETRY_SECONDS": 30}


def queue(count: int = 1, kind: str = "renewal_reminder") -> list[int]:
    ids = []
    for _ in range(count):
        certificate = factories.CertificateFactory(expires_on=factories.center_today() + timedelta(days=20))
        notification = notifications.enqueue(
            db.session, kind=kind, recipient=certificate.holder,
            event_key=f"test:{certificate.id}", certificate_id=certificate.id, reminder_window=30)
        db.session.commit()
        ids.append(notification.id)
    return ids


def row(notification_id: int) -> Notification:
    return db.session.get(Notification, notification_id, populate_existing=True)


def test_enqueue_writes_one_row_per_event_key(app):
    holder = factories.learner()
    first = notifications.enqueue(db.session, kind="password_reset", recipient=holder,
                                  event_key="password_reset:1")
    again = notifications.enqueue(db.session, kind="password_reset", recipient=holder,
                                  event_key="password_reset:1")
    db.session.commit()
    later = notifications.enqueue(db.session, kind="password_reset", recipient=holder,
                                  event_key="password_reset:1")
    assert first is not None and again is None and later is None
    assert len(db.session.scalars(select(Notification)).all()) == 1


def test_the_dispatcher_is_nudged_after_commit_and_never_after_rollback(app):
    nudged: list[int] = []
    app.extensions["outbox_nudge"] = nudged.append
    try:
        holder = factories.learner()
        notifications.enqueue(db.session, kind="password_reset", recipient=holder, event_key="a")
        db.session.flush()
        assert nudged == []
        db.session.rollback()
        notifications.enqueue(db.session, kind="password_reset", recipient=holder, event_key="b")
        db.session.commit()
    finally:
        del app.extensions["outbox_nudge"]
    assert nudged == [db.session.scalar(select(Notification.id).where(Notification.event_key == "b"))]


def test_delivery_sends_a_row_once_however_often_it_is_asked(app, config):
    (notification_id,) = queue()
    outbox = Outbox()

    assert delivery.deliver(db.session, notification_id, outbox, config, app.jinja_env) == "sent"
    assert delivery.deliver(db.session, notification_id, outbox, config, app.jinja_env) == "not_due"
    assert delivery.deliver_due(db.session, outbox, config, app.jinja_env) == 0

    sent = row(notification_id)
    assert len(outbox.sent) == 1 and outbox.sent[0]["X-Lifeline-Notification"] == str(notification_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert sent.sent_at is not None


def test_a_failed_send_backs_off_through_next_attempt_at_then_gives_up(app, config):
    (notification_id,) = queue()
    outbox = Outbox(failures=10)
    before = utcnow()

    assert delivery.deliver(db.session, notification_id, outbox, config, app.jinja_env) == "pending"
    first = row(notification_id)
    assert first.attempts == 1 and "mail server down" in first.last_error
    assert timedelta(seconds=29) < first.next_attempt_at - before < timedelta(seconds=40)
    assert delivery.deliver_due(db.session, outbox, config, app.jinja_env) == 0  # not due yet

    delays = []
    for _ in range(2):
        db.session.execute(update(Notification).values(next_attempt_at=utcnow()))
        db.session.commit()
        moment = utcnow()
        delivery.deliver_due(db.session, outbox, config, app.jinja_env)
        delays.append(row(notification_id).next_attempt_at - moment)
    failed = row(notification_id)
    assert (failed.status, failed.attempts, outbox.sent) == ("failed", 3, [])
    assert timedelta(seconds=59) < delays[0] < timedelta(seconds=70)


def test_the_retry_delay_doubles_and_is_capped():
    assert [POLICY.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert POLICY.retry_delay(30) == timedelta(hours=6)


def test_a_row_left_sending_is_taken_over_only_after_the_lease(app, config):
    (notification_id,) = queue()
    claimed = delivery.claim(db.session, utcnow(), POLICY, notification_id=notification_id)
    assert [held.notification_id for held in claimed] == [notification_id]  # ... then it died

    outbox = Outbox()
    assert delivery.deliver_due(db.session, outbox, config, app.jinja_env) == 0
    db.session.execute(update(Notification).values(claimed_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    assert delivery.deliver_due(db.session, outbox, config, app.jinja_env) == 1
    assert len(outbox.sent) == 1 and row(notification_id).status == "sent"
    assert row(notification_id).attempts == 2


def test_the_periodic_pass_sends_due_rows_and_leaves_future_ones(app, config):
    due = queue(3)
    (later,) = queue(1)
    db.session.execute(update(Notification).where(Notification.id == later)
                       .values(next_attempt_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    outbox = Outbox()

    assert delivery.deliver_due(db.session, outbox, config, app.jinja_env, batch_size=2) == 2
    assert delivery.deliver_due(db.session, outbox, config, app.jinja_env, batch_size=2) == 1
    assert sorted(int(m["X-Lifeline-Notification"]) for m in outbox.sent) == due
    assert row(later).status == "pending"


def test_a_reminder_is_skipped_when_the_holder_opted_out_after_it_was_queued(app, config):
    (notification_id,) = queue()
    row(notification_id).recipient.reminders_opt_out = True
    db.session.commit()
    outbox = Outbox()

    assert delivery.deliver(db.session, notification_id, outbox, config, app.jinja_env) == "skipped"
    assert outbox.sent == [] and "opted_out" in row(notification_id).last_error


def test_concurrent_claimers_never_take_the_same_row(any_db_app):
    ids = set(queue(40))
    engine = db.engine
    start = threading.Barrier(4)
    taken: list[list[int]] = []

    def claimer():
        mine: list[int] = []
        with Session(engine) as session:
            start.wait()
            while claimed := delivery.claim(session, utcnow(), POLICY, limit=3):
                mine += [held.notification_id for held in claimed]
        taken.append(mine)

    run_together(claimer, 4)

    every = [notification_id for mine in taken for notification_id in mine]
    assert len(taken) == 4 and sorted(every) == sorted(ids)  # each row exactly once


def test_a_reminder_delayed_past_the_expiry_date_is_skipped_not_sent(app, config):
    (notification_id,) = queue()
    certificate = db.session.get(Certificate, row(notification_id).certificate_id)
    certificate.expires_on = factories.center_today() - timedelta(days=2)
    db.session.commit()
    outbox = Outbox()

    assert delivery.deliver(db.session, notification_id, outbox, config, app.jinja_env) == "skipped"
    assert outbox.sent == [] and "expired" in row(notification_id).last_error
