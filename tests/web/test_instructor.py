"""Instructor pages: my classes, the roster form, finalising, fresh login, refusals."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from app.errors import error_response
from app.models import Certificate, Enrollment, Notification
from app.services.errors import Invalid
from config import TestConfig
from tests import factories
from tests.support.pages import visible_text


def form_for(seats, outcomes, **extra) -> dict:
    data = dict(extra)
    for index, (enrollment, outcome) in enumerate(zip(seats, outcomes, strict=True)):
        data[f"rows-{index}-enrollment_id"] = str(enrollment.id)
        data[f"rows-{index}-outcome"] = outcome
        data[f"rows-{index}-score"] = ""
        data[f"rows-{index}-remark"] = ""
    return data


def certificates(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_my_classes_lists_todays_and_upcoming_sessions_only_mine(client, login, todays_class):
    class_session, _ = todays_class
    later = factories.ClassSessionFactory(instructor=class_session.instructor)
    factories.ClassSessionFactory()  # someone else's
    login(class_session.instructor)
    page = client.get("/instructor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/instructor/sessions/{class_session.id}" in html
    assert f"/instructor/sessions/{later.id}" in html
    assert html.count("/instructor/sessions/") == 2
    assert "Today" in html


def test_marking_two_passed_and_a_no_show_and_finalising_issues_two_certificates(
        client, login, db, todays_class):
    class_session, seats = todays_class
    login(class_session.instructor)
    roster = client.get(f"/instructor/sessions/{class_session.id}").get_data(as_text=True)
    assert all(e.learner.email in roster for e in seats)
    data = form_for(seats, ["passed", "passed", "no_show"], finalise="Save and finalise")
    step = client.post(f"/instructor/sessions/{class_session.id}", data=data)
    text = visible_text(step.get_data(as_text=True))
    names = [e.learner.full_name for e in seats]
    assert step.status_code == 200 and "Finalise the roster of" in text
    assert f"It will issue 2 new certificates, to {names[0]}, {names[1]}," in text
    assert f"No certificate for {names[2]} (no-show)." in text and "locked" in text
    assert certificates(db) == 0 and class_session.finalised_at is None  # nothing done yet
    response = client.post(f"/instructor/sessions/{class_session.id}",
                           data={**data, "confirmed": "1"})
    assert response.status_code == 302
    assert certificates(db) == 2
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "certificate_issued")) == 2
    db.session.expire_all()
    assert class_session.finalised_at is not None
    page = client.get(f"/instructor/sessions/{class_session.id}").get_data(as_text=True)
    codes = db.session.scalars(select(Certificate.code)).all()
    assert all(code in page for code in codes)
    assert "outcomes are locked" in page


def test_a_double_submitted_form_issues_nothing_new(client, login, db, todays_class):
    class_session, seats = todays_class
    login(class_session.instructor)
    data = form_for(seats, ["passed", "failed", ""], save="Save outcomes")
    for _ in range(2):
        assert client.post(f"/instructor/sessions/{class_session.id}", data=data).status_code == 302
    assert certificates(db) == 1


def test_changing_a_finalised_outcome_is_refused_on_the_page(client, login, db, todays_class):
    class_session, seats = todays_class
    login(class_session.instructor)
    url = f"/instructor/sessions/{class_session.id}"
    client.post(url, data=form_for(seats, ["passed", "failed", "no_show"], finalise="1", confirmed="1"))
    response = client.post(url, data=form_for(seats, ["passed", "passed", "no_show"], save="1"))
    assert response.status_code == 409
    assert "finalised" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enrollment, seats[1].id).status == "failed"


def test_recording_before_the_class_starts_shows_not_started(client, login, db):
    class_session = factories.ClassSessionFactory()
    seats = [factories.EnrollmentFactory(session=class_session)]
    login(class_session.instructor)
    response = client.post(f"/instructor/sessions/{class_session.id}",
                           data=form_for(seats, ["passed"], save="1"))
    assert response.status_code == 422
    assert "once the class has started" in response.get_data(as_text=True)
    assert certificates(db) == 0


def test_recording_needs_a_fresh_login(client, login, db, todays_class):
    class_session, seats = todays_class
    login(class_session.instructor, fresh=False)
    response = client.post(f"/instructor/sessions/{class_session.id}",
                           data=form_for(seats, ["passed", "passed", "passed"], save="1"))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert certificates(db) == 0


def test_a_remembered_instructor_sees_the_roster_but_is_asked_to_sign_in_again_to_record(
        client, login, todays_class):
    class_session, seats = todays_class
    login(class_session.instructor, fresh=False)
    roster = client.get(f"/instructor/sessions/{class_session.id}")
    assert roster.status_code == 200
    response = client.post(f"/instructor/sessions/{class_session.id}",
                           data=form_for(seats, ["passed", "passed", "passed"], save="1"),
                           follow_redirects=True)
    assert "Please sign in again to confirm it is you." in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["other_instructor", "learner", "employer"])
def test_roster_page_refuses_anyone_but_its_instructor_or_an_admin(client, login, db,
                                                                   todays_class, who):
    class_session, seats = todays_class
    user = {"other_instructor": factories.instructor, "learner": factories.learner,
            "employer": factories.employer}[who]()
    login(user)
    url = f"/instructor/sessions/{class_session.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data=form_for(seats, ["passed"] * 3, save="1")).status_code == 403
    assert certificates(db) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, todays_class):
    class_session, _ = todays_class
    for url in ("/instructor", f"/instructor/sessions/{class_session.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_may_open_any_roster(client, login, todays_class):
    class_session, seats = todays_class
    login(factories.admin())
    page = client.get(f"/instructor/sessions/{class_session.id}")
    assert page.status_code == 200
    assert seats[0].learner.full_name in page.get_data(as_text=True)


def test_instructor_records_the_awarding_bodys_card_id(client, login, db, todays_class):
    class_session, seats = todays_class
    login(class_session.instructor)
    client.post(f"/instructor/sessions/{class_session.id}",
                data=form_for(seats, ["passed", "", ""], save="1"))
    certificate = db.session.scalars(select(Certificate)).one()
    response = client.post(f"/instructor/certificates/{certificate.id}/external-card",
                           data={"issuer": "AHA eCard", "external_id": "215512345678"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert (certificate.external_issuer, certificate.external_id) == ("AHA eCard", "215512345678")
    login(factories.instructor())
    refused = client.post(f"/instructor/certificates/{certificate.id}/external-card",
                          data={"issuer": "ARC", "external_id": "X"})
    assert refused.status_code == 403


def test_an_admin_corrects_a_finalised_outcome_on_the_page(client, login, db, todays_class):
    class_session, seats = todays_class
    url = f"/instructor/sessions/{class_session.id}"
    login(class_session.instructor)
    client.post(url, data=form_for(seats, ["passed", "failed", "no_show"], finalise="1", confirmed="1"))
    login(factories.admin())
    assert "you may still correct them" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=form_for(seats, ["passed", "passed", "no_show"], save="1"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, seats[1].id).status == "passed"
    assert certificates(db) == 2


def test_todays_classes_come_first_then_upcoming_then_recent(client, login, db):
    zone = ZoneInfo(TestConfig.CENTER_TIMEZONE)
    noon = datetime.combine(factories.center_today(), time(12), zone).astimezone(ZoneInfo("UTC"))
    today = factories.ClassSessionFactory(starts_at=noon)
    later = factories.ClassSessionFactory(instructor=today.instructor)
    login(today.instructor)
    text = visible_text(client.get("/instructor").get_data(as_text=True))
    assert text.index("Today") < text.index(today.course.title) < text.index("Upcoming")
    assert text.index("Upcoming") < text.rindex(later.course.title) < text.index("Recent")


def test_finalising_without_every_outcome_says_so_without_a_field_name(client, login, db,
                                                                       todays_class):
    class_session, seats = todays_class
    login(class_session.instructor)
    data = form_for(seats, ["passed", "passed", ""], finalise="1", confirmed="1")
    response = client.post(f"/instructor/sessions/{class_session.id}", data=data)
    text = visible_text(response.get_data(as_text=True))
    assert response.status_code == 422 and "Record an outcome for every learner" in text
    assert "results:" not in text


def test_an_error_page_shows_field_messages_without_their_names_and_links_home(app, db):
    refusal = Invalid.field("results", "Record an outcome for every learner before finalising.")
    with app.test_request_context("/instructor", headers={"Accept": "text/html"}):
        login_user(factories.instructor())
        page, status, _ = error_response(refusal.status, refusal.code, refusal.message,
                                         refusal.fields)
    text = visible_text(page)
    assert status == 422 and "Record an outcome for every learner" in text
    assert "results" not in text and "Back to your home page" in text
