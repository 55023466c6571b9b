"""The demo's employer training (API-2.md §3): Mercy Hospital's billing details, an open order
of BLS renewal seats with two of them redeemed (payment covered), and a private on-site class
requested and waiting for staff. The two confirmations are in the outbox as already sent, for
staff to read; no mail is queued: the demo's addresses are not real."""

from __future__ import annotations

from datetime import timedelta

from app.demo import data as demo_data
from app.models import ClassRequest, Notification, OrderRedemption, Payment
from app.services import enrollment as enrollment_service
from app.services.orders.placing import add_order

ORDER_COURSE = "BLS-HCP-R"
ORDER_SEATS = 5
REDEEMED_BY = ("maria.santos@lifeline.test", "grace.kim@lifeline.test")
REQUEST_COURSE = "HS-PEDS-FA-CPR"


def seed_orders(seeder) -> None:
    """Add the order, its two redemptions and the class request to the seeder's transaction."""
    employer = seeder.users[demo_data.EMPLOYER_EMAIL]
    organisation = employer.organisation
    organisation.billing_contact = "Accounts payable, Mercy Hospital"
    organisation.billing_email = "ap@employer.test"
    organisation.address = "45 Elm Ave, Springfield"
    seeder.session.flush()
    class_session = seeder.sessions_by_course[ORDER_COURSE][0]
    order = add_order(seeder.session, employer, organisation_id=organisation.id,
                      course=seeder.courses[ORDER_COURSE], seats=ORDER_SEATS,
                      class_session=None, currency="usd",
                      now=seeder.now - timedelta(days=3))
    for place, email in enumerate(REDEEMED_BY):
        enrollment = seeder.enroll(class_session, email, "enrolled", 20 + place)
        seeder.session.flush()
        seeder.session.add(Payment(
            enrollment_id=enrollment.id, provider="manual", status="covered",
            amount_cents=order.amount_cents // order.seats, currency=order.currency,
            method="invoice", reference=f"order {order.id}", created_at=enrollment.created_at,
            updated_at=enrollment.created_at))
        seeder.session.add(OrderRedemption(order_id=order.id, enrollment_id=enrollment.id,
                                           created_at=enrollment.created_at))
        seeder.session.add(sent_confirmation(enrollment))
    order.seats_used = len(REDEEMED_BY)
    seeder.session.add(ClassRequest(
        organisation_id=organisation.id, requested_by_id=employer.id,
        course=seeder.courses[REQUEST_COURSE], headcount=14,
        preferred_dates=[(seeder.today + timedelta(days=days)).isoformat() for days in (21, 28)],
        location="Mercy Hospital Pediatric Ward, 45 Elm Ave", status="requested",
        notes="Nurses of the pediatric ward; mornings suit best.", created_at=seeder.now))


def sent_confirmation(enrollment) -> Notification:
    """The enrollment's confirmation, delivered a minute after the seat was taken."""
    sent_at = enrollment.created_at + timedelta(minutes=1)
    return Notification(
        kind="enrollment_confirmed", event_key=f"enrollment_confirmed:{enrollment.id}",
        recipient_id=enrollment.learner.id, recipient_email=enrollment.learner.email,
        context=enrollment_service.mail_context(enrollment), subject_type="enrollment",
        subject_id=enrollment.id, status="sent", attempts=1,
        next_attempt_at=enrollment.created_at, sent_at=sent_at, created_at=enrollment.created_at)
