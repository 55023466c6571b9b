"""Benchmark: portable credentials (API-2 §5) on PostgreSQL.

    .venv/bin/python -m bench.credentials [--certificates N] [--database-url URL]

On a private database made anew (`lifeline_bench_credentials`) holding N certificates
(default 100 000), one in 50 revoked, it measures in one process:
1. credentials signed per second (the OpenBadgeCredential built from the record, RFC 8785,
   SHA-256, Ed25519), against a plain JSON serialisation of the same unsigned credential;
   and credentials verified per second (proof, status list, dates);
2. regenerating the signed revocation status list over all N certificates, against a single
   look-up of one certificate by its code (the cheapest request that reads the database);
   and a wallet's poll of an unchanged list (served from the cache after one query).
Targets: ≥ 300 credentials signed per second; the regeneration ≤ 250 ms at 10⁵ certificates;
a cached poll costs at most twice a single look-up (both are one query).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.credential_issuer import credential_issuer  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Certificate  # noqa: E402
from app.services import catalog, credentials  # noqa: E402
from app.services.accounts.users import create_user  # noqa: E402
from app.services.catalog.standard import STANDARD_COURSES  # noqa: E402
from app.services.certificates.codes import generate_code  # noqa: E402
from app.services.credentials import badges, keys  # noqa: E402
from app.services.verification.lookup import find_by_code  # noqa: E402
from bench import private_name  # noqa: E402
from config import Config  # noqa: E402
from tests.support import databases  # noqa: E402

DATABASE = private_name("lifeline_bench_credentials")
SIGN_TARGET = 300  # credentials per second
REGENERATION_TARGET_MS = 250
POLL_TARGET = 2


def seed(count: int) -> None:
    catalog.load_catalog(db.session, STANDARD_COURSES)
    holder = create_user(db.session, email="holder@bench.test", full_name="Bench Holder",
                         password=None, roles=["learner"])
    courses = catalog.list_courses(db.session)
    today, now = date.today(), datetime.now(UTC)
    for start in range(0, count, 10_000):
        rows = []
        for number in range(start, min(start + 10_000, count)):
            course = courses[number % len(courses)]
            expires = today + timedelta(days=(number % 900) - 100)
            rows.append({
                "code": generate_code(), "holder_id": holder.id, "holder_name": "Bench Holder",
                "course_id": course.id, "course_code": course.code, "course_title": course.title,
                "course_family": course.family, "level": course.level,
                "topics_mask": course.topics_mask, "guidelines_mask": course.guidelines_mask,
                "training_center": "Bench Center", "issued_on": expires - timedelta(days=700),
                "expires_on": expires, "created_at": now,
                "revoked_at": now - timedelta(minutes=number) if number % 50 == 0 else None,
            })
        db.session.execute(sa.insert(Certificate), rows)
    db.session.commit()
    # Visibility map and statistics as autovacuum keeps them on a live database.
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            sa.text("VACUUM ANALYZE certificate"))


def rate(work, items: list, rounds: int = 3) -> float:
    """Items per second, the best of a few rounds (the least disturbed by other load)."""
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            work(item)
        best = max(best, len(items) / (time.perf_counter() - started))
    return best


def median_ms(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args(argv)
    url = databases.fresh_postgres_database(args.database_url, DATABASE)
    config = type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024,
        "CREDENTIAL_SIGNING_KEY": keys.private_pem(Ed25519PrivateKey.generate())})
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed(args.certificates)
        issuer = credential_issuer()
        sample = list(db.session.scalars(sa.select(Certificate).options(
            sa.orm.joinedload(Certificate.holder)).limit(500)))
        now = datetime.now(UTC)
        unsigned = [badges.unsigned_credential(c, issuer) for c in sample]
        signed_rate = rate(lambda c: credentials.credential_for(c, issuer, now), sample)
        json_rate = rate(lambda d: json.dumps(d), unsigned)
        signed = [credentials.credential_for(c, issuer, now) for c in sample[:100]]
        cache = credentials.StatusListCache()
        verify_rate = rate(lambda d: credentials.verify_credential(db.session, d, issuer, cache,
                                                                   now), signed)

        def regenerate():
            credentials.revocation_list(db.session, issuer, credentials.StatusListCache())
            db.session.rollback()

        codes = [c.code for c in sample]
        regeneration = median_ms(regenerate, 9)
        poll = median_ms(lambda: (credentials.revocation_list(db.session, issuer, cache),
                                  db.session.rollback()), 30)
        lookup = median_ms(lambda: (find_by_code(db.session, codes[7]), db.session.rollback()), 30)
        revoked = db.session.scalar(sa.select(sa.func.count()).where(
            Certificate.revoked_at.is_not(None)))
        list_size = len(credentials.revocation_list(db.session, issuer, cache).body)
        db.session.remove()
        db.engine.dispose()
    print(f"PostgreSQL, {args.certificates:,} certificates, {revoked:,} revoked; "
          f"status list credential {list_size:,} bytes")
    print(f"credentials signed: {signed_rate:,.0f}/s; plain JSON serialisation: "
          f"{json_rate:,.0f}/s; verified: {verify_rate:,.0f}/s")
    print(f"ratio JSON serialisation / signed credential: {json_rate / signed_rate:.1f}")
    print(f"status list regeneration: {regeneration:.1f} ms; cached poll: {poll:.2f} ms; "
          f"single look-up: {lookup:.2f} ms")
    print(f"ratio regeneration / single look-up: {regeneration / lookup:.1f}")
    print(f"ratio cached poll / single look-up: {poll / lookup:.2f}")
    print(f"targets: signed ≥ {SIGN_TARGET}/s, regeneration ≤ {REGENERATION_TARGET_MS} ms, "
          f"poll ≤ {POLL_TARGET} × look-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
