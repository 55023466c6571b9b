"""Security gates on rendered pages: a CSRF token in every HTML form (and a POST without one
refused), argon2id password hashes, flagged cookies, and the security headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app import create_app
from app import production as production_checks
from app.extensions import db
from app.models import User
from app.observability import logs as observability_logs
from config import ProductionConfig
from tests import factories
from tests.security.conftest import ROLES, build_world
from tests.security.test_access_matrix import url_values
from tests.support import databases
from tests.support.login import log_in, log_out

# The one-click unsubscribe (RFC 8058) is proven by the signed token in its URL: mail
# clients post it with no session and no form, so its view is CSRF-exempt.
EXEMPT_ACTIONS = ("/mail/unsubscribe/",)
NOT_PAGES = ("static", "records.export", "records.report_csv", "employer.watch_list_csv")


class FormScanner(HTMLParser):
    """Collect each form's method, action and whether it holds a hidden csrf_token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._open = {"method": (attributes.get("method") or "get").lower(),
                          "action": attributes.get("action") or "", "csrf": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and attributes.get("name") == "csrf_token":
            self._open["csrf"] = attributes.get("type") == "hidden" and bool(attributes.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    scanner = FormScanner()
    scanner.feed(html)
    return [form for form in scanner.forms if form["method"] == "post"]


def _page_paths(app, world) -> list[str]:
    with app.test_request_context():
        return sorted({app.url_for(rule.endpoint, **{
            name: value for name, value in url_values(world, rule.endpoint).items()
            if name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.rule.startswith("/api/")
            and rule.endpoint not in NOT_PAGES})


def _sign_in(client, email: str | None) -> None:
    """Sign the browser in as `email` through the forms, or out when None."""
    if email is None:
        log_out(client)
    else:
        log_in(client, email)


# These tests use only the CSRF-enabled app (no `app` fixture): its requests push their own
# app context, and no second session is left holding locks when the database is wiped.
def test_every_post_form_on_every_page_carries_a_csrf_token(app_factory):
    csrf_app = app_factory(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        world = build_world()
        emails = {role: world.users[role].email for role in world.users}
        paths = _page_paths(csrf_app, world)
        session_id = world.session.id
    client = csrf_app.test_client()
    missing, scanned, actions = [], 0, set()
    for role in ROLES:
        for path in paths:
            _sign_in(client, emails.get(role))
            response = client.get(path)
            assert response.status_code < 500, f"GET {path} as {role}: {response.status_code}"
            if response.mimetype != "text/html":
                continue
            for form in post_forms(response.get_data(as_text=True)):
                scanned += 1
                actions.add(form["action"].split("?")[0] or path)  # no action: the page itself
                if not form["csrf"] and not form["action"].startswith(EXEMPT_ACTIONS):
                    missing.append(f"{path} as {role}: form posting to {form['action']!r}")
    assert not missing, "POST forms without a csrf_token:\n" + "\n".join(sorted(set(missing)))
    # The scan must really have seen the site's forms, not an error page per URL.
    for action in ("/login", "/register", "/logout", f"/instructor/sessions/{session_id}",
                   "/employer/watch-list", "/admin/courses/new"):
        assert action in actions, f"no form posting to {action} was scanned"
    assert scanned > 50


def test_a_post_without_the_csrf_token_is_refused(app_factory):
    csrf_app = app_factory(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        learner_id, email = (user := factories.learner()).id, user.email
    client = csrf_app.test_client()
    credentials = {"email": email, "password": factories.DEFAULT_PASSWORD}

    assert client.post("/login", data=credentials).status_code == 400
    _sign_in(client, email)
    assert client.post("/me/reminders", data={}).status_code == 400
    with csrf_app.app_context():
        assert db.session.get(User, learner_id).reminders_opt_out is False

    _sign_in(client, None)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    signed_in = client.post("/login", data={**credentials, "csrf_token": token.group(1)})
    assert signed_in.status_code in (302, 303)  # the same form with its token goes through


def test_passwords_are_hashed_with_argon2id(app, client):
    answer = client.post("/register", data={
        "full_name": "Rhea Register", "email": "rhea@example.test",
        "password": "a long enough passphrase 42", "confirm": "a long enough passphrase 42"})
    assert answer.status_code in (302, 303)
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "cli@example.test", "--name", "Cli Made",
        "--role", "instructor", "--password-stdin"], input="another long passphrase 7\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    for email in ("rhea@example.test", "cli@example.test"):
        user = db.session.query(User).filter_by(email=email).one()
        assert user.password_hash.startswith("$argon2id$")


def _cookie(response, name: str) -> str:
    found = [header for header in response.headers.getlist("Set-Cookie")
             if header.startswith(f"{name}=")]
    assert found, f"no {name} cookie was set"
    return found[-1]


def _assert_flags(cookie: str, secure: bool) -> None:
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags, cookie
    assert ("secure" in flags) is secure, cookie


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(app, client):
    learner = factories.learner()
    answer = client.post("/login", data={"email": learner.email, "remember": "y",
                                         "password": factories.DEFAULT_PASSWORD})
    assert answer.status_code in (302, 303)
    _assert_flags(_cookie(answer, "session"), secure=False)
    _assert_flags(_cookie(answer, "remember_token"), secure=False)


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    """The production configuration with its own secret and a scratch SQLite database (the
    start-up refusals, tested in tests/test_production_start.py, are switched off here)."""
    monkeypatch.setattr(production_checks, "check_settings", lambda config: None)
    monkeypatch.setattr(production_checks, "check_database", lambda app: None)
    # Nor does it install its log handler on the test process's root logger.
    monkeypatch.setattr(observability_logs, "configure", lambda log_format: None)
    settings = type("ScratchProductionConfig", (ProductionConfig,), {
        "SECRET_KEY": "a-long-random-secret-for-the-production-cookie-test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'production.db'}",
        "REDIS_URL": "", "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False,
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "MAIL_DIR": str(tmp_path / "mail"),
        "BROKER_DIR": str(tmp_path / "broker"), "TRUSTED_PROXIES": 1})
    production = create_app(settings)
    databases.ensure_migrated(production)
    with production.app_context():
        yield production
        db.session.remove()
        db.engine.dispose()


def test_production_cookies_are_secure_too(production_app):
    learner = factories.learner()
    client = production_app.test_client()
    # As the TLS-terminating proxy says; over HTTPS, CSRF also checks the same-origin Referer.
    https = {"X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}
    page = client.get("/login", headers=https).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", headers=https, data={
        "email": learner.email, "remember": "y", "password": factories.DEFAULT_PASSWORD,
        "csrf_token": token})
    assert answer.status_code in (302, 303)
    _assert_flags(_cookie(answer, "session"), secure=True)
    _assert_flags(_cookie(answer, "remember_token"), secure=True)
    assert "max-age=31536000" in answer.headers["Strict-Transport-Security"]
    plain = production_app.test_client().get("/login")
    assert plain.status_code == 308 and plain.headers["Location"].startswith("https://")


def test_security_headers_on_pages_and_the_api(app, client):
    certificate = factories.CertificateFactory()
    for path in ("/", "/login", "/verify", f"/verify/{certificate.code}", "/api/v1/health",
                 f"/api/v1/certificates/{certificate.code}", "/api/v1/sessions/999999"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers.get("Content-Security-Policy", ""), path
        assert headers.get("X-Content-Type-Options") == "nosniff", path
        assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), path
    for path in ("/verify", f"/verify/{certificate.code}"):
        headers = client.get(path).headers
        assert headers.get("X-Frame-Options") == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
