"""The outbox against a real SMTP server: two workers sharing a slow server send each message
once; the server's permanent refusal fails a row at once, a temporary one retries; a name that
would break the To header never stops a mail."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import notifications
from app.services.notifications import delivery, mail
from tests import factories
from tests.support.concurrency import run_together
from tests.workers.mailbox import smtp_sink


def queue(count: int, **holder_fields) -> list[int]:
    ids = []
    for _ in range(count):
        holder = factories.learner(**holder_fields)
        certificate = factories.CertificateFactory(holder=holder,
                                                   expires_on=factories.center_today() + timedelta(days=20))
        notification = notifications.enqueue(
            db.session, kind="renewal_reminder", recipient=holder,
            event_key=f"smtp:{certificate.id}", certificate_id=certificate.id, reminder_window=30)
        db.session.commit()
        ids.append(notification.id)
    return ids


def row(notification_id: int) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, notification_id)


def smtp_config(app, sink, **settings) -> dict:
    return {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port,
            "MAIL_USE_TLS": False, "MAIL_USERNAME": "", "MAIL_PASSWORD": "", **settings}


def test_two_workers_sharing_a_slow_smtp_server_send_each_message_once(app):
    ids = queue(8)
    # Each message takes 0.4 s (0.8 s while the other worker's waits on the same server): a
    # batch of eight claimed at once would outlive the 2 s lease and be taken over mid-way.
    with smtp_sink(delay=0.4) as sink:
        config = smtp_config(app, sink, OUTBOX_LEASE_SECONDS=2)
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def worker():
            try:
                with app.app_context(), Session(db.engine) as session:
                    start.wait()
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline:
                        delivery.deliver_due(session, mail.backend_from_config(config), config,
                                             app.jinja_env)
                        done = session.scalar(select(Notification.id).where(
                            Notification.status != "sent").limit(1)) is None
                        if done:
                            break
                        time.sleep(0.2)
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)

        run_together(worker, 2)
        received = Counter(sink.notification_ids())

    assert errors == []
    assert received == Counter({notification_id: 1 for notification_id in ids})
    assert {row(notification_id).status for notification_id in ids} == {"sent"}


def test_a_permanent_refusal_fails_the_row_at_once_with_the_servers_answer(app):
    (notification_id,) = queue(1)
    with smtp_sink(reply="550 5.7.1 Message refused by policy") as sink:
        config = smtp_config(app, sink)
        outcome = delivery.deliver(db.session, notification_id, mail.backend_from_config(config),
                                   config, app.jinja_env)
    refused = row(notification_id)
    assert (outcome, refused.status, refused.attempts) == ("failed", "failed", 1)
    assert "550" in refused.last_error and "Message refused by policy" in refused.last_error
    assert refused.claim_token is None


def test_a_refused_recipient_fails_the_row_at_once(app):
    (notification_id,) = queue(1)
    with smtp_sink(rcpt_reply="550 5.1.1 No such mailbox here") as sink:
        config = smtp_config(app, sink)
        delivery.deliver(db.session, notification_id, mail.backend_from_config(config), config,
                         app.jinja_env)
    refused = row(notification_id)
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error and "No such mailbox here" in refused.last_error


def test_a_temporary_refusal_waits_and_retries(app):
    (notification_id,) = queue(1)
    before = utcnow()
    with smtp_sink(reply="451 4.3.0 Try again later") as sink:
        config = smtp_config(app, sink, OUTBOX_RETRY_SECONDS=30)
        outcome = delivery.deliver(db.session, notification_id, mail.backend_from_config(config),
                                   config, app.jinja_env)
    waiting = row(notification_id)
    assert (outcome, waiting.status, waiting.attempts) == ("pending", "pending", 1)
    assert "451" in waiting.last_error and "Try again later" in waiting.last_error
    assert timedelta(seconds=29) < waiting.next_attempt_at - before < timedelta(seconds=40)


def test_a_name_with_cr_lf_is_cleaned_and_the_mail_goes_out(app):
    (notification_id,) = queue(1, full_name="Eve Smith\r\nBcc: victim@example.org\x1b")
    with smtp_sink() as sink:
        config = smtp_config(app, sink)
        outcome = delivery.deliver(db.session, notification_id, mail.backend_from_config(config),
                                   config, app.jinja_env)
        [message] = sink.wait_for(1)
    assert outcome == "sent" and row(notification_id).status == "sent"
    assert message["To"].addresses[0].display_name == "Eve Smith Bcc: victim@example.org"
    assert message["Bcc"] is None


def test_a_worker_whose_claim_was_taken_over_records_nothing(app):
    (notification_id,) = queue(1)
    policy = delivery.DeliveryPolicy()
    [stale] = delivery.claim(db.session, utcnow(), policy, notification_id=notification_id)
    db.session.execute(update(Notification).values(claimed_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()  # the first worker stalled past its lease; a second one takes over
    [current] = delivery.claim(db.session, utcnow(), policy, notification_id=notification_id)
    assert stale.token != current.token

    class Recorder:
        sent: list = []

        def send(self, message):
            self.sent.append(message)

    backend = Recorder()
    assert delivery.send_claimed(db.session, stale, backend, app.config, app.jinja_env,
                                 policy) == "claim_lost"
    assert backend.sent == [] and row(notification_id).status == "sending"
    assert delivery.send_claimed(db.session, current, backend, app.config, app.jinja_env,
                                 policy) == "sent"
    assert len(backend.sent) == 1
