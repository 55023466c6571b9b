"""What the e-mails say: a seat mail gives the price, the place with a map link and what to
bring; a reminder's call to action books a renewal of the holder's body and level with a free
seat; only reminders carry the unsubscribe footer."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models.base import utcnow
from app.services import notifications
from app.services.enrollment import seats
from app.services.notifications import mail
from tests import factories

UNSUBSCRIBE = "Don't want renewal reminders?"


def rendered(app, notification) -> tuple[str, str, str]:
    context = mail.template_context(db.session, notification, app.config)
    return mail.render(app.jinja_env, notification.kind, context)


def queued(kind: str, recipient, context=None, **fields):
    row = notifications.enqueue(db.session, kind=kind, recipient=recipient,
                                event_key=f"{kind}:{factories.generate_code()}",
                                context=context or {}, **fields)
    db.session.commit()
    return row


def test_a_seat_mail_gives_price_place_with_a_map_and_no_unsubscribe_footer(app):
    course = factories.CourseFactory(price_cents=6500)
    class_session = factories.ClassSessionFactory(course=course, location="Room B, 120 Harbor St")
    seat = factories.EnrollmentFactory(session=class_session)
    row = queued("enrollment_confirmed", seat.learner, seats.mail_context(seat),
                 subject=("enrollment", seat.id))
    _, text, html = rendered(app, row)
    for body in (text, html):
        assert "$65.00" in body and "Room B, 120 Harbor St" in body
        assert "openstreetmap.org/search?query=Room%20B%2C%20120%20Harbor%20St" in body
        assert UNSUBSCRIBE not in body


def test_a_reminder_books_a_renewal_of_the_same_body_and_level_with_a_free_seat(app):
    renewal = factories.CourseFactory(family="first_aid", level="lay_rescuer", renewal=True,
                                      topics_mask=0b1001, guidelines_mask=0b10, title="ARC renewal")
    aha = factories.CourseFactory(family="first_aid", level="lay_rescuer", topics_mask=0b1001,
                                  guidelines_mask=0b1, title="AHA class")
    soon = utcnow().replace(microsecond=0) + timedelta(days=3)
    factories.ClassSessionFactory(course=aha, starts_at=soon)  # another body's class
    full = factories.ClassSessionFactory(course=renewal, starts_at=soon, capacity=1)
    factories.EnrollmentFactory(session=full)
    free = factories.ClassSessionFactory(course=renewal, starts_at=soon + timedelta(days=2))
    card = factories.CertificateFactory(course=renewal, course_family="first_aid",
                                        level="lay_rescuer", topics_mask=0b1001,
                                        guidelines_mask=0b10,
                                        expires_on=factories.center_today() + timedelta(days=30))
    row = queued("renewal_reminder", card.holder, certificate_id=card.id, reminder_window=30)
    _, text, html = rendered(app, row)
    assert f'<a href="{app.config["PUBLIC_BASE_URL"]}/sessions/{free.id}"' in html
    assert "Book your renewal</a>" in html and "See your certificates" not in html
    assert f"/sessions/{full.id}" not in text + html and "AHA class" not in text + html
    assert "Book your renewal: ARC renewal" in text
    assert UNSUBSCRIBE in text and UNSUBSCRIBE in html
