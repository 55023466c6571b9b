"""Accounts on the web: register, sign in (remember me, safe `next`), sign out, CSRF,
password reset through the outbox, password change, and login throttling."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from app.extensions import db as _db
from app.models import Notification, User
from tests import factories
from tests.support import services

PASSWORD = factories.DEFAULT_PASSWORD


def signed_in_user_id(client):
    with client.session_transaction() as cookie_session:
        return cookie_session.get("_user_id")


def test_register_creates_a_learner_who_then_signs_in(client, db):
    response = client.post("/register?next=/sessions/5", data={
        "full_name": "Nora Nurse", "email": "Nora@Example.test", "job_title": "RN",
        "password": "long enough pw", "confirm": "long enough pw"})
    assert response.status_code == 302 and response.location == "/login?next=/sessions/5"
    user = db.session.scalar(select(User).where(User.email == "nora@example.test"))
    assert user.has_role("learner") and user.job_title == "RN"
    assert [mail.kind for mail in user_mail(db, user)] == ["account_created"]
    signed = client.post("/login?next=/sessions/5", data={
        "email": "nora@example.test", "password": "long enough pw", "next": "/sessions/5"})
    assert signed.location == "/sessions/5" and signed_in_user_id(client) == user.get_id()


def user_mail(db, user):
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == user.id)))


def test_registering_with_an_existing_email_reveals_nothing_and_mails_the_holder(client, db):
    holder = factories.learner(email="taken@example.test")
    data = {"full_name": "T", "password": "long enough pw", "confirm": "long enough pw"}
    taken = client.post("/register", data={**data, "email": "Taken@example.test"},
                        follow_redirects=True)
    fresh = client.post("/register", data={**data, "email": "new@example.test"},
                        follow_redirects=True)
    assert taken.status_code == fresh.status_code == 200
    assert taken.get_data(as_text=True) == fresh.get_data(as_text=True)
    assert "Check your mail" in taken.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    [attempt] = user_mail(db, holder)
    assert attempt.kind == "registration_attempt"
    client.post("/register", data={**data, "email": "taken@example.test"})
    assert len(user_mail(db, holder)) == 1  # coalesced: one such mail an hour


def test_register_shows_field_errors_not_a_500(client, db):
    response = client.post("/register", data={"full_name": "", "email": "nope",
                                               "password": "short", "confirm": "other"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Your name is needed." in html and "at least 10 characters" in html
    assert "does not look like an e-mail address" in html


def test_login_goes_to_a_local_next_only(client, db):
    user = factories.learner(email="ok@example.test")
    good = client.post("/login", data={"email": "OK@example.test", "password": PASSWORD,
                                       "next": "/sessions/3"})
    assert good.status_code == 302 and good.location == "/sessions/3"
    assert signed_in_user_id(client) == user.get_id()
    for evil in ("https://evil.test/", "//evil.test/x", "/\\evil.test", "javascript:alert(1)"):
        response = client.post("/login", data={"email": "ok@example.test", "password": PASSWORD,
                                               "next": evil})
        assert response.location == "/me", evil


def test_wrong_password_and_unknown_email_get_the_same_answer(client, db):
    factories.learner(email="real@example.test")
    wrong = client.post("/login", data={"email": "real@example.test", "password": "bad bad bad"})
    unknown = client.post("/login", data={"email": "ghost@example.test", "password": "bad bad"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_remember_me_sets_a_lasting_http_only_cookie(client, db):
    factories.learner(email="stay@example.test")
    response = client.post("/login", data={"email": "stay@example.test", "password": PASSWORD,
                                           "remember": "y"})
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "remember_token=" in cookies and "HttpOnly" in cookies
    assert "SameSite=Lax" in cookies
    plain = factories.learner(email="once@example.test")
    other = client.application.test_client()
    response = other.post("/login", data={"email": plain.email, "password": PASSWORD})
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_logout_signs_out(client, login, db):
    login(factories.learner())
    response = client.post("/logout")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_production_cookies_are_secure(app_factory):
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    app = app_factory()
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_forms_refuse_a_post_without_its_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.learner(email="csrf@example.test")
        client = app.test_client()
        refused = client.post("/login", data={"email": "csrf@example.test", "password": PASSWORD})
        assert refused.status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = client.post("/login", data={"email": "csrf@example.test",
                                               "password": PASSWORD, "csrf_token": token})
        assert accepted.status_code == 302
        assert client.post("/logout").status_code == 400  # the sign-out form carries a token
        _db.session.remove()


def reset_path(db):
    db.session.expire_all()
    mail = db.session.scalar(select(Notification).where(Notification.kind == "password_reset"))
    return mail.context["reset_path"] if mail else None


def test_password_reset_by_mailed_link_works_once(client, db):
    user = factories.learner(email="forgetful@example.test")
    response = client.post("/forgot-password", data={"email": "forgetful@example.test"})
    assert response.status_code == 302
    path = reset_path(db)
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": "fresh password", "confirm": "fresh password"})
    assert done.status_code == 302
    signed = client.post("/login", data={"email": user.email, "password": "fresh password"})
    assert signed.status_code == 302
    reused = client.post(path, data={"password": "another one!", "confirm": "another one!"})
    assert reused.status_code == 404 and "already used" in reused.get_data(as_text=True)


def test_reset_request_looks_the_same_for_unknown_addresses(client, db):
    factories.learner(email="known@example.test")
    known = client.post("/forgot-password", data={"email": "known@example.test"},
                        follow_redirects=True)
    unknown = client.post("/forgot-password", data={"email": "unknown@example.test"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "If an account uses that address" in unknown.get_data(as_text=True)
    assert client.get("/reset-password/garbage").status_code == 404


def test_change_password_needs_the_current_one(client, login, db):
    user = factories.learner()
    login(user)
    wrong = client.post("/account/password", data={
        "current_password": "not mine at all", "password": "new password!",
        "confirm": "new password!"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    right = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "new password!", "confirm": "new password!"})
    assert right.status_code == 302


def test_failed_logins_are_throttled_per_account_with_a_clear_message(rate_limited):
    app = rate_limited(RATELIMIT_LOGIN="3 per 15 minutes")
    with factories.within(app):
        user = factories.learner(email="target@example.test")
        client = app.test_client()
        for _ in range(3):
            assert client.post("/login", data={"email": user.email,
                                               "password": "guess guess"}).status_code == 401
        blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert blocked.status_code == 429
        assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
        assert int(blocked.headers["Retry-After"]) > 0


def test_failed_logins_are_throttled_per_address_across_accounts(rate_limited):
    # The per-address budget is ten times the per-account one (API-2 §1).
    app = rate_limited(RATELIMIT_LOGIN="3 per 15 minutes")
    with factories.within(app):
        user = factories.learner(email="victim@example.test")
        client = app.test_client()
        for n in range(30):
            client.post("/login", data={"email": f"spray{n}@example.test", "password": "x"})
        assert client.post("/login", data={"email": user.email,
                                           "password": PASSWORD}).status_code == 429
        elsewhere = app.test_client()
        ok = elsewhere.post("/login", data={"email": user.email, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert ok.status_code == 302


def test_successful_logins_are_never_throttled(rate_limited):
    app = rate_limited(RATELIMIT_LOGIN="2 per 15 minutes")
    with factories.within(app):
        user = factories.learner(email="regular@example.test")
        client = app.test_client()
        for _ in range(5):
            assert client.post("/login", data={"email": user.email,
                                               "password": PASSWORD}).status_code == 302


def test_throttle_counts_in_redis_when_configured(rate_limited):
    url = services.redis_url()
    if url is None:
        services.unavailable("Redis")
    storage = url.rsplit("/", 1)[0] + "/5"
    app = rate_limited(RATELIMIT_LOGIN="2 per 15 minutes", RATELIMIT_STORAGE_URI=storage)
    with factories.within(app):
        email = f"redis-{uuid.uuid4().hex}@example.test"
        address = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.1.{uuid.uuid4().int % 250}"}
        client = app.test_client()
        codes = [client.post("/login", data={"email": email, "password": "nope"},
                             environ_base=address).status_code for _ in range(3)]
        assert codes == [401, 401, 429]


def test_a_counter_store_outage_refuses_sign_in_with_a_clear_503(rate_limited):
    # Issue 14: an unthrottled sign-in during an outage is a free brute-force window.
    app = rate_limited(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                       RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=False)
    with factories.within(app):
        user = factories.learner(email="outage@example.test")
        client = app.test_client()
        refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert refused.status_code == 503
        assert "Sign-in is unavailable for a moment" in refused.get_data(as_text=True)
