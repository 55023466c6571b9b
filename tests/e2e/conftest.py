"""Real-browser journeys: Debian's chromium driven by Playwright against a live server
running the demo data. Chromium is installed with apt-get when missing (as root)."""

from __future__ import annotations

import os
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
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for step in (["db", "upgrade"], ["catalog", "load"], ["demo", "seed"]):
        done = subprocess.run(flask + step, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        if done.returncode != 0:
            pytest.fail(f"`flask {' '.join(step)}` failed for the e2e server:\n{done.stderr[-3000:]}")
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


@pytest.fixture
def page(browser, request, live_server):
    """A fresh browser context per journey; a screenshot is saved when the journey fails."""
    context = browser.new_context(base_url=live_server["url"], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Extra pages for a second user in the same journey (separate cookies)."""
    contexts = []

    def open_page(java_script: bool = True):
        context = browser.new_context(base_url=live_server["url"], java_script_enabled=java_script,
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
