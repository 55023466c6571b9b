"""Invitations (API-2.md §3): the employer pastes or uploads addresses; each is mailed the
voucher's redeem link through the outbox. The same address is one invitation; sending it
again is a resend."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import OrderInvitation, SeatOrder, User
from app.services import audit, notifications
from app.services.accounts import normalise_email, user_by_email
from app.services.errors import Invalid, NotFound
from app.services.orders.placing import visible_order

MAX_ADDRESSES = 500
# Shape only (one @, a dot in the domain, no spaces); the mail server has the last word.
_ADDRESS = re.compile(r"[^@\s,;<>\"']{1,64}@[^@\s,;<>\"']+\.[^@\s,;<>\"']{2,}")
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Invitee:
    """Someone without an account yet: the outbox needs only an address."""

    email: str
    id: None = None
    full_name: str = ""


def addresses_from_text(text: str) -> list[str]:
    """The addresses in pasted text (separated by line breaks, commas, semicolons or spaces)."""
    return [part for part in _SEPARATORS.split(text or "") if part]


def addresses_from_csv(content: bytes) -> list[str]:
    """The first column of a CSV upload; a header cell that is no address is skipped."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid.field("file", "The file must be a CSV in UTF-8.") from error
    rows = [row[0].strip() for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    if rows and "@" not in rows[0]:
        rows = rows[1:]
    return rows


def checked_addresses(addresses: list[str]) -> list[str]:
    """The addresses lower-cased, each once, in the order given; Invalid when one is not an
    address, none is given, or there are more than 500."""
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise Invalid.field("emails", "Give a list of e-mail addresses.")
    wrong = [a for a in addresses if _ADDRESS.fullmatch(a.strip()) is None]
    if wrong:
        raise Invalid.field("emails", "Not an e-mail address: " + ", ".join(wrong[:5])
                            + (" …" if len(wrong) > 5 else "") + ".")
    unique = list(dict.fromkeys(normalise_email(a) for a in addresses))
    if not unique:
        raise Invalid.field("emails", "Give at least one e-mail address.")
    if len(unique) > MAX_ADDRESSES:
        raise Invalid.field("emails", f"Invite at most {MAX_ADDRESSES} addresses at a time.")
    return unique


def _employers_order(session: Session, employer: User, order_id: int) -> SeatOrder:
    order = visible_order(session, employer, order_id)
    if not employer.has_role("employer") or employer.organisation_id != order.organisation_id:
        raise NotFound("No order of yours has this id.")
    return order


@one_transaction
def invite(session: Session, employer: User, order_id: int, addresses: list[str],
           now: datetime) -> int:
    """Mail each address the order's redeem link (again, for one invited before); answers
    how many were mailed."""
    order = _employers_order(session, employer, order_id)
    emails = checked_addresses(addresses)
    known = {i.email: i for i in session.scalars(select(OrderInvitation).where(
        OrderInvitation.order_id == order.id, OrderInvitation.email.in_(emails)))}
    for email in emails:
        invitation = known.get(email)
        if invitation is None:
            invitation = OrderInvitation(order_id=order.id, email=email, times_sent=0,
                                         created_at=now)
            session.add(invitation)
        invitation.times_sent += 1
        invitation.last_sent_at = now
        session.flush()
        _mail(session, order, invitation)
    audit.record(session, employer, "order.invited", "seat_order", order.id,
                 count=len(emails))
    return len(emails)


def _mail(session: Session, order: SeatOrder, invitation: OrderInvitation) -> None:
    recipient = user_by_email(session, invitation.email) or Invitee(email=invitation.email)
    notifications.enqueue(
        session, kind="order_invitation", recipient=recipient,
        event_key=f"order_invitation:{invitation.id}:{invitation.times_sent}",
        subject=("seat_order", order.id),
        context={"order_id": order.id, "organisation": order.organisation.name,
                 "course_code": order.course.code, "course_title": order.course.title,
                 "redeem_path": f"/redeem/{order.voucher_code}",
                 "voucher_code": order.voucher_code})
