"""Prices and promo codes: a session's price (the course's unless the session sets its own),
less a promo code's percent or amount off, checked for its dates, courses and uses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ClassSession, PromoCode
from app.services.enrollment.holds import Charge
from app.services.errors import InvalidPromoCode
from app.services.language.text import N_
from app.services.payments.settings import PaymentSettings

MAX_CODE_LENGTH = 64


def normalise_code(code: str) -> str:
    """Codes are case-insensitive: stored and compared upper-case, without outer spaces."""
    return code.strip().upper()


def promo_code_by_code(session: Session, code: str) -> PromoCode | None:
    return session.scalar(select(PromoCode).where(
        func.upper(PromoCode.code) == normalise_code(code)))


def usable_promo_code(session: Session, code: str, class_session: ClassSession,
                      today: date) -> PromoCode:
    """The promo code, if it may be used for this class today; InvalidPromoCode otherwise.
    The use limit is checked here for the message and again atomically when the use is taken."""
    promo = promo_code_by_code(session, code) if len(code) <= MAX_CODE_LENGTH else None
    if promo is None:
        raise InvalidPromoCode(N_("No promo code is called that."))
    if (promo.valid_from and today < promo.valid_from) or (
            promo.valid_until and today > promo.valid_until):
        raise InvalidPromoCode(N_("This promo code is not valid today."))
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise InvalidPromoCode(N_("This promo code has been used up."))
    if promo.courses and class_session.course_id not in {c.id for c in promo.courses}:
        raise InvalidPromoCode(N_("This promo code is not for this course."))
    return promo


def discount_cents(promo: PromoCode, price_cents: int) -> int:
    """The amount a code takes off a price (never more than the price)."""
    if promo.percent_off is not None:
        return min(price_cents, price_cents * promo.percent_off // 100)
    return min(price_cents, promo.amount_off_cents)


def charge_for(session: Session, class_session: ClassSession, promo_code: str | None,
               settings: PaymentSettings, today: date) -> Charge:
    """What enrolling in the class will cost under these settings (no write)."""
    price = class_session.price_due_cents
    promo = None
    if promo_code is not None and promo_code.strip():
        promo = usable_promo_code(session, promo_code, class_session, today)
    off = discount_cents(promo, price) if promo else 0
    return Charge(provider=settings.provider, amount_cents=price - off,
                  currency=settings.currency, discount_cents=off,
                  promo_code_id=promo.id if promo else None,
                  hold_minutes=settings.hold_minutes if settings.holds_seats else None)
