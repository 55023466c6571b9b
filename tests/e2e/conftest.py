"""Real-browser journeys: Debian's chromium driven by Playwright against a live server
running the demo data. Chromium is installed with apt-get when missing (as root)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import services

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# Flags a closed network needs: no background fetches, no component updates, no QUIC.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


# `db upgrade`, `catalog load` and `demo seed` in one process (one app import instead of three).
# The demo's accounts get cheap argon2 hashes: only the set-up is sped up; the server keeps the
# real cost for every password it hashes itself (registrations).
PREPARE = """
from app import create_app

app = create_app()
runner = app.test_cli_runner()
for args in (["db", "upgrade"], ["catalog", "load"], ["demo", "seed"]):
    result = runner.invoke(args=args)
    if result.exit_code != 0:
        raise SystemExit(f"flask {' '.join(args)}: {result.output} {result.exception!r}")
"""


def ensure_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env, timeout=900)
    if not os.path.exists(CHROMIUM):
        services.unavailable("Debian's chromium (/usr/bin/chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app under gunicorn on a fresh SQLite database with the catalog and demo data."""
    workdir = tmp_path_factory.mktemp("e2e")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "MAIL_DIR": str(workdir / "mail"),
        "BROKER_DIR": str(workdir / "broker"),
        "RATELIMIT_ENABLED": "0",
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "LIFELINE_ENV": "development",
    }
    env.pop("REDIS_URL", None)
    env.pop("MAIL_SERVER", None)
    done = subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        pytest.fail(f"preparing the e2e database failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail("the e2e server did not start")
    yield {"url": base_url, "env": env, "mail_dir": workdir / "mail"}
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


ACTION_TIMEOUT_MS = 10_000  # every click, fill and wait of a journey is bounded by this


@pytest.fixture
def journey(browser, request, live_server):
    """The browser contexts of one journey; on failure each page's screenshot is saved to
    tests/e2e/artifacts/<test>.png (then <test>-2.png, … for the other users' pages)."""
    contexts = []
    troubles: list[str] = []  # server errors and console errors (e.g. CSP refusals) seen

    def open_page(java_script: bool = True, locale: str | None = None):
        # `locale` is the browser's language (its Accept-Language), as a Spanish-speaking
        # learner's browser sends it.
        context = browser.new_context(base_url=live_server["url"], java_script_enabled=java_script,
                                      accept_downloads=True, locale=locale)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.on("response", lambda response: response.status >= 500 and troubles.append(
            f"{response.status} from {response.request.method} {response.url}"))
        # Console errors other than HTTP statuses (a 4xx can be the journey's point; a 5xx is
        # caught above), such as a Content-Security-Policy refusal.
        context.on("console", lambda message: message.type == "error"
                   and not message.text.startswith("Failed to load resource")
                   and troubles.append(f"browser console error: {message.text}"))
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "rep_call", None)
    shots = [ARTIFACTS / (request.node.name + (f"-{n}" if n > 1 else "") + ".png")
             for n in range(1, len(contexts) + 1)]
    for stale in ARTIFACTS.glob(f"{request.node.name}*.png"):
        if re.fullmatch(rf"{re.escape(request.node.name)}(-\d+)?\.png", stale.name):
            stale.unlink()
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for context, shot in zip(contexts, shots, strict=True):
            for page in context.pages[:1]:
                try:
                    page.screenshot(path=str(shot), full_page=True, timeout=ACTION_TIMEOUT_MS)
                except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
                    print(f"no screenshot {shot.name}: {error}")  # noqa: T201
    for context in contexts:
        context.close()
    assert not troubles, "the journey met errors:\n" + "\n".join(troubles)


@pytest.fixture
def page(journey):
    """The journey's main page (its own cookies); screenshot on failure."""
    return journey()


@pytest.fixture
def new_page(journey, page):
    """Extra pages for more users in the same journey (separate cookies): new_page(java_script=False)."""
    return journey
