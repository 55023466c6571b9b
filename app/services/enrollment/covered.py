"""Seats paid by an employer's order: a private class takes only its order's voucher, and a
cancelled enrollment gives its seat back to the order (a session order's stays set aside)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import ClassSession, Enrollment, OrderRedemption, SeatOrder
from app.services.errors import Forbidden
from app.services.language.text import N_


def public_only(class_session: ClassSession | None) -> ClassSession | None:
    """The session as given, unless it is private: Forbidden then, since only its order's
    voucher enrolls in it (app.services.orders.redeem)."""
    if class_session is not None and class_session.private:
        raise Forbidden(N_("This is a private class: enroll with the voucher your employer sent."))
    return class_session


def kept(session: Session, enrollment: Enrollment) -> bool:
    """When the enrollment used an order's voucher, count its use back; answers whether the
    seat stays set aside in the class for that order (a session order), so the caller keeps
    the class's seat count as it is."""
    order = session.scalar(select(SeatOrder).join(OrderRedemption)
                           .where(OrderRedemption.enrollment_id == enrollment.id))
    if order is None:
        return False
    session.execute(update(SeatOrder).where(SeatOrder.id == order.id, SeatOrder.seats_used > 0)
                    .values(seats_used=SeatOrder.seats_used - 1)
                    .execution_options(synchronize_session=False))
    session.expire(order, ["seats_used"])
    return order.session_id == enrollment.session_id


def carry_over(session: Session, old: Enrollment, new: Enrollment) -> None:
    """A transferred learner's payment, and the order voucher it used, move with them to the
    new enrollment: what they paid (or their employer did) pays for the new seat, is refunded
    by its cancellation, and nothing stays behind on the old one."""
    if old.payment is not None:
        old.payment.enrollment = new
    session.execute(update(OrderRedemption).where(OrderRedemption.enrollment_id == old.id)
                    .values(enrollment_id=new.id).execution_options(synchronize_session=False))
