"""Seats held while a learner pays (API-2.md §2): a hold is a seat taken in the same atomic
claim as an enrollment, with an end; a lapsed hold is released in bulk and never counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from app.models import ClassSession, Enrollment, Payment, PromoCode
from app.services import audit
from app.services.errors import InvalidPromoCode
from app.services.language.text import N_

HELD = "pending_payment"


@dataclass(frozen=True)
class Charge:
    """What an enrollment will owe, priced before its seat is claimed."""

    provider: str
    amount_cents: int
    currency: str
    discount_cents: int = 0
    promo_code_id: int | None = None
    # Set when the provider takes the money online: a seat is then held, not given.
    hold_minutes: int | None = None

    @property
    def holds_seat(self) -> bool:
        return self.hold_minutes is not None and self.amount_cents > 0


def seat_status(charge: Charge | None, claimed: bool) -> str:
    """The new enrollment's status once the claim is decided."""
    if not claimed:
        return "waitlisted"
    return HELD if charge is not None and charge.holds_seat else "enrolled"


def attach_payment(session: Session, enrollment: Enrollment, charge: Charge | None,
                   now: datetime) -> Payment | None:
    """Record what the new enrollment owes (and take its promo code's use when it has a seat:
    a waitlisted learner's use counts once a seat is theirs, API-2 §2); no commit."""
    if charge is None or (charge.amount_cents == 0 and charge.promo_code_id is None):
        return None
    if charge.promo_code_id is not None and enrollment.status != "waitlisted":
        take_promo_use(session, charge.promo_code_id)
    if charge.amount_cents == 0:
        status = "not_required"
    elif enrollment.status == HELD:
        status = "pending"
        enrollment.hold_expires_at = now + timedelta(minutes=charge.hold_minutes)
    else:
        status = "unpaid"
    payment = Payment(enrollment_id=enrollment.id, provider=charge.provider, status=status,
                      amount_cents=charge.amount_cents, discount_cents=charge.discount_cents,
                      currency=charge.currency, promo_code_id=charge.promo_code_id,
                      hold_minutes=charge.hold_minutes, created_at=now, updated_at=now)
    session.add(payment)
    enrollment.payment = payment
    return payment


def take_promo_use(session: Session, promo_code_id: int) -> None:
    """Count one use of the code, atomically: the last use cannot be taken twice."""
    taken = session.execute(
        update(PromoCode)
        .where(PromoCode.id == promo_code_id,
               (PromoCode.max_uses.is_(None)) | (PromoCode.uses < PromoCode.max_uses))
        .values(uses=PromoCode.uses + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise InvalidPromoCode(N_("This promo code has been used up."))


def count_promoted_promo_use(session: Session, enrollment: Enrollment) -> None:
    """A waitlisted learner given a seat starts counting against their code. The price was
    promised when they joined the waitlist, so the seat is not refused if the code has since
    been used up: the use is counted even past its limit."""
    payment = enrollment.payment
    if payment is not None and payment.promo_code_id is not None:
        session.execute(update(PromoCode).where(PromoCode.id == payment.promo_code_id)
                        .values(uses=PromoCode.uses + 1)
                        .execution_options(synchronize_session=False))


def give_back_promo_uses(session: Session, promo_code_ids) -> None:
    """An enrollment that neither paid nor keeps a seat stops counting against its code."""
    for promo_code_id, count in Counter(i for i in promo_code_ids if i is not None).items():
        session.execute(
            update(PromoCode).where(PromoCode.id == promo_code_id, PromoCode.uses >= count)
            .values(uses=PromoCode.uses - count).execution_options(synchronize_session=False))


def promoted_status(enrollment: Enrollment, now: datetime) -> str:
    """A waitlisted learner given a seat: held (their own hold starts now) when they owe money
    to an online provider, else enrolled."""
    payment = enrollment.payment
    if (payment is None or payment.hold_minutes is None or payment.status != "unpaid"
            or payment.amount_cents == 0):
        return "enrolled"
    enrollment.hold_expires_at = now + timedelta(minutes=payment.hold_minutes)
    payment.status, payment.updated_at = "pending", now
    return HELD


def hold_context(enrollment: Enrollment) -> dict:
    """What a mail about a held seat adds: the payment link, the amount and the hold's end."""
    payment = enrollment.payment
    return {"pay_path": f"/enrollments/{enrollment.id}/pay",
            "hold_expires_at": enrollment.hold_expires_at.isoformat(),
            "amount_cents": payment.amount_cents, "currency": payment.currency}


def _lapsed(now: datetime, class_session_id: int | None):
    enrollment = Enrollment.__table__.c
    where = [enrollment.status == HELD, enrollment.hold_expires_at <= now]
    if class_session_id is not None:
        where.append(enrollment.session_id == class_session_id)
    return where


def lapsed_holds_query(now: datetime, class_session_id: int | None = None):
    """The bare selection of every hold whose time has passed (the bench's reference)."""
    enrollment = Enrollment.__table__.c
    return select(enrollment.id, enrollment.session_id).where(*_lapsed(now, class_session_id))


def release_lapsed(session: Session, now: datetime,
                   class_session_id: int | None = None) -> dict[int, int]:
    """Release every lapsed hold (of one session, or all) in a few set-based statements:
    enrollment cancelled, payment expired, seat and promo use given back. Answers the
    released count per session; the caller promotes from the waitlist. No commit."""
    session.flush()
    connection = session.connection()  # Core statements: no ORM work per released row
    enrollment, payment = Enrollment.__table__.c, Payment.__table__.c
    seats = ClassSession.__table__.c
    # Lock the sessions first, in id order, as every enrollment does: no deadlock.
    connection.execute(select(seats.id).where(seats.id.in_(
        select(enrollment.session_id).where(*_lapsed(now, class_session_id))))
        .order_by(seats.id).with_for_update())
    # The condition is evaluated again under the locks: a hold paid meanwhile is left alone.
    released = connection.execute(
        update(Enrollment.__table__).where(*_lapsed(now, class_session_id))
        .values(status="cancelled", cancelled_at=now, updated_at=now)
        .returning(enrollment.id, enrollment.session_id)).all()
    if not released:
        return {}
    # The rows this call just released, named by the moment it stamped on them, so the
    # statements below never carry 10⁴ ids back and forth.
    just_released = select(enrollment.id).where(
        enrollment.status == "cancelled", enrollment.cancelled_at == now,
        enrollment.hold_expires_at <= now)
    their_payments = (payment.status == "pending", payment.enrollment_id.in_(just_released))
    promo = PromoCode.__table__.c
    connection.execute(update(PromoCode.__table__).where(promo.id.in_(
        select(payment.promo_code_id).where(*their_payments))).values(
        uses=promo.uses - select(func.count()).where(
            payment.promo_code_id == promo.id, *their_payments).scalar_subquery()))
    connection.execute(update(Payment.__table__).where(*their_payments)
                       .values(status="expired", updated_at=now))
    per_session = Counter(row.session_id for row in released)
    connection.execute(
        update(ClassSession.__table__).where(seats.id == bindparam("released_session"))
        .values(seats_taken=seats.seats_taken - bindparam("released_count")),
        [{"released_session": session_id, "released_count": count}
         for session_id, count in sorted(per_session.items())])
    ids_of: dict[int, list[int]] = {}
    for row in released:
        ids_of.setdefault(row.session_id, []).append(row.id)
    audit.record_many(session, None, "holds.released", "class_session", [
        (session_id, {"enrollments": sorted(ids)}) for session_id, ids in sorted(ids_of.items())])
    session.expire_all()  # the statements bypassed the ORM: loaded rows must be re-read
    return dict(per_session)


def sessions_with_waitlist(session: Session, session_ids) -> list[ClassSession]:
    """Of these sessions, those with learners waiting (the ones a release should promote)."""
    ids = list(session_ids)
    if not ids:
        return []
    waiting = set(session.scalars(select(Enrollment.session_id).distinct().where(
        Enrollment.session_id.in_(ids), Enrollment.status == "waitlisted")))
    return [session.get(ClassSession, i) for i in sorted(waiting)]
