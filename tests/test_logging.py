"""Log lines: one JSON object a line (production) or text, one line per request with its id,
route, status, duration, user and address, the request id on every line of the request, and
never a password, token, code list or e-mail body."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from app.models.base import utcnow
from app.observability import logs
from app.services import accounts, verification
from app.services.notifications import delivery
from config import BASE_DIR
from tests import factories
from tests.support.log_capture import json_log_lines

REQUEST_LINE = "lifeline.request"


def test_each_request_writes_one_json_line_with_its_fields(client, login):
    learner = factories.learner()
    login(learner)
    with json_log_lines() as captured:
        page = client.get("/me", headers={"X-Request-ID": "edge-4f2a"})
    (line,) = captured.of(REQUEST_LINE)
    assert page.status_code == 200 and page.headers["X-Request-ID"] == "edge-4f2a"
    assert {key: line[key] for key in ("level", "request_id", "method", "route", "status",
                                       "user_id", "remote_addr")} == {
        "level": "INFO", "request_id": "edge-4f2a", "method": "GET", "route": "/me",
        "status": 200, "user_id": learner.id, "remote_addr": "127.0.0.1"}
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert datetime.fromisoformat(line["time"]).tzinfo == UTC


def test_an_api_caller_is_logged_by_its_token_never_by_a_cookie(client, api_token, login):
    employer = factories.employer()
    headers = api_token(employer)
    login(factories.learner())  # the browser's cookie rides along; the API ignores it
    with json_log_lines() as captured:
        client.get("/api/v1/me", headers=headers)
        client.get("/api/v1/me")
    signed_in, anonymous = captured.of(REQUEST_LINE)
    assert (signed_in["route"], signed_in["status"], signed_in["user_id"]) == (
        "/api/v1/me", 200, employer.id)
    assert (anonymous["status"], anonymous["user_id"]) == (401, None)


def test_a_request_without_an_id_gets_a_new_one(client, db):
    with json_log_lines() as captured:
        first = client.get("/api/v1/courses").headers["X-Request-ID"]
        second = client.get("/api/v1/courses").headers["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0 and first != second
    assert [line["request_id"] for line in captured.of(REQUEST_LINE)] == [first, second]


@pytest.mark.parametrize("unsafe", ["two words", "x" * 129, 'quote"d', "semi;colon", "é", ""])
def test_an_unsafe_request_id_is_replaced_not_echoed(client, db, unsafe):
    answered = client.get("/api/v1/courses", headers={"X-Request-ID": unsafe})
    made = answered.headers["X-Request-ID"]
    assert made != unsafe and len(made) == 32


def test_lines_written_during_a_request_carry_its_id_and_name_the_route(client, db, monkeypatch):
    card = factories.CertificateFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("the look-up broke")

    monkeypatch.setattr(verification, "verify_code", broken)
    with json_log_lines() as captured:
        answer = client.get(f"/verify/{card.code}", headers={"X-Request-ID": "trace-77"})
    assert answer.status_code == 500
    (error,) = captured.of("app.errors")
    assert error["request_id"] == "trace-77" and "RuntimeError: the look-up broke" in error["exc_info"]
    assert error["message"] == "unhandled error on GET /verify/<code>"
    assert card.code not in captured.text()


def test_the_text_format_ends_each_request_line_with_its_id(client, db):
    buffer = io.StringIO()
    handler = logs.configure("text", stream=buffer)
    try:
        client.get("/api/v1/courses", headers={"X-Request-ID": "plain-1"})
    finally:
        logging.getLogger().removeHandler(handler)
    (line,) = [text for text in buffer.getvalue().splitlines() if REQUEST_LINE in text]
    assert re.search(r" INFO lifeline\.request: GET /api/v1/courses 200 [0-9.]+ ms "
                     r"\[request_id=plain-1\]$", line), line


class RecordingBackend:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)


def test_no_password_token_code_list_or_mail_body_reaches_the_log(app, client, db, tmp_path):
    password = "Secret-Staple-4471"
    learner = factories.learner(password=password)
    employer = factories.employer(password=password)
    codes = [factories.CertificateFactory().code for _ in range(3)]
    with json_log_lines() as captured:
        client.post("/login", data={"email": learner.email, "password": password})
        client.post("/login", data={"email": learner.email, "password": password + "-typo"})
        token = client.post("/api/v1/tokens", json={"email": employer.email,
                                                    "password": password}).get_json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/me", headers=bearer).status_code == 200
        checked = client.post("/api/v1/verifications", json={"codes": codes}, headers=bearer)
        assert checked.status_code == 200
        client.post("/forgot-password", data={"email": learner.email})
        reset = accounts.password_reset_token(learner, utcnow(), app.config["SECRET_KEY"])
        client.post(f"/reset-password/{reset}", data={"password": password + "-new",
                                                      "confirm": password + "-new"})
        backend = RecordingBackend()
        delivery.deliver_due(db.session, backend, app.config, app.jinja_env)
    lines, text = captured.records(), captured.text()
    assert len(captured.of(REQUEST_LINE)) == 7 and backend.sent
    assert any(line.get("notification_id") for line in lines)  # the deliveries were logged
    bodies = [part.get_content() for message in backend.sent
              for part in message.walk() if part.get_content_maintype() == "text"]
    # Every line of every mail's text (its link holds the reset token the mail was made with).
    mail_lines = [line.strip() for body in bodies for line in body.splitlines()
                  if len(line.strip()) > 20]
    assert any("/reset-password/" in line for line in mail_lines)
    secrets = [password, token, reset, *codes, *mail_lines]
    for secret in secrets:
        assert secret not in text, f"{secret[:20]}… is in the log"


def _config_value(code: str, **env: str) -> str:
    clean = {key: value for key, value in os.environ.items() if key != "LOG_FORMAT"}
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env={**clean, **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_logs_json_and_everything_else_text_unless_told():
    show = "import config; print(config.ProductionConfig.LOG_FORMAT, config.Config.LOG_FORMAT)"
    assert _config_value(show) == "json text"
    assert _config_value(show, LOG_FORMAT="text") == "text text"


def test_an_unknown_log_format_refuses_to_start(app_factory):
    with pytest.raises(SystemExit, match="LOG_FORMAT must be json or text, not 'xml'"):
        app_factory(LOG_FORMAT="xml")


def test_outside_tests_the_app_writes_its_lines_to_standard_error(app, tmp_path):
    probe = ("from app import create_app\n"
             "app = create_app()\n"
             "app.test_client().get('/api/v1/courses', headers={'X-Request-ID': 'probe-1'})\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAIL_")}
    env.update(LIFELINE_ENV="development", LOG_FORMAT="json", BROKER_DIR=str(tmp_path / "broker"),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], PYTHONPATH=str(BASE_DIR))
    result = subprocess.run([sys.executable, "-c", probe], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(line["request_id"], line["route"], line["status"]) for line in lines
            if line["logger"] == REQUEST_LINE] == [("probe-1", "/api/v1/courses", 200)]
