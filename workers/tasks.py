"""Celery tasks: thin — load what they need, call a service, let the service record the outcome.

Tasks carry ids only and are idempotent: a task run twice (a redelivery, a nudge racing the
periodic pass) sends nothing twice, because sending starts with claiming the outbox row.
"""

from __future__ import annotations

import logging

from celery import Celery, shared_task
from flask import current_app

from app.center import center_today
from app.extensions import db
from app.models.base import utcnow
from app.payment_edge import payment_provider
from app.services import blended, payments, reminders, retention
from app.services.notifications import delivery, mail
from app.services.schedule import authorisations

log = logging.getLogger(__name__)
OUTBOX_BATCH = 50


def nudge(celery: Celery, notification_id: int) -> None:
    """Ask a worker to deliver a committed row now; a broker outage only delays it."""
    try:
        celery.send_task("workers.tasks.deliver", (notification_id,))
    except Exception as error:  # noqa: BLE001 - the outbox pass sends the row later
        log.warning("broker unreachable, notification %s waits for the outbox pass: %s",
                    notification_id, error, extra={"notification_id": notification_id})


@shared_task(name="workers.tasks.deliver", ignore_result=True, acks_late=True)
def deliver(notification_id: int) -> str:
    """Send one outbox row (no-op when it is already sent or being sent)."""
    config = current_app.config
    return delivery.deliver(db.session, notification_id, mail.backend_from_config(config), config,
                            current_app.jinja_env)


@shared_task(name="workers.tasks.deliver_due", ignore_result=True, acks_late=True)
def deliver_due() -> int:
    """The periodic outbox pass: send due rows, retries and rows a dead worker left behind."""
    config = current_app.config
    sent = delivery.deliver_due(db.session, mail.backend_from_config(config), config,
                                current_app.jinja_env, batch_size=OUTBOX_BATCH)
    if sent == OUTBOX_BATCH:
        deliver_due.delay()  # more are waiting: keep draining without waiting for the beat
    return sent


@shared_task(name="workers.tasks.daily_reminders", ignore_result=True)
def daily_reminders() -> None:
    """The daily sweep of renewal reminders (beat runs it each morning, center time)."""
    config = current_app.config
    today = center_today()
    summary = reminders.sweep(db.session, today, config["REMINDER_WINDOWS"],
                              config["CENTER_TIMEZONE"])
    log.info("renewal reminders for %s: %s", today, "; ".join(summary.lines()))
    lapsing = authorisations.queue_lapse_reminders(db.session, today)
    log.info("instructor authorisation reminders for %s: queued %s", today, lapsing)
    deliver_due.delay()


@shared_task(name="workers.tasks.class_operations", ignore_result=True, acks_late=True)
def class_operations() -> None:
    """The class sweep (beat runs it every CLASS_SWEEP_SECONDS): class reminders, rosters,
    low-enrollment alerts and low keycode banks, each mail once ever."""
    config, now = current_app.config, utcnow()
    settings = reminders.ClassSweepSettings.from_config(config)
    queued = reminders.sweep_classes(db.session, now, settings, config["CENTER_TIMEZONE"])
    banks = blended.alert_low_banks(db.session, now, low_mark=config["KEYCODES_LOW"])
    log.info("class sweep: %s; keycode banks running low: %s", dict(queued), banks)


@shared_task(name="workers.tasks.forget_old_rows", ignore_result=True)
def forget_old_rows() -> None:
    """The daily retention sweep (beat runs it each night): settled mail and old look-ups go."""
    config = current_app.config
    summary = retention.forget_old_rows(db.session, utcnow(),
                                        outbox_keep_days=config["OUTBOX_KEEP_DAYS"],
                                        verification_log_days=config["VERIFICATION_LOG_DAYS"])
    log.info("retention: %s", "; ".join(summary.lines()))


@shared_task(name="workers.tasks.release_lapsed_holds", ignore_result=True)
def release_lapsed_holds() -> None:
    """The payment sweep (beat runs it each minute): lapsed holds go back to the waitlist, and
    refunds still owed at the provider are made."""
    released, refunded = payments.sweep(db.session, payment_provider(), utcnow())
    if released or refunded:
        log.info("payments: released %s lapsed holds, made %s refunds", released, refunded)
