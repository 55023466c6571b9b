"""Benchmark: 50 learners enroll at the same instant into a 10-seat session, 100 times, on
SQLite and on PostgreSQL.

    .venv/bin/python bench/enrollment_race.py [--runs N] [--database-url URL] [--sqlite-only]

Each run puts a new 10-seat session on the schedule and releases 50 threads (each with its
own connection) at once. A run holds when exactly 10 learners are enrolled, the seat counter
says 10, the other 40 are waitlisted with positions 1..40 and no request failed. Prints, per
database, how many runs held and the race's time (median, p95, max) against its reference:
the same 50 enrollments made one after another (ratio = race median / sequential median).
Exit status 1 when any run did not hold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import ClassSession, Course, User  # noqa: E402
from app.models.base import utcnow  # noqa: E402
from app.services.enrollment import seats as service  # noqa: E402
from app.services.schedule import sessions as scheduling  # noqa: E402
from bench import private_name  # noqa: E402
from bench.seats import prepare_learners  # noqa: E402
from tests.reliability.race import enroll_all_at_once, holds, private_engine  # noqa: E402
from tests.support import databases  # noqa: E402

DATABASE = private_name("lifeline_bench_enrollment")
LEARNERS, SEATS = 50, 10


def fresh_sqlite() -> str:
    path = Path(tempfile.gettempdir()) / f"{DATABASE}-{os.getpid()}.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def prepare(url: str) -> tuple[list[int], int, int]:
    """Migrate, load the catalog, create the learners and an instructor; their ids."""
    return prepare_learners(url, LEARNERS, "racer")


def new_session(engine, instructor_id: int, course_id: int) -> int:
    with Session(engine) as session:
        starts = utcnow().replace(microsecond=0) + timedelta(days=7)
        class_session = scheduling.schedule_session(
            session, None, course=session.get(Course, course_id),
            instructor=session.get(User, instructor_id), starts_at=starts,
            ends_at=starts + timedelta(hours=4), location="Bench room", capacity=SEATS,
            zone_name="America/New_York")
        return class_session.id


def sequential(engine, learner_ids: list[int], class_id: int) -> float:
    """The reference: the same enrollments, one after another."""
    started = time.perf_counter()
    for learner_id in learner_ids:
        with Session(engine) as session:
            service.enroll(session, session.get(User, learner_id), class_id, utcnow())
    return time.perf_counter() - started


def bench(name: str, url: str, runs: int, app_config_url: str) -> bool:
    learner_ids, instructor_id, course_id = prepare(app_config_url)
    engine = private_engine(url)
    reference = [sequential(engine, learner_ids, new_session(engine, instructor_id, course_id))
                 for _ in range(max(3, runs // 10))]
    held, times, failures = 0, [], []
    for _ in range(runs):
        result = enroll_all_at_once(engine, learner_ids,
                                    new_session(engine, instructor_id, course_id))
        times.append(result.seconds)
        if holds(result, SEATS, LEARNERS):
            held += 1
        else:
            failures.append(f"enrolled={result.enrolled} seats={result.seats_taken} "
                            f"errors={result.errors[:2]}")
    with Session(engine) as session:
        overbooked = session.scalar(sa.select(sa.func.count()).select_from(ClassSession)
                                    .where(ClassSession.seats_taken > ClassSession.capacity))
    engine.dispose()
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    ref = statistics.median(reference)
    print(f"{name}: {held} of {runs} runs held ({LEARNERS} learners, {SEATS} seats); "
          f"overbooked sessions: {overbooked}")
    print(f"{name}: race median {median:.3f}s, p95 {p95:.3f}s, max {times[-1]:.3f}s; "
          f"sequential reference {ref:.3f}s; ratio {median / ref:.2f}")
    for failure in failures[:5]:
        print(f"{name}: failed run: {failure}")
    return held == runs and not overbooked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or os.environ.get("TEST_DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    sqlite_url = fresh_sqlite()
    ok = bench("sqlite", sqlite_url, args.runs, sqlite_url)
    if not args.sqlite_only:
        postgres_url = databases.fresh_postgres_database(args.database_url, DATABASE)
        ok = bench("postgresql", postgres_url, args.runs, postgres_url) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
