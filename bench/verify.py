"""Benchmark: certificate verification under gunicorn on PostgreSQL (or SQLite).

    .venv/bin/python bench/verify.py [--quick] [--database-url URL] [--workers N]

On a private database made anew (`lifeline_bench_verify` on the PostgreSQL server of URL, or
the SQLite file of a `sqlite:///…` URL), with rate limits off and the verification log on
(every look-up writes its row), it seeds certificates, starts gunicorn on a free loopback
port and measures:
1. throughput of GET /api/v1/certificates/<code> (one look-up and one log row each) against
   a route of the same server that touches no database (/api/v1/openapi.json, and the
   stylesheet as a floor), with the same concurrent clients, in alternating rounds (the
   median of the rounds' ratios) — ratio target ≥ 0.8;
2. one POST /api/v1/verifications of 500 codes against one single verification, one request
   at a time, the two interleaved (so a change of load on the machine hits both) and each
   timed by its median — ratio target ≤ 10.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Certificate, User  # noqa: E402
from app.services import catalog  # noqa: E402
from app.services.accounts import tokens  # noqa: E402
from app.services.catalog.standard import STANDARD_COURSES  # noqa: E402
from app.services.certificates.codes import generate_code  # noqa: E402
from bench import private_name  # noqa: E402
from config import Config  # noqa: E402
from tests.support import databases  # noqa: E402

DATABASE = private_name("lifeline_bench_verify")
PASSWORD = "bench-password-123"
THROUGHPUT_TARGET = 0.8
BULK_TARGET = 10
BULK_SIZE = 500
SINGLES_PER_BULK = 5


def fresh_database(url: str) -> str:
    """A new, empty database: the SQLite file of a sqlite:/// URL, else one on the server."""
    if not url.startswith("sqlite"):
        return databases.fresh_postgres_database(url, DATABASE)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.name or str(path) == ":memory:":
        raise SystemExit("give SQLite as a file: sqlite:////path/to/bench.db")
    for stale in (path, path.with_name(path.name + "-journal")):
        stale.unlink(missing_ok=True)
    return url


def seed(url: str, count: int) -> tuple[list[str], str]:
    """Migrate, load the catalog, add `count` certificates and an employer; codes and token."""
    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url,
                                             "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    app = create_app(config)
    with app.app_context():
        upgrade()
        catalog.load_catalog(db.session, STANDARD_COURSES)
        from app.services.accounts.users import create_user
        holder = create_user(db.session, email="holder@bench.test", full_name="Bench Holder",
                             password=None, roles=["learner"])
        create_user(db.session, email="hr@bench.test", full_name="Bench HR", password=PASSWORD,
                    roles=["employer"])
        courses = catalog.list_courses(db.session)
        today = date.today()
        rows = []
        for number in range(count):
            course = courses[number % len(courses)]
            expires = today + timedelta(days=(number % 900) - 100)
            rows.append({
                "code": generate_code(), "holder_id": holder.id, "holder_name": holder.full_name,
                "course_id": course.id, "course_code": course.code,
                "course_title": course.title, "course_family": course.family,
                "level": course.level, "topics_mask": course.topics_mask,
                "guidelines_mask": course.guidelines_mask, "training_center": "Bench Center",
                "instructor_name": "Bench Instructor", "issued_on": expires - timedelta(days=700),
                "expires_on": expires, "created_at": datetime.now(UTC),
                "revoked_at": datetime.now(UTC) if number % 50 == 0 else None,
                "revoked_reason": "Issued in error" if number % 50 == 0 else None,
            })
        db.session.execute(sa.insert(Certificate), rows)
        db.session.commit()
        with db.engine.connect() as connection:  # fresh statistics, as autovacuum would give
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text("ANALYZE"))
        token, _ = tokens.issue_token(db.session, "hr@bench.test", PASSWORD, datetime.now(UTC), 1)
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2
        db.engine.dispose()
    return [row["code"] for row in rows], token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "RATELIMIT_ENABLED": "0",
           "LIFELINE_ENV": "development", "REDIS_URL": "", "PORT": str(port)}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/api/v1/openapi.json")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def throughput(port: int, paths: list[str], clients: int, seconds: float) -> float:
    """Requests per second answered 200 by `clients` threads, each cycling through `paths`."""
    stop_at = time.monotonic() + seconds
    counts = [0] * clients
    failures = []

    def client(index: int) -> None:
        rng = random.Random(index)
        while time.monotonic() < stop_at:
            status, _ = request(port, "GET", rng.choice(paths))
            if status != 200:
                failures.append(status)
                return
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"unexpected answers: {failures[:5]}")
    return sum(counts) / (time.monotonic() - started)


def seconds(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def interleaved_medians(single, bulk, repeats: int) -> tuple[float, float]:
    """Median times of `single` and of `bulk`, run in turns (SINGLES_PER_BULK singles, then
    one bulk, `repeats` times) so that load from elsewhere on the machine hits both."""
    singles, bulks = [], []
    for _ in range(repeats):
        singles += [seconds(single) for _ in range(SINGLES_PER_BULK)]
        bulks.append(seconds(bulk))
    return statistics.median(singles), statistics.median(bulks)


def expect_ok(answer: tuple[int, bytes]) -> None:
    if answer[0] != 200:
        raise SystemExit(f"unexpected answer {answer[0]}: {answer[1][:200]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, for CI")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    seconds, repeats, count = (1.0, 10, 2000) if args.quick else (3.0, 40, 20000)
    rounds_count = 3 if args.quick else 5
    clients = args.workers * 2

    load_before = os.getloadavg()[0]
    url = fresh_database(args.database_url)
    codes, token = seed(url, count)
    port = free_port()
    server = start_server(url, port, args.workers)
    try:
        single_paths = [f"/api/v1/certificates/{code}" for code in codes[:1000]]
        throughput(port, single_paths[:50], clients, 1.0)  # warm every worker up
        # Alternate short rounds so that load from elsewhere on the machine hits both sides.
        rounds = [(throughput(port, single_paths, clients, seconds),
                   throughput(port, ["/api/v1/openapi.json"], clients, seconds),
                   throughput(port, ["/static/site.css"], clients, seconds / 2))
                  for _ in range(rounds_count)]
        lookups, openapi, static = (statistics.median(side) for side in zip(*rounds, strict=True))
        throughput_ratio = statistics.median(lookup / none for lookup, none, _ in rounds)

        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        sample = random.Random(7).sample(codes, BULK_SIZE - 50)
        sample += [generate_code() for _ in range(50)]  # some unknown codes too
        body = json.dumps({"codes": sample, "requirement": "bls"}).encode()
        single, bulk = interleaved_medians(
            lambda: expect_ok(request(port, "GET", random.choice(single_paths))),
            lambda: expect_ok(request(port, "POST", "/api/v1/verifications", body, auth)),
            repeats)
    finally:
        stop_server(server)

    bulk_ratio = bulk / single
    kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    print(f"{kind}, gunicorn {args.workers} workers, {clients} clients, {count} certificates,"
          f" rate limits off, verification log on")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before and "
          f"{os.getloadavg()[0]:.1f} after (other work on the machine skews both ratios)")
    print(f"medians of {rounds_count} alternating rounds of {seconds:g} s each")
    print(f"single look-ups: {lookups:,.0f} req/s; no-database route /api/v1/openapi.json: "
          f"{openapi:,.0f} req/s (static stylesheet: {static:,.0f} req/s)")
    print(f"ratio look-up / no-database route: {throughput_ratio:.2f} (target ≥ "
          f"{THROUGHPUT_TARGET}); against the stylesheet: {lookups / static:.2f}")
    print(f"bulk of {BULK_SIZE}: {bulk * 1000:.1f} ms; single: {single * 1000:.2f} ms (medians "
          f"of {repeats} and {repeats * SINGLES_PER_BULK}, interleaved)")
    print(f"ratio bulk-{BULK_SIZE} / single: {bulk_ratio:.1f} (target ≤ {BULK_TARGET})")
    return 0 if throughput_ratio >= THROUGHPUT_TARGET and bulk_ratio <= BULK_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
