"""Benchmark: import 10⁵ legacy certificate rows on PostgreSQL, against a bare Core insert.

    .venv/bin/python bench/import.py [--rows N] [--database-url URL]

Each run, on a private database made anew (`lifeline_bench_records`):
1. reference: a bare SQLAlchemy Core executemany insert of the same rows the import writes
   (the new learners, their roles and the certificates), from dicts built beforehand;
2. the import itself: read the CSV text, check every row, resolve courses/codes/learners,
   insert, commit — as `flask certificates import` does;
3. the export of every certificate, streamed, in rows per second.
It prints the figures and the ratio import / reference (target ≤ 5).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Certificate, Course, User  # noqa: E402
from app.models.user import UserRole  # noqa: E402
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES  # noqa: E402
from app.services.records import (
    exporting,
    importing,  # noqa: E402
)
from bench import private_name  # noqa: E402
from tests.support import databases  # noqa: E402

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
CENTER = "Lifeline Training Center"
CERTIFICATES_PER_HOLDER = 4
TARGET_RATIO = 5


def legacy_csv(rows: int, course_codes: list[str]) -> str:
    """A legacy file: a few certificates per holder, codes as an old system wrote them."""
    out = io.StringIO()
    out.write(",".join(importing.COLUMNS) + "\n")
    first_day = date(2019, 1, 1)
    for number in range(rows):
        holder = number // CERTIFICATES_PER_HOLDER
        issued = first_day + timedelta(days=(number * 7) % 2500)
        revoked = "revoked,Issued in error" if number % 97 == 0 else ","
        out.write(f"LEG-{number:07d},Holder {holder},holder{holder}@example.org,"
                  f"{course_codes[number % len(course_codes)]},{issued.isoformat()},,"
                  f"Trainer {number % 17},AHA,EXT{number},{revoked}\n")
    return out.getvalue()


def fresh_catalog() -> list[str]:
    """Empty every table and load the standard catalog; the course codes."""
    databases.wipe(db)
    catalog.load_catalog(db.session, STANDARD_COURSES)
    return list(db.session.scalars(sa.select(Course.code).order_by(Course.code)))


def reference_insert(text: str) -> float:
    """Seconds for a bare Core insert of the same learners, roles and certificates."""
    records, _ = importing.read_records(io.StringIO(text))
    plan = importing.check(db.session, records, today=TODAY)
    db.session.rollback()
    user_ids = {email: index + 1 for index, email in enumerate(plan.new_learners)}
    users = [{"id": user_ids[email], "email": email, "full_name": name, "active": True,
              "reminders_opt_out": False, "created_at": NOW}
             for email, name in plan.new_learners.items()]
    roles = [{"user_id": user_id, "role": "learner"} for user_id in user_ids.values()]
    certificates = []
    for values in plan.certificates:
        row = {key: value for key, value in values.items() if key not in ("holder_email", "revoked")}
        row.update(holder_id=user_ids[values["holder_email"]], training_center=CENTER,
                   created_at=NOW, revoked_at=NOW if values["revoked"] else None,
                   revoked_by_id=None)
        certificates.append(row)
    started = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(sa.insert(User.__table__), users)
        connection.execute(sa.insert(UserRole.__table__), roles)
        connection.execute(sa.insert(Certificate.__table__), certificates)
    return time.perf_counter() - started


def timed_import(text: str) -> tuple[float, importing.ImportSummary]:
    started = time.perf_counter()
    plan, summary = importing.import_text(db.session, io.StringIO(text), actor=None, now=NOW,
                                          today=TODAY, training_center=CENTER, source="bench")
    elapsed = time.perf_counter() - started
    if plan.errors:
        raise SystemExit(f"bench file has errors: {plan.errors[:3]}")
    return elapsed, summary


def timed_export() -> tuple[float, int]:
    started, lines = time.perf_counter(), 0
    for piece in exporting.export_csv(db.session, today=TODAY):
        lines += piece.count("\n")
    db.session.rollback()
    return time.perf_counter() - started, lines - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or os.environ.get("TEST_DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    url = args.database_url
    if url.startswith("postgres"):
        url = databases.private_postgres_url(url, purpose=private_name("bench_records"))
    app = create_app(databases.config_for(url))
    databases.ensure_migrated(app)
    with app.app_context():
        text = legacy_csv(args.rows, fresh_catalog())
        reference = reference_insert(text)
        fresh_catalog()
        elapsed, summary = timed_import(text)
        export_seconds, exported = timed_export()
        dialect = db.engine.dialect.name
        databases.wipe(db)
        db.engine.dispose()
    ratio = elapsed / reference
    print(f"database: {dialect}, rows: {args.rows}, new learners: {summary.learners_created}")
    print(f"reference Core insert: {reference:.2f} s ({args.rows / reference:,.0f} rows/s)")
    print(f"import: {elapsed:.2f} s ({args.rows / elapsed:,.0f} rows/s); {summary}")
    print(f"ratio import / reference: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    print(f"export: {exported} rows in {export_seconds:.2f} s ({exported / export_seconds:,.0f} rows/s)")
    return 0 if ratio <= TARGET_RATIO and exported == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
