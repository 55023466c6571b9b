"""Issue 14: rate limits and the login throttle that hold — the real client address behind
trusted proxies, IPv6 by /64, per-(account, address) login failures, atomic counting, and a
limit store that fails closed for sign-in but not for public look-ups."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import select

from app import login_throttle
from app.client_address import rate_limit_key
from app.extensions import db as _db
from app.models import Notification
from tests import factories
from tests.support import services
from tests.support.concurrency import run_together
from tests.workers.processes import private_redis

PASSWORD = factories.DEFAULT_PASSWORD


def fail_logins(client, email: str, times: int, **environ) -> list[int]:
    return [client.post("/login", data={"email": email, "password": "wrong guess"},
                        environ_base=environ).status_code for _ in range(times)]


def test_one_accounts_failures_never_lock_another_account_out_from_that_address(rate_limited):
    app = rate_limited(RATELIMIT_LOGIN="3 per 15 minutes")
    with factories.within(app):
        factories.learner(email="a@example.test")
        other = factories.learner(email="b@example.test")
        client = app.test_client()
        assert fail_logins(client, "a@example.test", 4) == [401, 401, 401, 429]
        assert client.post("/login", data={"email": other.email,
                                           "password": PASSWORD}).status_code == 302
        token = client.post("/api/v1/tokens", json={"email": other.email, "password": PASSWORD})
        assert token.status_code == 201
        refused = client.post("/api/v1/tokens", json={"email": "a@example.test",
                                                      "password": PASSWORD})
        assert refused.status_code == 429 and refused.get_json()["error"] == "rate_limited"


def test_a_reset_mail_can_be_asked_for_and_a_reset_clears_the_accounts_lock(rate_limited):
    app = rate_limited(RATELIMIT_LOGIN="2 per 15 minutes")
    with factories.within(app):
        holder = factories.learner(email="locked@example.test")
        client = app.test_client()
        fail_logins(client, holder.email, 3)
        assert client.post("/login", data={"email": holder.email,
                                           "password": PASSWORD}).status_code == 429
        assert client.post("/forgot-password", data={"email": holder.email}).status_code == 302
        mail = _db.session.scalar(select(Notification).where(Notification.kind == "password_reset"))
        path = mail.context["reset_path"]
        done = client.post(path, data={"password": "a fresh password", "confirm": "a fresh password"})
        assert done.status_code == 302
        assert client.post("/login", data={"email": holder.email,
                                           "password": "a fresh password"}).status_code == 302


@pytest.mark.parametrize("hops, shared", [(0, True), (1, False)])
def test_forwarded_for_counts_only_behind_trusted_proxies(rate_limited, hops, shared):
    app = rate_limited(RATELIMIT_PUBLIC="2 per minute", TRUSTED_PROXIES=hops)
    client = app.test_client()
    answers = [client.get("/api/v1/certificates/UNKNOWN",
                          headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
               for n in range(3)]
    assert answers == ([404, 404, 429] if shared else [404, 404, 404])


def test_a_proxy_cannot_be_bypassed_by_a_forged_leftmost_forwarded_for(rate_limited):
    app = rate_limited(RATELIMIT_PUBLIC="2 per minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    # The one trusted proxy appends the real peer; the client's own entries are ignored.
    answers = [client.get("/api/v1/certificates/UNKNOWN",
                          headers={"X-Forwarded-For": f"10.9.9.{n}, 198.51.100.7"}).status_code
               for n in range(3)]
    assert answers == [404, 404, 429]


def test_two_ipv6_addresses_in_one_slash_64_share_a_budget(rate_limited):
    assert rate_limit_key("2001:db8:1:2::1") == rate_limit_key("2001:db8:1:2:ffff::9")
    assert rate_limit_key("2001:db8:1:2::1") != rate_limit_key("2001:db8:1:3::1")
    assert rate_limit_key("::ffff:192.0.2.4") == rate_limit_key("192.0.2.4") == "192.0.2.4"
    app = rate_limited(RATELIMIT_PUBLIC="2 per minute")
    client = app.test_client()
    answers = [client.get("/api/v1/certificates/UNKNOWN",
                          environ_base={"REMOTE_ADDR": address}).status_code
               for address in ("2001:db8:1:2::1", "2001:db8:1:2:aaaa::2", "2001:db8:1:2::3",
                               "2001:db8:1:3::1")]
    assert answers == [404, 404, 429, 404]


def test_concurrent_attempts_never_exceed_the_budget(rate_limited):
    app = rate_limited(RATELIMIT_LOGIN="5 per 15 minutes")
    admitted, refused, start = [], [], threading.Barrier(20)

    def attempt():
        with app.test_request_context("/login", environ_base={"REMOTE_ADDR": "192.0.2.50"}):
            start.wait()
            try:
                login_throttle.count_attempt("race@example.test")
                admitted.append(1)
            except login_throttle.SignInRefused:
                refused.append(1)

    run_together(attempt, 20)
    assert (len(admitted), len(refused)) == (5, 15)


def test_concurrent_attempts_never_exceed_the_budget_in_redis(rate_limited):
    url = services.redis_url()
    if url is None:
        services.unavailable("Redis")
    app = rate_limited(RATELIMIT_LOGIN="5 per 15 minutes",
                       RATELIMIT_STORAGE_URI=url.rsplit("/", 1)[0] + "/5")
    email, address = f"race-{uuid.uuid4().hex}@example.test", f"192.0.2.{uuid.uuid4().int % 250}"
    admitted = []

    def attempt():
        with app.test_request_context("/login", environ_base={"REMOTE_ADDR": address}):
            try:
                login_throttle.count_attempt(email)
                admitted.append(1)
            except login_throttle.SignInRefused:
                pass

    run_together(attempt, 20)
    assert len(admitted) == 5


def test_limit_store_down_refuses_sign_in_with_503_and_public_look_ups_still_answer(rate_limited):
    with private_redis() as (redis_server, port):
        app = rate_limited(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0",
                           RATELIMIT_PUBLIC="2 per minute")
        with factories.within(app):
            user = factories.learner(email="down@example.test")
            client = app.test_client()
            assert client.post("/login", data={"email": user.email,
                                               "password": PASSWORD}).status_code == 302
            assert client.get("/api/v1/certificates/UNKNOWN").status_code == 404
            redis_server.kill()
            redis_server.wait(10)
            page = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert page.status_code == 503
            assert "Sign-in is unavailable" in page.get_data(as_text=True)
            api = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
            assert api.status_code == 503
            assert api.get_json()["error"] == "unavailable" and api.get_json()["message"]
            answers = [client.get("/api/v1/certificates/UNKNOWN").status_code for _ in range(3)]
            assert answers == [404, 404, 429]  # counted in memory, per process, meanwhile


def reset_mails(email: str) -> int:
    _db.session.expire_all()
    return len(list(_db.session.scalars(select(Notification).where(
        Notification.kind == "password_reset", Notification.recipient_email == email))))


def test_reset_requests_are_coalesced_and_limited_per_email(rate_limited):
    app = rate_limited(RATELIMIT_ACCOUNT_MAIL="3 per hour")
    with factories.within(app):
        holder = factories.learner(email="flood@example.test")
        client = app.test_client()
        answers = [client.post("/forgot-password", data={"email": holder.email}).status_code
                   for _ in range(4)]
        assert answers == [302, 302, 302, 429]
        assert reset_mails(holder.email) == 1  # the first is still pending: the rest coalesce
        unknown = [client.post("/forgot-password", data={"email": "nobody@example.test"})
                   .status_code for _ in range(4)]
        assert unknown == answers  # an address without an account answers the same


def test_reset_and_registration_requests_are_limited_per_address(rate_limited):
    app = rate_limited(RATELIMIT_ACCOUNT_MAIL_IP="3 per hour")
    client = app.test_client()
    answers = [client.post("/forgot-password", data={"email": f"x{n}@example.test"}).status_code
               for n in range(2)]
    answers.append(client.post("/register", data={"email": "y@example.test"}).status_code)
    answers.append(client.post("/register", data={"email": "z@example.test"}).status_code)
    assert answers == [302, 302, 422, 429]
    assert client.get("/register").status_code == 200  # only requests that may mail count
