"""`make run`: the web server (gunicorn), a Celery worker and beat, stopped together.

Ctrl-C or SIGTERM stops all three; if one of them exits on its own, the others are stopped
too, so nothing keeps running half-alive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

# Celery's warm shutdown on the embedded broker takes several seconds (it finishes the task in
# hand and waits out its polling loop); a child still running after this is killed.
STOP_GRACE_SECONDS = 15
REQUEST_LINE_BYTES = 8190  # gunicorn's maximum


def commands(port: str) -> dict[str, list[str]]:
    python = sys.executable
    gunicorn = os.path.join(os.path.dirname(python), "gunicorn")
    celery = [python, "-m", "celery", "-A", "workers.make_celery"]
    return {
        # An 8 KiB request line (gunicorn's default is 4 KiB), so a long URL reaches the app
        # and gets its JSON error rather than gunicorn's HTML 414 (API-2 §1).
        "web": [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "2",
                "--limit-request-line", str(REQUEST_LINE_BYTES), "wsgi:app"],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
    }


def stop(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            # The leaders (gunicorn's master, Celery's main process) stop their own children.
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def main() -> int:
    port = os.environ.get("PORT", "5000")
    stopping = False

    def request_stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    # Each child leads its own process group, so Ctrl-C reaches only this supervisor, which
    # then stops every child in order (Celery's warm shutdown finishes the task in hand).
    children = {name: subprocess.Popen(command, start_new_session=True)
                for name, command in commands(port).items()}
    print(f"Lifeline on http://127.0.0.1:{port} with a Celery worker and beat; Ctrl-C stops all.",
          flush=True)
    exited = None
    while not stopping and exited is None:
        time.sleep(0.2)
        exited = next((name for name, child in children.items() if child.poll() is not None), None)
    if exited:
        print(f"{exited} exited with status {children[exited].returncode}; stopping the rest.",
              file=sys.stderr, flush=True)
    stop(children)
    return 1 if exited else 0


if __name__ == "__main__":
    sys.exit(main())
