"""Promo codes for staff: create one (percent or amount off, dates, use limit, courses), list."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Course, PromoCode, User
from app.services import audit
from app.services.errors import Conflict, Invalid
from app.services.payments.pricing import normalise_code, promo_code_by_code

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,63}")


@one_transaction
def create_promo_code(session: Session, actor: User, *, code: str, percent_off: int | None,
                      amount_off_cents: int | None, valid_from: date | None = None,
                      valid_until: date | None = None, max_uses: int | None = None,
                      course_codes: list[str] | None = None) -> PromoCode:
    """A new promo code; its code is unique whatever the case. Commits."""
    code = normalise_code(code or "")
    if not CODE_PATTERN.fullmatch(code):
        raise Invalid.field("code", "2 to 64 letters, digits, '-' or '_'.")
    if (percent_off is None) == (amount_off_cents is None):
        raise Invalid.field("percent_off", "Give percent_off or amount_off_cents, not both.")
    if percent_off is not None and not 1 <= percent_off <= 100:
        raise Invalid.field("percent_off", "Must be 1 to 100.")
    if amount_off_cents is not None and amount_off_cents < 1:
        raise Invalid.field("amount_off_cents", "Must be at least 1.")
    if valid_from and valid_until and valid_until < valid_from:
        raise Invalid.field("valid_until", "Must not come before valid_from.")
    if max_uses is not None and max_uses < 1:
        raise Invalid.field("max_uses", "Must be at least 1.")
    courses = _courses(session, course_codes or [])
    if promo_code_by_code(session, code) is not None:
        raise Conflict("A promo code with this code exists.")
    promo = PromoCode(code=code, percent_off=percent_off, amount_off_cents=amount_off_cents,
                      valid_from=valid_from, valid_until=valid_until, max_uses=max_uses,
                      uses=0, courses=courses)
    session.add(promo)
    try:
        session.flush()
    except IntegrityError as error:  # created at the same moment by another request
        raise Conflict("A promo code with this code exists.") from error
    audit.record(session, actor, "promo_code.created", "promo_code", promo.id, code=code)
    return promo


def _courses(session: Session, codes: list[str]) -> list[Course]:
    wanted = {c.strip().upper() for c in codes}
    found = list(session.scalars(select(Course).where(Course.code.in_(wanted)))) if wanted else []
    missing = wanted - {c.code.upper() for c in found}
    if missing:
        raise Invalid.field("courses", f"No course has the code {', '.join(sorted(missing))}.")
    return found


def list_promo_codes(session: Session) -> list[PromoCode]:
    return list(session.scalars(select(PromoCode).order_by(PromoCode.code)))
