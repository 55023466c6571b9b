"""Real processes for worker tests: a Celery worker (optionally with beat), a private
redis-server, and `make run`'s supervisor — each started on demand and always stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support import services
from tests.workers.mailbox import free_port

ROOT = Path(__file__).resolve().parents[2]


def redis_for_tests() -> str:
    """The test Redis (TEST_REDIS_URL), emptied; skips or fails (REQUIRE_SERVICES=1) if absent."""
    url = services.redis_url()
    if url is None:
        services.unavailable("Redis")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def worker_env(app, tmp_path: Path, **settings) -> dict[str, str]:
    """The environment of a worker process working on the test app's database."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MAIL_", "REDIS_", "OUTBOX_"))}
    env.update(LIFELINE_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               BROKER_DIR=str(tmp_path / "broker"), MAIL_DIR=str(tmp_path / "mail"),
               CELERY_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
               CENTER_TIMEZONE=app.config["CENTER_TIMEZONE"], PYTHONUNBUFFERED="1")
    env.update({key: str(value) for key, value in settings.items()})
    return env


class Process:
    def __init__(self, command: list[str], env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self.log = open(log_path, "wb")  # closed in stop()
        self.popen = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        def seen():
            if self.popen.poll() is not None:
                raise AssertionError(f"process exited early:\n{self.output()[-3000:]}")
            return text in self.output()
        wait_until(seen, timeout, f"{text!r} in the log of {self.popen.args[:5]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm shutdown, no cleanup."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
        self.log.close()
        return self.popen.returncode


@contextmanager
def celery_worker(env: dict[str, str], log_path: Path, *, beat: bool = False,
                  concurrency: int = 1):
    """A real `celery worker` process (prefork pool), ready before the block runs."""
    command = [sys.executable, "-m", "celery", "-A", "workers.make_celery", "worker",
               "--loglevel", "INFO", "--concurrency", str(concurrency), "--without-gossip",
               "--without-mingle", "--without-heartbeat"]
    if beat:
        command.append("--beat")
    process = Process(command, env, log_path)
    try:
        process.wait_for_output("ready.", timeout=30)
        yield process
    finally:
        process.stop()
        print(process.output()[-4000:])  # shown by pytest when the test fails


@contextmanager
def private_redis(port: int | None = None):
    """A redis-server of this test's own, on a free port, keeping nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        services.unavailable("redis-server (the binary)")
    port = port or free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port, socket_connect_timeout=0.2)
        wait_until(lambda: _pings(client), 10, "the private redis-server")
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False
