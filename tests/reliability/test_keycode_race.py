"""The keycode bank under concurrency (API-2.md §4): learners enrolling at the same instant in
several classes of one blended course never get the same key, on each database."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Enrollment, Keycode, User
from app.models.base import utcnow
from app.services.enrollment import seats as service
from tests import factories
from tests.reliability.race import connect, private_engine
from tests.support.blended import blended_course, load
from tests.support.concurrency import run_together

CLASSES, LEARNERS_EACH, KEYS = 3, 8, 16


@pytest.fixture
def race_engine(any_db_app):
    engine = private_engine(str(db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


def test_concurrent_enrollments_never_share_a_keycode(race_engine):
    course = blended_course()
    load(course, *[f"HC-{n:04d}" for n in range(KEYS)])
    classes = [factories.ClassSessionFactory(course=course, capacity=LEARNERS_EACH)
               for _ in range(CLASSES)]
    queue = [(factories.learner().id, class_session.id) for class_session in classes
             for _ in range(LEARNERS_EACH)]
    start, lock, errors = threading.Barrier(len(queue)), threading.Lock(), []

    def enroll_one() -> None:
        with lock:
            learner_id, class_id = queue.pop()
        with Session(race_engine) as session:
            connect(session)
            start.wait()
            try:
                service.enroll(session, session.get(User, learner_id), class_id, utcnow())
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                with lock:
                    errors.append(repr(error))

    run_together(enroll_one, len(queue))
    db.session.expire_all()
    assert errors == []
    enrolled = db.session.scalar(select(func.count()).select_from(Enrollment)
                                 .where(Enrollment.status == "enrolled"))
    holders = list(db.session.scalars(select(Keycode.enrollment_id)
                                      .where(Keycode.enrollment_id.is_not(None))))
    assert enrolled == CLASSES * LEARNERS_EACH
    assert len(holders) == len(set(holders)) == KEYS  # every key handed out once, none twice
