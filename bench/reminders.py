"""Benchmark: one renewal-reminder sweep over 10⁶ certificates on PostgreSQL, against the bare SQL.

    .venv/bin/python -m bench.reminders [--rows N] [--database-url URL]

On a private database made anew (`lifeline_bench_reminders`) it seeds, with generate_series in
the server (seconds, not minutes): the standard catalog, one learner per four certificates (2 %
opted out), N certificates expiring evenly over four years around today (1 % revoked, 1 %
replaced, holders with several cards so some already renewed) and upcoming sessions with
enrollments. Then it times
1. reference: the bare SQL selecting the same due set (certificate, window) — best of six;
2. one sweep (`reminders.sweep`, as beat or `flask reminders run` run it), after a warm-up
   sweep of a day with nothing due, while a sampler thread watches the resident memory.
It checks that the sweep queued exactly the reference's rows, and prints the figures, the ratio
sweep / reference (target ≤ 5) and the peak memory growth (target < 150 MB).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services import (
    catalog,
    reminders,  # noqa: E402
)
from app.services.catalog.standard import STANDARD_COURSES  # noqa: E402
from app.services.clock import day_start_utc  # noqa: E402
from bench import private_name  # noqa: E402
from tests.support import databases  # noqa: E402

TODAY = date(2026, 11, 23)
ZONE = "America/New_York"
WINDOWS = (90, 30, 7, 0)
TARGET_RATIO = 5
TARGET_MEMORY_MB = 150
CERTIFICATES_PER_HOLDER = 4

SEED = [
    """INSERT INTO "user" (id, email, full_name, active, reminders_opt_out, created_at)
       SELECT g, 'holder' || g || '@bench.test', 'Holder ' || g, true, g % 50 = 0, now()
       FROM generate_series(1, :holders) AS g""",
    """SELECT setval(pg_get_serial_sequence('"user"', 'id'), :holders)""",
    """INSERT INTO user_role (user_id, role) SELECT g, 'learner' FROM generate_series(1, :holders) g""",
    """INSERT INTO user_role (user_id, role) VALUES (1, 'instructor')""",
    # Certificates: course by id modulo the catalog, expiry spread over today ± two years.
    """INSERT INTO certificate (id, code, holder_id, holder_name, course_id, course_code,
           course_title, course_family, level, topics_mask, guidelines_mask, training_center,
           issued_on, expires_on, revoked_at, revoked_reason, replaces_id, created_at)
       SELECT g, 'BENCH-' || g, 1 + g % :holders, 'Holder ' || (1 + g % :holders), c.id, c.code,
              c.title, c.family, c.level, c.topics_mask, c.guidelines_mask, 'Bench Center',
              :today - 730 + (g * 37) % 1461 - 730, :today - 730 + (g * 37) % 1461,
              CASE WHEN g % 97 = 0 THEN now() END, CASE WHEN g % 97 = 0 THEN 'bench' END,
              CASE WHEN g % 101 = 0 AND g > 1 THEN g - 1 END, now()
       FROM generate_series(1, :rows) AS g
       JOIN (SELECT id, code, title, family, level, topics_mask, guidelines_mask,
                    row_number() OVER (ORDER BY id) - 1 AS slot FROM course) AS c
         ON c.slot = g % (SELECT count(*) FROM course)""",
    """SELECT setval(pg_get_serial_sequence('certificate', 'id'), :rows)""",
    # Forty upcoming sessions, and every 30th holder enrolled in one of them.
    """INSERT INTO class_session (course_id, instructor_id, starts_at, ends_at,
           enrollment_closes_at, location, capacity, seats_taken, status, created_at)
       SELECT c.id, 1, :now + make_interval(days => s), :now + make_interval(days => s, hours => 4),
              :now + make_interval(days => s), 'Room ' || s, 100000, 0, 'scheduled', now()
       FROM generate_series(1, 40) AS s
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS slot FROM course) AS c
         ON c.slot = s % (SELECT count(*) FROM course)""",
    """INSERT INTO enrollment (learner_id, session_id, status, created_at, updated_at)
       SELECT h, (SELECT min(id) FROM class_session) + h % 40, 'enrolled', now(), now()
       FROM generate_series(30, :holders, 30) AS h""",
    "ANALYZE",
]


def seed(rows: int) -> float:
    started = time.perf_counter()
    databases.wipe(db)
    catalog.load_catalog(db.session, STANDARD_COURSES)
    params = {"rows": rows, "holders": max(rows // CERTIFICATES_PER_HOLDER, 1), "today": TODAY,
              "now": day_start_utc(TODAY, ZONE).replace(tzinfo=None)}
    with db.engine.begin() as connection:
        for statement in SEED:
            text = sa.text(statement)
            connection.execute(text, {key: value for key, value in params.items()
                                      if f":{key}" in statement})
    return time.perf_counter() - started


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class MemoryPeak:
    """Samples resident memory every few milliseconds while the block runs."""

    def __enter__(self):
        self.baseline = self.peak = resident_bytes()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, resident_bytes())
            time.sleep(0.005)

    def __exit__(self, *exc) -> None:
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20


def reference() -> tuple[float, set[tuple[int, int]]]:
    """The bare due-set query, fetching every row: the best of three runs with the server's
    JIT setting and three with JIT off (as the sweep runs), so the ratio is not flattered."""
    query = reminders.due_query(TODAY, WINDOWS, ZONE)
    best, due = float("inf"), set()
    for jit in ("DEFAULT", "off") * 3:
        db.session.execute(sa.text(f"SET LOCAL jit = {jit}"))
        started = time.perf_counter()
        due = {tuple(row) for row in db.session.execute(query)}
        best = min(best, time.perf_counter() - started)
        db.session.rollback()
    return best, due


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or os.environ.get("TEST_DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/reminders.py needs PostgreSQL (--database-url postgresql://…)")
    url = databases.private_postgres_url(args.database_url, purpose=private_name("bench_reminders"))
    app = create_app(databases.config_for(url))
    databases.ensure_migrated(app)
    with app.app_context():
        seconds_to_seed = seed(args.rows)
        bare, due = reference()
        # Warm-up as the reference had: a sweep of a day long before every expiry compiles the
        # same statements and plans the same queries, and finds nothing to queue.
        reminders.sweep(db.session, date(1990, 1, 1), WINDOWS, ZONE)
        with MemoryPeak() as memory:
            started = time.perf_counter()
            summary = reminders.sweep(db.session, TODAY, WINDOWS, ZONE)
            sweep_seconds = time.perf_counter() - started
        queued = {tuple(row) for row in db.session.execute(sa.text(
            "SELECT certificate_id, reminder_window FROM notification"))}
        db.session.rollback()
        databases.wipe(db)
        db.engine.dispose()
    ratio = sweep_seconds / bare
    print(f"PostgreSQL, {args.rows:,} certificates seeded in {seconds_to_seed:.1f} s; "
          f"due set: {len(due):,} reminders")
    print(f"reference bare SQL (best of 6): {bare * 1000:.0f} ms")
    print(f"sweep: {sweep_seconds * 1000:.0f} ms — " + "; ".join(summary.lines()))
    print(f"ratio sweep / reference: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    print(f"peak memory growth during the sweep: {memory.growth_mb:.1f} MB "
          f"(target < {TARGET_MEMORY_MB} MB)")
    if queued != due:
        print(f"MISMATCH: sweep queued {len(queued)} rows, reference selects {len(due)}")
        return 1
    return 0 if ratio <= TARGET_RATIO and memory.growth_mb < TARGET_MEMORY_MB else 1


if __name__ == "__main__":
    sys.exit(main())
