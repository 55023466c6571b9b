"""Orders under concurrency, on each database: session orders and single enrollments racing
for the same seats never overbook, and a voucher's last seat is used once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ClassSession, Enrollment, SeatOrder, User
from app.models.base import utcnow
from app.services import orders
from app.services.enrollment import seats as enrollment_service
from tests import factories
from tests.reliability.race import private_engine, run_together

CAPACITY = 10


@pytest.fixture
def race_engine(any_db_app):
    engine = private_engine(str(db.engine.url.render_as_string(hide_password=False)))
    yield engine
    engine.dispose()


def test_orders_and_single_enrollments_together_never_overbook(race_engine):
    class_session = factories.ClassSessionFactory(capacity=CAPACITY, price_cents=0)
    employer_ids = [factories.employer().id for _ in range(4)]
    learner_ids = [factories.learner().id for _ in range(8)]
    code, class_id = class_session.course.code, class_session.id

    def order_job(employer_id):
        def job(session):
            employer = session.get(User, employer_id)
            return ("order", orders.place_order(session, employer, code, 3, class_id, utcnow(),
                                                "usd").seats)
        return job

    def enroll_job(learner_id):
        def job(session):
            learner = session.get(User, learner_id)
            return ("enroll", enrollment_service.enroll(session, learner, class_id,
                                                        utcnow()).status)
        return job

    jobs = [order_job(e) for e in employer_ids] + [enroll_job(learner) for learner in learner_ids]
    outcomes, errors = run_together(race_engine, jobs)
    assert all(e.startswith("NotEnoughSeats") for e in errors), errors
    db.session.expire_all()
    ordered = db.session.scalar(select(func.coalesce(func.sum(SeatOrder.seats), 0))
                                .where(SeatOrder.session_id == class_id))
    enrolled = db.session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.session_id == class_id, Enrollment.status == "enrolled"))
    taken = db.session.get(ClassSession, class_id).seats_taken
    assert taken == ordered + enrolled <= CAPACITY
    # 12 seats ordered and 8 learners asked for more than there is: the class ends up full,
    # unless single seats came first and left fewer than one order's three.
    assert taken > CAPACITY - 3
    statuses = [outcome for kind, outcome in outcomes if kind == "enroll"]
    assert statuses.count("enrolled") == enrolled
    assert len(statuses) == len(learner_ids)


def test_the_last_seat_of_a_voucher_is_used_once(race_engine):
    class_session = factories.ClassSessionFactory(capacity=CAPACITY)
    employer = factories.employer()
    order = orders.place_order(db.session, employer, class_session.course.code, 1, None,
                               utcnow(), "usd")
    voucher, class_id = order.voucher_code, class_session.id
    learner_ids = [factories.learner().id for _ in range(6)]

    def redeem_job(learner_id):
        def job(session):
            learner = session.get(User, learner_id)
            return orders.redeem(session, learner, class_id, voucher, utcnow()).status
        return job

    outcomes, errors = run_together(race_engine, [redeem_job(i) for i in learner_ids])
    assert outcomes == ["enrolled"]
    assert len(errors) == 5 and all("VoucherUsedUp" in e for e in errors), errors
    db.session.expire_all()
    assert db.session.get(SeatOrder, order.id).seats_used == 1
    assert db.session.get(ClassSession, class_id).seats_taken == 1
