"""A certificate of a learner who came through an employer's order joins that organisation's
watch list when it is issued (API-2.md §3), so renewals and expiry reminders show up there
without anyone retyping its code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate, OrderRedemption, SeatOrder, WatchListEntry


def watch_issued(session: Session, certificate: Certificate) -> None:
    """Add a new certificate to the watch list of the organisation whose order paid for its
    class, if it came through one; no commit."""
    if certificate.enrollment_id is None:
        return
    organisation_id = session.scalar(
        select(SeatOrder.organisation_id).join(OrderRedemption)
        .where(OrderRedemption.enrollment_id == certificate.enrollment_id))
    if organisation_id is None:
        return
    watched = session.scalar(select(WatchListEntry.id).where(
        WatchListEntry.organisation_id == organisation_id,
        WatchListEntry.certificate_id == certificate.id))
    if watched is None:
        session.add(WatchListEntry(organisation_id=organisation_id, certificate_id=certificate.id,
                                   employee_name=certificate.holder.full_name[:200],
                                   created_at=certificate.created_at))
