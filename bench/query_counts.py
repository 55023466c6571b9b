"""Benchmark: SQL statements per page at 1 row and at N rows — a page with an N+1 grows.

    .venv/bin/python -m bench.query_counts [--rows N] [--json]

On a migrated SQLite temp database, through the Flask test client signed in as the page's
user, it counts the statements a `before_cursor_execute` listener on the engine sees for:
the instructor's roster of a session (N seat holders, each with a certificate), the learner's
`/me` (N upcoming places, N waitlist places, N past classes and N certificates, each class a
course and instructor of its own), the employer's watch list (N entries) and a bulk check of
N codes. Target: the count at N rows equals the count at 1 row. Exit status 1 when not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask import g  # noqa: E402
from flask_login.utils import _create_identifier  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import WatchListEntry  # noqa: E402
from app.models.base import utcnow  # noqa: E402

# Users made here never sign in with a password: skip hashing one per row.
NO_PASSWORD = {"password_hash": None}


@dataclass(frozen=True)
class PageVisit:
    """Who asks for which page, and how (a GET, or a POST with form data)."""

    user: object
    path: str
    form: dict | None = None


@contextmanager
def counting_statements(engine: sa.Engine) -> Iterator[list[str]]:
    """Collect every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def sign_in(client, user) -> None:
    """Put the user in the test client's session, fresh, as Flask-Login would."""
    g.pop("_login_user", None)  # the pushed app context would keep the previous user
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


def statements_for(client, visit: PageVisit) -> list[str]:
    """The statements one request for the page sends (after a warm-up request)."""
    sign_in(client, visit.user)

    def ask():
        # Nothing cached from seeding or an earlier request: every row is loaded as in
        # production, so a lazy load per row shows up as a statement per row.
        db.session.remove()
        g.pop("_login_user", None)
        if visit.form is None:
            response = client.get(visit.path)
        else:
            response = client.post(visit.path, data=visit.form)
        if response.status_code != 200:
            raise RuntimeError(f"{visit.path} answered {response.status_code}")
        return response

    ask()
    with counting_statements(db.engine) as statements:
        ask()
    return statements


# --- seeding: each makes the page's rows and returns the visit -------------------------------

def _factories():
    from tests import factories  # the test factories: imported late, they need the app's db
    return factories


def _session(**fields):
    factories = _factories()
    return factories.ClassSessionFactory(
        instructor=factories.UserFactory(roles=["instructor"], **NO_PASSWORD), **fields)


def roster_rows(rows: int) -> PageVisit:
    """A started class with `rows` seat holders, each passed with a certificate."""
    factories = _factories()
    teacher = factories.instructor()
    started = utcnow().replace(microsecond=0) - timedelta(hours=2)
    class_session = factories.ClassSessionFactory(instructor=teacher, starts_at=started,
                                                  capacity=max(rows, 1))
    for _ in range(rows):
        enrollment = factories.EnrollmentFactory(
            session=class_session, status="passed",
            learner=factories.UserFactory(roles=["learner"], **NO_PASSWORD))
        factories.CertificateFactory(holder=enrollment.learner, course=class_session.course,
                                     enrollment_id=enrollment.id, session_id=class_session.id)
    return PageVisit(teacher, f"/instructor/sessions/{class_session.id}")


def me_rows(rows: int) -> PageVisit:
    """A learner with `rows` each of upcoming, waitlisted and past classes and certificates."""
    factories = _factories()
    learner = factories.learner()
    now = utcnow().replace(microsecond=0)
    for _ in range(rows):
        factories.EnrollmentFactory(learner=learner, session=_session())
        full = _session(capacity=1, seats_taken=1)
        factories.EnrollmentFactory(learner=learner, session=full, status="waitlisted")
        factories.EnrollmentFactory(learner=learner, status="passed", session=_session(
            starts_at=now - timedelta(days=30)))
        factories.CertificateFactory(holder=learner)
    return PageVisit(learner, "/me")


def _watched_certificates(rows: int) -> tuple[object, list]:
    factories = _factories()
    boss = factories.employer()
    certificates = [
        factories.CertificateFactory(
            holder=factories.UserFactory(roles=["learner"], **NO_PASSWORD),
            expires_on=date.today() + timedelta(days=20 + number))
        for number in range(rows)
    ]
    return boss, certificates


def watch_list_rows(rows: int) -> PageVisit:
    """An employer whose organisation watches `rows` certificates of different holders."""
    boss, certificates = _watched_certificates(rows)
    db.session.add_all(WatchListEntry(organisation_id=boss.organisation_id,
                                      certificate_id=certificate.id,
                                      employee_name=certificate.holder_name,
                                      added_by_id=boss.id) for certificate in certificates)
    db.session.commit()
    return PageVisit(boss, "/employer")


def bulk_check_rows(rows: int) -> PageVisit:
    """A bulk check of `rows` pasted codes against the BLS requirement."""
    boss, certificates = _watched_certificates(rows)
    text = "\n".join(f"{c.code},{c.holder_name}" for c in certificates)
    return PageVisit(boss, "/employer/checks", {"codes_text": text, "requirement": "bls"})


PAGES: dict[str, Callable[[int], PageVisit]] = {
    "instructor roster": roster_rows,
    "learner /me": me_rows,
    "employer watch list": watch_list_rows,
    "employer bulk check": bulk_check_rows,
}


def count_page(app, wipe: Callable[[], None], seed: Callable[[int], PageVisit],
               rows: int) -> int:
    """Statements for the page seeded with `rows` rows, on a database emptied before and after."""
    wipe()
    try:
        return len(statements_for(app.test_client(), seed(rows)))
    finally:
        wipe()


def measure(app, wipe: Callable[[], None], rows: int) -> dict[str, tuple[int, int]]:
    """Per page: (statements at 1 row, statements at `rows` rows)."""
    return {name: (count_page(app, wipe, seed, 1), count_page(app, wipe, seed, rows))
            for name, seed in PAGES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="one JSON object, for bench.run_all")
    args = parser.parse_args(argv)

    from app import create_app
    from tests.support import databases

    # In memory-backed /dev/shm when there is one: seeding commits row by row, and fsync
    # on a disk would make it the slowest part of the benchmark.
    folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
    handle, path = tempfile.mkstemp(prefix="lifeline-bench-queries-", suffix=".db", dir=folder)
    os.close(handle)
    try:
        app = create_app(databases.config_for(f"sqlite:///{path}"))
        databases.ensure_migrated(app)
        with app.app_context():
            counts = measure(app, lambda: databases.wipe(db), args.rows)
            db.engine.dispose()
    finally:
        os.unlink(path)
    equal = all(one == many for one, many in counts.values())
    if args.json:
        print(json.dumps({"rows": args.rows, "pages": counts, "equal": equal}))
    else:
        print(f"SQLite, statements per request at 1 row and at {args.rows} rows")
        for name, (one, many) in counts.items():
            verdict = "equal" if one == many else "GROWS (N+1)"
            print(f"{name}: {one} at 1, {many} at {args.rows} — {verdict}")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
