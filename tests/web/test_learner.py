"""The learner's journey on the web: find, enroll, waitlist, cancel, /me, reminder opt-out."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.models import Enrollment, Notification, User
from app.services import catalog
from app.services.catalog.standard import STANDARD_COURSES
from app.services.enrollment import calendar_invites
from app.services.notifications import mail
from tests import factories
from tests.support.pages import visible_text, with_class


def notifications(db, kind):
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)
                                   .order_by(Notification.id)))


def test_new_nurse_registers_finds_bls_enrolls_and_gets_an_invite(client, db, app, login):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    bls = factories.ClassSessionFactory(course=catalog.course_by_code(db.session, "BLS-HCP"),
                                        location="Sim Lab 2")
    client.post("/register", data={"full_name": "Nora Nurse", "email": "nora@example.test",
                                   "password": "long enough pw", "confirm": "long enough pw"})
    client.post("/login", data={"email": "nora@example.test", "password": "long enough pw"})
    finder = client.get("/?who=nurse").get_data(as_text=True)
    assert f"/sessions/{bls.id}" in finder and "Sim Lab 2" in finder
    response = client.post(f"/sessions/{bls.id}/enroll", follow_redirects=True)
    assert "enrolled. A confirmation with a calendar invite" in response.get_data(as_text=True)
    [confirmation] = notifications(db, "enrollment_confirmed")
    assert confirmation.recipient.email == "nora@example.test"
    [(name, mimetype, body)] = calendar_invites.invite_attachments(db.session, confirmation, app.config)
    assert (name, mimetype) == ("class.ics", "text/calendar; method=REQUEST")
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert event.decoded("dtstart") == bls.starts_at
    assert str(event["location"]) == "Sim Lab 2"
    assert str(event["uid"]) == f"enrollment-{confirmation.subject_id}@lifeline.test"
    message = mail.compose(db.session, confirmation, app.config, app.jinja_env)
    assert "AHA BLS for Healthcare Providers" in message["Subject"]
    assert any(part.get_filename() == "class.ics" for part in message.iter_attachments())


def test_full_session_waitlists_and_a_cancellation_promotes_the_first(client, db, login):
    class_session = factories.ClassSessionFactory(capacity=1)
    holder = factories.EnrollmentFactory(session=class_session)
    first, second = factories.learner(), factories.learner()
    for learner in (first, second):
        login(learner)
        page = client.post(f"/sessions/{class_session.id}/enroll", follow_redirects=True)
        assert "on the waitlist" in page.get_data(as_text=True)
    assert "number 2 on the waitlist" in client.get(
        f"/sessions/{class_session.id}").get_data(as_text=True)
    login(holder.learner)
    response = client.post(f"/enrollments/{holder.id}/cancel")
    assert response.status_code == 302 and response.location == "/me"
    [promoted] = notifications(db, "waitlist_promoted")
    assert promoted.recipient_id == first.id
    statuses = {e.learner_id: e.status for e in db.session.scalars(select(Enrollment))}
    assert statuses == {holder.learner_id: "cancelled", first.id: "enrolled",
                        second.id: "waitlisted"}


def test_cancelling_a_seat_in_a_full_class_asks_first_and_says_it_goes_to_the_waitlist(
        client, db, login):
    class_session = factories.ClassSessionFactory(capacity=1)
    holder = factories.EnrollmentFactory(session=class_session)
    waiting = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    login(holder.learner)
    me = client.get("/me").get_data(as_text=True)
    assert f'href="/enrollments/{holder.id}/cancel"' in me  # a link to the step, not a post
    assert f'action="/enrollments/{holder.id}/cancel"' not in me
    step = client.get(f"/enrollments/{holder.id}/cancel")
    text = visible_text(step.get_data(as_text=True))
    assert step.status_code == 200 and "Cancel your seat in" in text
    assert "is full. Your seat goes at once to the next person on the waitlist (1 waiting)" in text
    assert "Keep my place" in text and "This cannot be undone." in text
    db.session.expire_all()
    assert db.session.get(Enrollment, holder.id).status == "enrolled"  # showing it changes nothing
    assert f'action="/enrollments/{holder.id}/cancel"' in step.get_data(as_text=True)
    login(waiting.learner)
    text = visible_text(client.get(f"/enrollments/{waiting.id}/cancel").get_data(as_text=True))
    assert "You are number 1 on the waitlist" in text and "end of the list" in text
    assert client.get(f"/enrollments/{holder.id}/cancel").status_code == 404  # not theirs


def test_refusals_come_back_as_a_message_on_the_session_page(client, db, login):
    class_session = factories.ClassSessionFactory()
    learner = factories.learner()
    login(learner)
    client.post(f"/sessions/{class_session.id}/enroll")
    again = client.post(f"/sessions/{class_session.id}/enroll", follow_redirects=True)
    assert "already hold a seat" in again.get_data(as_text=True)
    assert client.post("/sessions/999999/enroll").status_code == 404


def test_another_learners_enrollment_cannot_be_cancelled(client, db, login):
    enrollment = factories.EnrollmentFactory()
    login(factories.learner())
    assert client.post(f"/enrollments/{enrollment.id}/cancel").status_code == 404
    assert client.post("/enrollments/424242/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).status == "enrolled"


def test_visitors_pressing_enroll_are_sent_to_sign_in_and_back(client, db):
    class_session = factories.ClassSessionFactory()
    response = client.post(f"/sessions/{class_session.id}/enroll")
    assert response.status_code == 302 and "/login" in response.location
    back = client.get(f"/sessions/{class_session.id}/enroll")
    assert back.location.endswith(f"/sessions/{class_session.id}")


def test_my_page_lists_classes_waitlist_places_and_certificates(client, db, login):
    learner = factories.learner()
    seat = factories.EnrollmentFactory(learner=learner)
    full = factories.ClassSessionFactory(capacity=1, location="Crowded Room")
    factories.EnrollmentFactory(session=full)
    factories.EnrollmentFactory(session=full, learner=learner, status="waitlisted")
    certificate = factories.CertificateFactory(holder=learner)
    login(learner)
    html = client.get("/me").get_data(as_text=True)
    assert seat.session.location in html and "Seat held" in html
    assert "Waitlist, number 1" in html
    assert certificate.code in html and f"/api/v1/certificates/{certificate.code}/card.pdf" in html
    assert "Valid" in html


def test_my_page_is_for_learners(client, db, login):
    assert client.get("/me").status_code == 302
    login(factories.employer())
    assert client.get("/me").status_code == 403


def test_reminder_opt_out_is_saved_from_my_page(client, db, login):
    learner = factories.learner()
    login(learner)
    client.post("/me/reminders", data={})
    db.session.expire_all()
    assert db.session.get(User, learner.id).reminders_opt_out is True
    client.post("/me/reminders", data={"reminders": "y"})
    db.session.expire_all()
    assert db.session.get(User, learner.id).reminders_opt_out is False


def test_garbage_input_on_learner_and_account_pages_never_gives_a_500(client, db, login):
    junk = {"email": "x" * 5000, "password": "\x00" * 3, "full_name": "é" * 300,
            "confirm": "", "remember": "maybe", "next": "//evil", "reminders": "???",
            "current_password": ["a", "b"]}
    login(factories.learner())
    for path in ("/login", "/register", "/forgot-password", "/reset-password/%00%ff",
                 "/account/password", "/me/reminders", "/sessions/0/enroll",
                 "/sessions/-1/enroll", "/enrollments/0/cancel", "/logout"):
        response = client.post(path, data=junk)
        assert response.status_code < 500, path
    for path in ("/sessions/0", "/?who=%ff&date_from=9999-99-99&level=" + "z" * 999,
                 "/reset-password/" + "a" * 3000, "/me"):
        assert client.get(path).status_code < 500, path


def test_my_page_shows_my_name_and_each_certificate_as_a_labelled_card(client, db, login):
    learner = factories.learner(full_name="Rosa Parks")
    today = factories.center_today()
    soon = factories.CertificateFactory(holder=learner, expires_on=today + timedelta(days=12))
    later = factories.CertificateFactory(holder=learner, expires_on=today + timedelta(days=61))
    login(learner)
    page = client.get("/me").get_data(as_text=True)
    assert "<h1>Rosa Parks</h1>" in page and "Signed in as Rosa Parks" in visible_text(page)
    cards = [card.text for card in with_class(page, "card")]
    [soon_card] = [text for text in cards if soon.code in text]
    [later_card] = [text for text in cards if later.code in text]
    assert "Expiring 12 days left" in soon_card and "Valid 61 days left" in later_card
    for label in ("Code", "Issued", "Valid through", "Wallet card (PDF)"):
        assert label in later_card
    assert later.expires_on.strftime("%A, %B %-d, %Y") in later_card
    assert later.expires_on.isoformat() not in visible_text(page)
