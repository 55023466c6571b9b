"""Races for the enrollment service: many learners at the same instant, each thread on its
own database connection (shared by the reliability tests and bench/enrollment_race.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.models import ClassSession, Enrollment, User
from app.models.base import utcnow
from app.services import enrollment as service


@dataclass
class RaceResult:
    statuses: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seats_taken: int = 0
    enrolled: int = 0
    waitlist_positions: list[int] = field(default_factory=list)
    seconds: float = 0.0


def private_engine(url: str) -> Engine:
    """An engine opening a fresh connection per session, so every thread has its own."""
    connect_args = {"timeout": 60} if url.startswith("sqlite") else {}
    return create_engine(url, poolclass=NullPool, connect_args=connect_args)


def connect(session: Session, attempts: int = 100) -> None:
    """Open the session's connection, waiting while a shared server has no free slot."""
    for attempt in range(attempts):
        try:
            session.connection()
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            session.rollback()
            time.sleep(0.1)


def run_together(engine: Engine, jobs: list[Callable[[Session], object]]) -> tuple[list, list]:
    """Run each job in its own thread and session, all released at the same instant."""
    start = threading.Barrier(len(jobs))
    lock = threading.Lock()
    outcomes: list = []
    errors: list[str] = []

    def run(job) -> None:
        with Session(engine) as session:
            connect(session)  # before the start line: the race measures enrolling, not connecting
            start.wait()
            try:
                outcome = job(session)
                with lock:
                    outcomes.append(outcome)
            except Exception as error:  # noqa: BLE001  (every failure is a finding here)
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


def enroll_all_at_once(engine: Engine, learner_ids: list[int], class_id: int) -> RaceResult:
    """Every learner enrolls in the session at once; report what the database then holds."""

    def job_for(learner_id: int):
        def job(session: Session) -> str:
            learner = session.get(User, learner_id)
            return service.enroll(session, learner, class_id, utcnow()).status
        return job

    started = time.perf_counter()
    statuses, errors = run_together(engine, [job_for(i) for i in learner_ids])
    result = RaceResult(statuses=statuses, errors=errors,
                        seconds=time.perf_counter() - started)
    with Session(engine) as session:
        result.seats_taken = session.get(ClassSession, class_id).seats_taken
        rows = list(session.scalars(select(Enrollment).where(Enrollment.session_id == class_id)))
        result.enrolled = sum(1 for row in rows if row.status == "enrolled")
        result.waitlist_positions = sorted(service.waitlist_positions(session, rows).values())
    return result


def holds(result: RaceResult, capacity: int, learners: int) -> bool:
    """Exactly `capacity` seated, the rest waitlisted 1..n, and no request failed."""
    return (not result.errors and result.enrolled == capacity == result.seats_taken
            and result.statuses.count("enrolled") == capacity
            and result.waitlist_positions == list(range(1, learners - capacity + 1)))
