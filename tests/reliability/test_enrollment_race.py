"""Rule 1 under concurrency: 50 learners at the same instant into 10 seats, on each database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ClassSession, Enrollment, User
from app.models.base import utcnow
from app.services.enrollment import seats as service
from tests import factories
from tests.reliability.race import enroll_all_at_once, holds, private_engine, run_together

LEARNERS, SEATS = 50, 10


def race_once(engine) -> object:
    class_session = factories.ClassSessionFactory(capacity=SEATS)
    learner_ids = [factories.learner().id for _ in range(LEARNERS)]
    return enroll_all_at_once(engine, learner_ids, class_session.id)


@pytest.fixture
def race_engine(any_db_app):
    engine = private_engine(str(db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


def test_fifty_learners_at_once_fill_ten_seats_and_queue_the_rest(race_engine):
    result = race_once(race_engine)
    assert result.errors == []
    assert result.enrolled == result.seats_taken == SEATS
    assert result.statuses.count("waitlisted") == LEARNERS - SEATS
    assert result.waitlist_positions == list(range(1, LEARNERS - SEATS + 1))


def test_two_cancellations_racing_promote_two_different_learners(race_engine):
    class_session = factories.ClassSessionFactory(capacity=2)
    holders = [factories.EnrollmentFactory(session=class_session) for _ in range(2)]
    waiting = [service.enroll(db.session, factories.learner(), class_session.id, utcnow())
               for _ in range(3)]
    pairs = [(holder.learner_id, holder.id) for holder in holders]

    def cancel_job(learner_id, enrollment_id):
        def job(session):
            actor = session.get(User, learner_id)
            return service.cancel_enrollment(session, actor, enrollment_id, utcnow()).status
        return job

    outcomes, errors = run_together(race_engine, [cancel_job(*pair) for pair in pairs])
    assert errors == [] and outcomes == ["cancelled", "cancelled"]
    db.session.expire_all()
    statuses = {e.id: e.status for e in db.session.scalars(
        select(Enrollment).where(Enrollment.id.in_([w.id for w in waiting])))}
    assert statuses == {waiting[0].id: "enrolled", waiting[1].id: "enrolled",
                        waiting[2].id: "waitlisted"}
    assert db.session.get(ClassSession, class_session.id).seats_taken == 2


@pytest.mark.slow
def test_the_race_holds_every_time_over_many_runs(race_engine):
    runs = 10
    held = sum(holds(race_once(race_engine), SEATS, LEARNERS) for _ in range(runs))
    assert held == runs
