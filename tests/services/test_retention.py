"""Retention: settled outbox rows and verification look-ups past their keep period are deleted;
newer ones, unsettled mail and every audit event stay; a sent reset mail keeps no link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.models import AuditEvent, Notification, VerificationLog
from app.models.base import utcnow
from app.services import audit, notifications, retention
from app.services.notifications import delivery
from tests import factories


def outbox_row(db, status: str, age_days: int) -> int:
    holder = factories.learner()
    notification = notifications.enqueue(db.session, kind="enrollment_confirmed", recipient=holder,
                                          event_key=f"r:{holder.id}")
    notification.status = status
    notification.created_at = utcnow() - timedelta(days=age_days)
    db.session.commit()
    return notification.id


def log_row(db, age_days: int) -> int:
    entry = VerificationLog(created_at=utcnow() - timedelta(days=age_days), code_queried="X",
                            outcome="not_found", channel="web")
    db.session.add(entry)
    db.session.commit()
    return entry.id


def test_old_settled_rows_go_and_new_ones_pending_ones_and_audit_events_stay(db):
    old = [outbox_row(db, status, 91) for status in ("sent", "skipped", "failed")]
    kept = [outbox_row(db, "sent", 89), outbox_row(db, "pending", 400),
            outbox_row(db, "sending", 400)]
    old_log, new_log = log_row(db, 366), log_row(db, 364)
    audit.record(db.session, None, "certificate_revoked", "certificate", 1, reason="x")
    db.session.commit()
    db.session.execute(AuditEvent.__table__.update().values(created_at=utcnow() - timedelta(days=3650)))
    db.session.commit()

    summary = retention.forget_old_rows(db.session, utcnow(), outbox_keep_days=90,
                                        verification_log_days=365)

    assert (summary.notifications_deleted, summary.verifications_deleted) == (3, 1)
    remaining = set(db.session.scalars(select(Notification.id)))
    assert remaining == set(kept) and not remaining & set(old)
    assert set(db.session.scalars(select(VerificationLog.id))) == {new_log} != {old_log}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1
    again = retention.forget_old_rows(db.session, utcnow(), outbox_keep_days=90,
                                      verification_log_days=365)
    assert (again.notifications_deleted, again.verifications_deleted) == (0, 0)


def test_a_sent_password_reset_keeps_no_link(db, app):
    from app.services import accounts

    user = factories.learner()
    accounts.request_password_reset(db.session, user.email, utcnow(), app.config["SECRET_KEY"])
    notification_id = db.session.scalar(select(Notification.id)
                                        .where(Notification.kind == "password_reset"))

    class Outbox:
        sent: list = []

        def send(self, message):
            self.sent.append(message)

    backend = Outbox()
    assert delivery.deliver(db.session, notification_id, backend, app.config, app.jinja_env) == "sent"
    assert "/reset-password/" in backend.sent[0].get_body(("plain",)).get_content()
    db.session.expire_all()
    stored = db.session.get(Notification, notification_id)
    assert "reset_path" not in stored.context and "reset-password" not in str(stored.context)


def test_the_beat_runs_the_retention_sweep_daily(app):
    from workers.celery_app import beat_schedule

    entry = beat_schedule(app.config)["retention"]
    assert entry["task"] == "workers.tasks.forget_old_rows"
