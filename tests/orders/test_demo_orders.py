"""The demo seed's employer training: Mercy Hospital's order with two redeemed seats (payment
covered, the class's seat count in step) and a private class request waiting for staff."""

from __future__ import annotations

from sqlalchemy import select

from app.models import ClassRequest, SeatOrder
from app.services import accounts, orders
from tests.services.test_demo import seeded


def test_the_demo_has_an_order_with_two_redeemed_seats_and_a_class_request(db):
    seeded(db)
    employer = accounts.user_by_email(db.session, "hr@employer.test")
    [order] = orders.orders_of(db.session, employer)
    assert (order.organisation.name, order.seats, order.seats_used) == ("Mercy Hospital", 5, 2)
    assert order.organisation.billing_email == "ap@employer.test"
    redeemed = orders.redemptions(db.session, order)
    assert {r.learner_email for r in redeemed} == {"maria.santos@lifeline.test",
                                                   "grace.kim@lifeline.test"}
    assert {r.enrollment_status for r in redeemed} == {"enrolled"}
    class_session = db.session.get(SeatOrder, order.id).redemptions[0].enrollment.session
    assert class_session.seats_taken == 2 and not class_session.private
    [request] = db.session.scalars(select(ClassRequest))
    assert (request.status, request.headcount) == ("requested", 14)
    assert orders.voucher_order(db.session, order.voucher_code.lower()).id == order.id
