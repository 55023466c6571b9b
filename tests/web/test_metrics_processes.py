"""Multiprocess mode, for real: separate processes (as gunicorn's workers are) count into
PROMETHEUS_MULTIPROC_DIR, and a scrape answered by any one of them adds them all up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
# One "worker": build the app on the test database, then do each step in turn — answer N
# requests ("get:N"), forget a dead worker ("forget:PID", gunicorn's child_exit), empty the
# folder ("clear", gunicorn's on_starting) or print a scrape ("scrape").
WORKER = """
import sys
from app import create_app
from app.observability import metrics
from tests.support.databases import config_for

client = create_app(config_for(sys.argv[1])).test_client()
for step in sys.argv[2:]:
    name, _, argument = step.partition(":")
    if name == "get":
        for _ in range(int(argument)):
            assert client.get("/api/v1/courses").status_code == 200
    elif name == "forget":
        metrics.mark_worker_dead(int(argument))
    elif name == "clear":
        metrics.clear_multiprocess_dir()
    elif name == "scrape":
        sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""
COURSES = {"method": "GET", "route": "/api/v1/courses", "status": "200"}


def run_worker(app, folder: Path | None, *steps: str) -> str:
    """Run one worker process through its steps; what it printed."""
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    if folder is not None:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    result = subprocess.run([sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"],
                             *steps], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def courses_answered(exposition: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "lifeline_http_requests_total" and sample.labels == COURSES:
                return sample.value
    return 0.0


def test_a_scrape_adds_up_the_counts_of_every_process(app, db, tmp_path):
    run_worker(app, tmp_path, "get:3")
    run_worker(app, tmp_path, "get:4")
    scraped = run_worker(app, tmp_path, "get:2", "scrape")
    assert courses_answered(scraped) == 3 + 4 + 2
    durations = [sample.value for family in text_string_to_metric_families(scraped)
                 for sample in family.samples
                 if sample.name == "lifeline_http_request_duration_seconds_count"
                 and sample.labels == COURSES]
    assert durations == [9]
    assert "lifeline_outbox_notifications" in scraped  # the database figures come along


def test_a_dead_workers_counts_stay_and_a_fresh_start_forgets_them(app, db, tmp_path):
    run_worker(app, tmp_path, "get:2")
    pids = {path.stem.rsplit("_", 1)[1] for path in tmp_path.glob("*.db")}  # counter_<pid>.db
    assert len(pids) == 1
    assert courses_answered(run_worker(app, tmp_path, f"forget:{pids.pop()}", "scrape")) == 2
    assert courses_answered(run_worker(app, tmp_path, "clear", "get:1", "scrape")) == 1


def test_without_the_folder_each_process_answers_only_its_own_counts(app, db, tmp_path):
    run_worker(app, None, "get:3")
    assert courses_answered(run_worker(app, None, "get:2", "scrape")) == 2
