"""Sessions that end (issue 14, item 1): a password change, a reset, sign-out-everywhere, a
deactivation and a reactivation end every browser session, remember-me cookie and API token
made before; signing in starts a new session; staff changes ask for a recent password."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db as _db
from app.models import User
from app.models.base import utcnow
from app.services import accounts
from tests import factories
from tests.support.login import log_in

PASSWORD = factories.DEFAULT_PASSWORD
NEW_PASSWORD = "a much newer password"


def signed_in(client) -> bool:
    """Whether the client's cookies still sign it in (a learner page answers 200)."""
    return client.get("/me").status_code == 200


def remembered_browser(app, user):
    """A browser holding only a remember-me cookie for `user` (its session cookie is gone)."""
    return log_in(app.test_client(), user, fresh=False)


def test_a_password_change_on_the_page_ends_old_remember_me_cookies(app, client, login, db):
    learner = factories.learner()
    other_device = remembered_browser(app, learner)
    assert signed_in(other_device)
    other_device.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    login(learner).post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not signed_in(other_device)
    assert signed_in(client)  # the browser that made the change stays signed in


def test_a_password_change_on_the_page_ends_old_api_tokens(client, login, api_token, db):
    learner = factories.learner()
    token = api_token(learner)
    assert client.get("/api/v1/me/enrollments", headers=token).status_code == 200
    login(learner).post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/api/v1/me/enrollments", headers=token).status_code == 401


def test_a_reset_through_the_link_ends_an_open_browser_session(app, client, login, db):
    learner = factories.learner()
    login(learner)
    assert signed_in(client)
    token = accounts.password_reset_token(learner, utcnow(), app.config["SECRET_KEY"])
    other = app.test_client()
    answer = other.post(f"/reset-password/{token}",
                        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert answer.status_code == 302
    assert not signed_in(client)


def test_deactivating_and_reactivating_never_revives_an_old_cookie(app, client, login, db):
    learner = factories.learner()
    old_browser = remembered_browser(app, learner)
    assert signed_in(old_browser)
    old_browser.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    admin_browser = log_in(app.test_client(), factories.admin())
    admin_browser.post(f"/admin/users/{learner.id}/active", data={"confirmed": "1"})  # deactivate
    admin_browser.post(f"/admin/users/{learner.id}/active")  # reactivate
    db.session.expire_all()
    assert db.session.get(User, learner.id).active
    assert not signed_in(old_browser)
    assert signed_in(log_in(app.test_client(), learner))  # a new sign-in works


def test_sign_out_everywhere_ends_every_session_and_token(app, client, login, api_token, db):
    learner = factories.learner()
    other_device = remembered_browser(app, learner)
    token = api_token(learner)
    login(learner)
    assert b"Sign out everywhere" in client.get("/me").data
    answer = client.post("/account/sign-out-everywhere")
    assert answer.status_code == 302
    assert not signed_in(client)
    assert not signed_in(other_device)
    assert client.get("/api/v1/me", headers=token).status_code == 401


def test_sign_out_everywhere_needs_its_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        learner = factories.learner()
        browser = log_in(app.test_client(), learner)
        assert browser.post("/account/sign-out-everywhere").status_code == 400
        assert signed_in(browser)


def test_logout_ends_the_session_and_its_remember_me_cookie(app, db):
    learner = factories.learner()
    browser = remembered_browser(app, learner)
    assert signed_in(browser)
    answer = browser.post("/logout")
    assert "remember_token=;" in " ".join(answer.headers.getlist("Set-Cookie"))
    assert not signed_in(browser)


def test_signing_in_starts_a_new_session(client, db):
    learner = factories.learner()
    with client.session_transaction() as cookie_session:
        cookie_session["left_by_the_anonymous_visitor"] = "x"
    answer = client.post("/login", data={"email": learner.email, "password": PASSWORD,
                                         "next": "/sessions/1"})
    assert answer.headers["Location"].endswith("/sessions/1")  # `next` still works
    with client.session_transaction() as cookie_session:
        assert "left_by_the_anonymous_visitor" not in cookie_session
        assert cookie_session["_user_id"] == learner.get_id()


def test_remember_days_sets_the_remember_me_cookie_lifetime(app_factory):
    app = app_factory(REMEMBER_DAYS=3)
    with app.app_context():
        learner = factories.learner()
        answer = app.test_client().post("/login", data={
            "email": learner.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    lasts = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC) - utcnow()
    assert timedelta(days=3) - timedelta(minutes=5) < lasts <= timedelta(days=3)


def test_remember_days_defaults_to_two_weeks(app):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)


def password_entered_minutes_ago(client, minutes: int) -> None:
    with client.session_transaction() as cookie_session:
        cookie_session["password_entered_at"] = int(utcnow().timestamp()) - minutes * 60


def test_a_role_change_long_after_the_password_asks_for_it_again(client, login, db):
    learner = factories.learner()
    login(factories.admin())
    password_entered_minutes_ago(client, 31)
    page = f"/admin/users/{learner.id}"
    answer = client.post(f"{page}/roles", data={"roles": ["instructor"]},
                         headers={"Referer": f"http://localhost{page}"})
    assert answer.status_code == 302 and "/account/confirm-password" in answer.headers["Location"]
    _db.session.expire_all()
    assert _db.session.get(User, learner.id).roles == {"learner"}
    confirm = client.get(answer.headers["Location"])
    assert b"Confirm your password" in confirm.data
    wrong = client.post(answer.headers["Location"], data={"password": "not my password"})
    assert wrong.status_code == 401
    back = client.post(answer.headers["Location"], data={"password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"].endswith(page)
    client.post(f"{page}/roles", data={"roles": ["instructor"]})
    _db.session.expire_all()
    assert _db.session.get(User, learner.id).roles == {"instructor"}


def test_a_role_change_within_half_an_hour_needs_no_password(client, login, db):
    learner = factories.learner()
    login(factories.admin())
    password_entered_minutes_ago(client, 29)
    client.post(f"/admin/users/{learner.id}/roles", data={"roles": ["instructor"]})
    _db.session.expire_all()
    assert _db.session.get(User, learner.id).roles == {"instructor"}


def test_a_remembered_admin_confirms_the_password_before_revoking(app, db):
    certificate = factories.CertificateFactory()
    browser = log_in(app.test_client(), factories.admin(), fresh=False)
    for action, data in (("revoke", {"reason": "Fraud"}), ("reissue", {"holder_name": "A B"}),
                         ("external-card", {"issuer": "AHA", "external_id": "E-1"})):
        answer = browser.post(f"/admin/certificates/{certificate.id}/{action}", data=data)
        assert "/account/confirm-password" in answer.headers["Location"], action
    _db.session.expire_all()
    assert _db.session.get(type(certificate), certificate.id).revoked_at is None
