"""Issue 14 item 3: bounded input — a body over MAX_REQUEST_BYTES is a 413 before it is read,
a long URL gets the app's own JSON error (through gunicorn too), and one-line fields refuse
line breaks and control characters."""

from __future__ import annotations

import io
import os
import subprocess
import urllib.error
import urllib.request

from tests.test_config import BASE_DIR, CONFIG_VARIABLES
from tests.workers.mailbox import free_port
from tests.workers.processes import wait_until
from workers.run_all import commands

TWO_MIB = 2 * 2**20


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if the app reads any of it."""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return 0

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def readinto(self, buffer) -> int:
        raise AssertionError("the body was read")


def oversized(client, path: str, content_type: str):
    return client.post(path, input_stream=UnreadableBody(), content_type=content_type,
                       environ_overrides={"CONTENT_LENGTH": str(TWO_MIB)})


def test_a_2_mib_api_body_is_413_too_large_before_it_is_read(client):
    response = oversized(client, "/api/v1/tokens", "application/json")
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "too_large" and "1 MiB" in body["message"]


def test_a_2_mib_form_is_refused_with_a_message_page(client):
    response = oversized(client, "/forgot-password", "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "larger than the 1 MiB" in response.get_data(as_text=True)


def test_a_real_2_mib_json_body_is_refused_whole(client):
    response = client.post("/api/v1/tokens", data=b"{" + b" " * TWO_MIB + b"}",
                           content_type="application/json")
    assert response.status_code == 413 and response.get_json()["error"] == "too_large"


def test_a_5000_character_url_gets_the_apps_json_error(client):
    response = client.get("/api/v1/certificates/" + "A" * 5000)
    assert response.status_code in (404, 414)
    assert response.get_json()["error"] in ("not_found", "too_large")


def test_gunicorn_lets_an_8_kib_request_line_reach_the_app():
    web = commands(str(free_port()))["web"]
    assert web[web.index("--limit-request-line") + 1] == "8190"
    port = web[web.index("--bind") + 1].rsplit(":", 1)[1]
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env["LIFELINE_ENV"] = "test"
    server = subprocess.Popen([*web[:web.index("--workers")], "--workers", "1",
                               *web[web.index("--limit-request-line"):]], cwd=BASE_DIR, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base + "/api/v1/certificates/UNKNOWN"), 30, "gunicorn")
        status, content_type, body = _get(base + "/api/v1/no-such/" + "A" * 5000)
        assert status == 404 and content_type.startswith("application/json")
        assert b'"not_found"' in body
    finally:
        server.terminate()
        server.wait(15)


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - local server
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"] or "", error.read()


def _answers(url: str) -> bool:
    try:
        _get(url)
        return True
    except OSError:
        return False
