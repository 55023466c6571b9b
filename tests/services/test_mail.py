"""Composing outbox e-mails and the file and SMTP backends."""

from __future__ import annotations

import email
import smtplib
from dataclasses import replace
from datetime import timedelta
from email import policy

import pytest

from app.extensions import db
from app.models import Notification
from app.services import notifications
from app.services.notifications import kinds, mail
from tests import factories
from tests.workers.mailbox import fake_attachments, smtp_sink


def reminder_for(certificate, window: int = 30) -> Notification:
    notification = notifications.enqueue(
        db.session, kind="renewal_reminder", recipient=certificate.holder,
        event_key=f"renewal_reminder:{certificate.id}:{window}", subject=("certificate", certificate.id),
        certificate_id=certificate.id, reminder_window=window,
    )
    db.session.commit()
    return notification


@pytest.fixture
def certificate(app):
    holder = factories.learner(full_name="Rosa Parks-Lee", email="rosa@example.test")
    return factories.CertificateFactory(holder=holder,
                                        expires_on=factories.center_today() + timedelta(days=20),
                                        course__title="BLS Provider", course__family="bls")


def test_reminder_is_multipart_with_the_center_subject_and_one_click_unsubscribe(app, certificate):
    renewal = factories.ClassSessionFactory(course__family="bls", course__title="BLS Renewal",
                                            course__renewal=True)
    message = mail.compose(db.session, reminder_for(certificate), app.config, app.jinja_env)

    assert message["From"] == app.config["MAIL_FROM"]
    assert message["To"].addresses[0].addr_spec == "rosa@example.test"
    assert message["Subject"].startswith("Your BLS Provider certificate expires on ")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://lifeline.test/mail/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Rosa Parks-Lee" in text and certificate.code in text
    assert f"http://lifeline.test/sessions/{renewal.id}" in text
    assert f"http://lifeline.test/sessions/{renewal.id}" in html
    assert unsubscribe in html and "Lifeline Training Center" in html


def test_unsubscribe_token_round_trips_and_refuses_forgeries(app):
    token = mail.unsubscribe_token(42, app.config["SECRET_KEY"])
    assert mail.read_unsubscribe_token(token, app.config["SECRET_KEY"]) == 42
    assert mail.read_unsubscribe_token(token, "another-secret") is None
    assert mail.read_unsubscribe_token(token[:-2] + "xx", app.config["SECRET_KEY"]) is None
    assert mail.read_unsubscribe_token("garbage", app.config["SECRET_KEY"]) is None


def test_attachments_of_a_kind_come_from_its_builder(app, certificate, monkeypatch):
    reminder_kind = kinds.MAIL_KINDS["renewal_reminder"]
    monkeypatch.setitem(kinds.MAIL_KINDS, "renewal_reminder",
                        replace(reminder_kind, attachments=fake_attachments))
    message = mail.compose(db.session, reminder_for(certificate), app.config, app.jinja_env)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "note.txt"
    assert attachment.get_content() == "hello"


def test_file_backend_writes_one_eml_per_message(app, certificate, tmp_path):
    message = mail.compose(db.session, reminder_for(certificate), app.config, app.jinja_env)
    mail.FileBackend(tmp_path / "mail").send(message)
    (written,) = list((tmp_path / "mail").iterdir())
    assert written.suffix == ".eml"
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == message["Subject"]


def test_smtp_backend_hands_the_message_to_a_real_smtp_server(app, certificate):
    with smtp_sink() as sink:
        backend = mail.SmtpBackend("127.0.0.1", sink.port)
        backend.send(mail.compose(db.session, reminder_for(certificate), app.config, app.jinja_env))
        (received,) = sink.wait_for(1)
    assert received["To"] == "Rosa Parks-Lee <rosa@example.test>"
    assert received["X-Lifeline-Notification"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_backend_logs_in_when_a_user_name_is_configured(app, certificate):
    message = mail.compose(db.session, reminder_for(certificate), app.config, app.jinja_env)
    with smtp_sink(login=("lifeline", "s3cret")) as sink:
        with pytest.raises(smtplib.SMTPSenderRefused):  # the server demands a login
            mail.SmtpBackend("127.0.0.1", sink.port).send(message)
        mail.SmtpBackend("127.0.0.1", sink.port, username="lifeline", password="s3cret").send(message)
        assert len(sink.wait_for(1)) == 1


def test_backend_is_smtp_only_when_a_server_is_configured(app, tmp_path):
    assert isinstance(mail.backend_from_config({**app.config, "MAIL_SERVER": ""}), mail.FileBackend)
    smtp = mail.backend_from_config({**app.config, "MAIL_SERVER": "smtp.example.test",
                                     "MAIL_PORT": 587, "MAIL_USE_TLS": True})
    assert isinstance(smtp, mail.SmtpBackend) and smtp.use_tls and smtp.port == 587


def test_a_promoted_learner_also_gets_the_calendar_invite(app):
    from sqlalchemy import select

    from app.models.base import utcnow
    from app.services.enrollment import seats as enrollment_service
    from app.services.notifications import mail as mail_service

    class_session = factories.ClassSessionFactory(capacity=1)
    holder = factories.EnrollmentFactory(session=class_session)
    waiting = factories.learner()
    enrollment_service.enroll(db.session, waiting, class_session.id, utcnow())
    enrollment_service.cancel_enrollment(db.session, holder.learner, holder.id, utcnow())
    promoted = db.session.scalar(
        select(Notification).where(Notification.kind == "waitlist_promoted"))
    message = mail_service.compose(db.session, promoted, app.config, app.jinja_env)
    assert [part.get_filename() for part in message.iter_attachments()] == ["class.ics"]
