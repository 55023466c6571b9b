"""The staff home: what needs doing today, in words; the audit log in pages of plain sentences."""

from __future__ import annotations

from datetime import timedelta

from app.models.base import utcnow
from app.services import audit, notifications
from app.services.enrollment import seats
from tests import factories
from tests.factories import DEFAULT_PASSWORD
from tests.support.login import _csrf_field, log_out
from tests.support.pages import visible_text


def test_the_dashboard_lists_what_needs_doing_today(db, login):
    finished = factories.class_under_way()[0]
    finished.ends_at = utcnow() - timedelta(minutes=5)
    full = factories.ClassSessionFactory(capacity=1, location="Crowded Room")
    factories.EnrollmentFactory(session=full)
    factories.EnrollmentFactory(session=full, status="waitlisted")
    factories.CertificateFactory(expires_on=factories.center_today() + timedelta(days=10))
    db.session.commit()
    text = visible_text(login(factories.admin()).get("/admin/").get_data(as_text=True))
    assert "1 roster to finalise" in text and "1 class with a waitlist" in text
    assert "1 card expiring within 30 days" in text and "0 failed messages" in text
    nearly_full = text[text.index("Classes nearly full"):text.index("Cards expiring soon")]
    assert "Crowded Room" in nearly_full and "1 waiting" in text


def test_events_read_as_sentences_not_codes(db, login):
    admin = factories.admin(full_name="Alex Morgan")
    class_session = factories.ClassSessionFactory()
    audit.record(db.session, admin, "roster_finalised", "class_session", class_session.id)
    db.session.commit()
    client = login(admin)
    home = visible_text(client.get("/admin/").get_data(as_text=True))
    assert f"Alex Morgan finalised a roster · class {class_session.id}" in home
    assert "roster_finalised class_session" not in home
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "finalised a roster" in visible_text(log)
    for _ in range(30):
        audit.record(db.session, admin, "course.updated", "course", 1)
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count('data-label="Time"') == 25 and "Older →" in first


def test_an_outgoing_message_opens_and_a_reset_link_stays_hidden(db, login, app):
    seat = factories.EnrollmentFactory()
    confirmation = notifications.enqueue(
        db.session, kind="enrollment_confirmed", recipient=seat.learner,
        event_key=f"enrollment_confirmed:{seat.id}", context=seats.mail_context(seat),
        subject=("enrollment", seat.id))
    reset = notifications.enqueue(db.session, kind="password_reset", recipient=seat.learner,
                                  event_key=f"reset:{seat.id}",
                                  context={"reset_path": "/reset/SECRET", "valid_minutes": 30})
    db.session.commit()
    client = login(factories.admin())
    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert f'href="/admin/outbox/{confirmation.id}"' in listing
    text = visible_text(client.get(f"/admin/outbox/{confirmation.id}").get_data(as_text=True))
    assert seat.session.course.title in text and seat.learner.email in text
    assert "You have a seat in" in text
    hidden = client.get(f"/admin/outbox/{reset.id}").get_data(as_text=True)
    assert "SECRET" not in hidden and "not shown to staff" in hidden
    assert client.get("/admin/outbox/999999").status_code == 404


def test_each_role_lands_on_its_home_and_the_nav_marks_it(client, db):
    for user, home, label in ((factories.admin(), "/admin", "Admin"),
                              (factories.instructor(), "/instructor", "Teaching"),
                              (factories.employer(), "/employer", "Employer"),
                              (factories.learner(full_name="Lee Learner"), "/me", "My classes")):
        data = {"email": user.email, "password": DEFAULT_PASSWORD, **_csrf_field(client, "/login")}
        response = client.post("/login", data=data)
        assert response.status_code == 302 and response.location == home, user.email
        page = client.get(home, follow_redirects=True).get_data(as_text=True)
        assert f'<a href="{home}" aria-current="page">{label}</a>' in page
        assert page.count('aria-current="page"') >= 1
        assert f"Signed in as {user.full_name}" in visible_text(page)
        log_out(client)
