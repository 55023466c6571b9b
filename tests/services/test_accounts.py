"""Accounts: registration, sign-in checks, password changes and resets, reminder opt-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Notification
from app.models.base import utcnow
from app.services import accounts
from app.services.accounts import passwords, tokens
from app.services.errors import Invalid
from tests import factories

SECRET = "test-secret-key"


def test_register_normalises_the_email_and_hashes_the_password(db):
    user = accounts.register(db.session, email="  Nora.Nurse@Example.TEST ", full_name=" Nora ",
                             password="long enough pw", job_title=" RN ", now=utcnow())
    assert user.email == "nora.nurse@example.test"
    assert user.full_name == "Nora" and user.job_title == "RN"
    assert user.has_role("learner") and not user.has_role("admin")
    assert user.password_hash.startswith("$argon2id$")
    assert passwords.verify_password(user.password_hash, "long enough pw")


@pytest.mark.parametrize("email", ["not-an-address", "a@", "@b.test", "a b@c.test"])
def test_register_refuses_a_malformed_email(db, email):
    with pytest.raises(Invalid) as refusal:
        accounts.register(db.session, email=email, full_name="X", password="long enough pw",
                          now=utcnow())
    assert "email" in refusal.value.fields


def test_register_refuses_a_short_password_and_mails_an_existing_emails_holder(db):
    with pytest.raises(Invalid):
        accounts.register(db.session, email="a@example.test", full_name="A", password="short",
                          now=utcnow())
    holder = factories.learner(email="taken@example.test")
    # Issue 14: no Conflict (the page must not tell); the holder is mailed instead.
    assert accounts.register(db.session, email="TAKEN@example.test", full_name="B",
                             password="long enough pw", now=utcnow()) is None
    mail = db.session.scalar(select(Notification).where(Notification.recipient_id == holder.id))
    assert mail.kind == "registration_attempt"


def test_authenticate_answers_none_for_wrong_password_unknown_or_inactive(db):
    user = factories.learner(email="ok@example.test")
    assert accounts.authenticate(db.session, "OK@example.test", factories.DEFAULT_PASSWORD) == user
    assert accounts.authenticate(db.session, "ok@example.test", "wrong password") is None
    assert accounts.authenticate(db.session, "ghost@example.test", "whatever") is None
    user.active = False
    db.session.commit()
    assert accounts.authenticate(db.session, "ok@example.test", factories.DEFAULT_PASSWORD) is None


def test_change_password_needs_the_current_one(db):
    user = factories.learner()
    with pytest.raises(Invalid):
        accounts.change_password(db.session, user, "not it at all", "a brand new one", utcnow())
    accounts.change_password(db.session, user, factories.DEFAULT_PASSWORD, "a brand new one",
                             utcnow())
    assert accounts.authenticate(db.session, user.email, "a brand new one") == user


def reset_mail(db):
    return db.session.scalar(select(Notification).where(Notification.kind == "password_reset"))


def test_reset_request_mails_a_link_through_the_outbox(db):
    user = factories.learner(email="forgot@example.test")
    accounts.request_password_reset(db.session, "Forgot@Example.test", utcnow(), SECRET)
    mail = reset_mail(db)
    assert mail.recipient_id == user.id and mail.status == "pending"
    assert mail.context["reset_path"].startswith("/reset-password/")


def test_reset_request_for_an_unknown_address_sends_nothing(db):
    accounts.request_password_reset(db.session, "nobody@example.test", utcnow(), SECRET)
    accounts.request_password_reset(db.session, "not an address", utcnow(), SECRET)
    assert reset_mail(db) is None


def test_a_reset_link_works_once(db):
    user = factories.learner()
    now = utcnow()
    token = accounts.password_reset_token(user, now, SECRET)
    accounts.reset_password(db.session, token, "my new password", now + timedelta(minutes=5),
                            SECRET)
    assert accounts.authenticate(db.session, user.email, "my new password") == user
    with pytest.raises(Invalid):
        accounts.reset_password(db.session, token, "another password", now, SECRET)


def test_a_reset_link_expires_and_a_forged_one_fails(db):
    user = factories.learner()
    now = utcnow()
    token = accounts.password_reset_token(user, now, SECRET)
    with pytest.raises(Invalid):
        accounts.user_for_reset_token(db.session, token, now + timedelta(minutes=61), SECRET)
    with pytest.raises(Invalid):
        accounts.user_for_reset_token(db.session, token, now, "another secret")
    with pytest.raises(Invalid):
        accounts.user_for_reset_token(db.session, token[:-2] + "xx", now, SECRET)
    assert accounts.user_for_reset_token(db.session, token, now + timedelta(minutes=59),
                                         SECRET) == user


def test_reminder_opt_out_is_saved(db):
    user = factories.learner()
    accounts.set_reminder_opt_out(db.session, user, True)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).reminders_opt_out is True


def test_end_sessions_raises_the_epoch_and_revokes_every_token_but_the_kept_one(db):
    user = factories.learner()
    now = utcnow()
    kept, _ = tokens.issue_token(db.session, user.email, factories.DEFAULT_PASSWORD, now, 30)
    other, _ = tokens.issue_token(db.session, user.email, factories.DEFAULT_PASSWORD, now, 30)
    old_id = user.get_id()
    accounts.end_sessions(db.session, user, now, keep_token=kept)
    db.session.commit()
    assert user.get_id() != old_id
    assert tokens.user_for_token(db.session, kept, now) == user
    assert tokens.user_for_token(db.session, other, now) is None


def test_every_password_change_ends_the_users_sessions(db):
    user = factories.learner()
    now = utcnow()
    epochs = [user.session_epoch]
    accounts.change_password(db.session, user, factories.DEFAULT_PASSWORD, "a brand new one", now)
    epochs.append(user.session_epoch)
    token = accounts.password_reset_token(user, now, SECRET)
    accounts.reset_password(db.session, token, "another new one", now, SECRET)
    epochs.append(user.session_epoch)
    accounts.set_password(db.session, user.email, "a third new one", now)
    epochs.append(user.session_epoch)
    accounts.sign_out_everywhere(db.session, user, now)
    epochs.append(user.session_epoch)
    assert epochs == sorted(set(epochs))  # raised every time


def test_a_short_new_password_is_refused_on_its_field_and_ends_nothing(db):
    user = factories.learner()
    with pytest.raises(Invalid) as refusal:
        accounts.set_password(db.session, user.email, "short", utcnow())
    assert "new_password" in refusal.value.fields
    assert db.session.get(type(user), user.id).session_epoch == 0
