"""The three mails of §3 composed as they go out: the invitation (to an address with no
account), the scheduled private class, and the invoice with its PDF to the billing contact."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.services import orders
from app.services.notifications import mail
from tests import factories


def composed(app, kind: str):
    notification = db.session.scalar(select(Notification).where(Notification.kind == kind))
    return mail.compose(db.session, notification, app.config, app.jinja_env)


def test_an_invitation_to_someone_without_an_account_carries_the_redeem_link(app, db):
    employer = factories.employer(organisation=factories.OrganisationFactory(name="Mercy"))
    course = factories.CourseFactory(title="BLS Provider")
    order = orders.place_order(db.session, employer, course.code, 3, None, utcnow(), "usd")
    orders.invite(db.session, employer, order.id, ["new.nurse@example.test"], utcnow())
    message = composed(app, "order_invitation")
    assert message["To"].addresses[0].addr_spec == "new.nurse@example.test"
    assert message["Subject"] == "Mercy has a seat for you in BLS Provider"
    text = message.get_body(("plain",)).get_content()
    assert f"http://lifeline.test/redeem/{order.voucher_code}" in text
    assert "List-Unsubscribe" not in message


def test_the_scheduled_class_mail_gives_the_date_and_the_invite_tools(app, db):
    employer = factories.employer()
    course = factories.CourseFactory(title="Pediatric CPR")
    request = orders.request_class(
        db.session, employer, course_code=course.code, headcount=10,
        preferred_dates=[factories.center_today() + timedelta(days=9)], location="School gym",
        notes=None, today=factories.center_today(), now=utcnow())
    starts = utcnow().replace(microsecond=0) + timedelta(days=9)
    teacher = factories.authorised_instructor(course.family)
    orders.schedule_request(db.session, factories.admin(), request.id, starts_at=starts,
                            ends_at=starts + timedelta(hours=3), location="School gym",
                            instructor_email=teacher.email, capacity=10,
                            zone_name="America/New_York", currency="usd", now=utcnow())
    message = composed(app, "class_scheduled")
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"].startswith("Your private class is scheduled: Pediatric CPR")
    assert "School gym" in text and f"/employer/orders/{request.order_id}" in text


def test_the_invoice_mail_goes_to_the_billing_contact_with_the_pdf(app, db):
    organisation = factories.OrganisationFactory(billing_email="ap@mercy.example",
                                                 billing_contact="Ada Accounts")
    employer = factories.employer(organisation=organisation)
    order = orders.place_order(db.session, employer, factories.CourseFactory().code, 2, None,
                               utcnow(), "usd")
    orders.mail_invoice(db.session, factories.admin(), order.id)
    message = composed(app, "order_invoice")
    assert message["To"].addresses[0].addr_spec == "ap@mercy.example"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"INV-{order.id:06d}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert "100.00 USD" in message.get_body(("plain",)).get_content()
