"""Blended courses on the web: the learner's online part on /me (with the keycode and the
body's course link), the roster's list of who is missing it, and the admin keycode bank."""

from __future__ import annotations

import io
from datetime import timedelta

from app.center import to_local
from app.extensions import db
from app.models.base import utcnow
from app.services import blended
from tests import factories
from tests.support.blended import blended_class, blended_course, load

YESTERDAY = (factories.center_today() - timedelta(days=1)).isoformat()


def test_me_shows_the_keycode_and_course_link_and_takes_the_online_part(client, login):
    course = blended_course()
    load(course, "KEY-77")
    class_session, (seat,) = blended_class(utcnow() + timedelta(days=3), learners=1, course=course)
    blended.assign_keycode(db.session, seat, utcnow())
    db.session.commit()
    login(seat.learner)
    page = client.get("/me").get_data(as_text=True)
    assert "KEY-77" in page and course.online_course_url in page and "Not recorded yet" in page
    answer = client.post(f"/me/enrollments/{seat.id}/online-part", follow_redirects=True,
                         data={"completed_on": YESTERDAY, "certificate_id": "HC-5",
                               "pdf": (io.BytesIO(b"%PDF-1.4 done"), "done.pdf")},
                         content_type="multipart/form-data")
    assert "Online part saved." in answer.get_data(as_text=True)
    assert seat.online_part.certificate_id == "HC-5" and seat.online_part.pdf_name == "done.pdf"
    pdf = client.get(f"/enrollments/{seat.id}/online-part.pdf")
    assert (pdf.status_code, pdf.mimetype, pdf.data) == (200, "application/pdf", b"%PDF-1.4 done")


def test_a_completion_pdf_of_two_megabytes_is_taken_and_a_larger_one_refused(client, login):
    _, (seat,) = blended_class(utcnow() + timedelta(days=3), learners=1)
    login(seat.learner)

    def upload(size):
        body = b"%PDF-1.4 " + b"x" * (size - 9)
        return client.post(f"/me/enrollments/{seat.id}/online-part", follow_redirects=True,
                           data={"completed_on": YESTERDAY, "certificate_id": "HC-9",
                                 "pdf": (io.BytesIO(body), "done.pdf")},
                           content_type="multipart/form-data")

    too_large = upload(2 * 2**20 + 1)
    assert too_large.status_code == 200 and seat.online_part is None
    assert "may be at most 2 MB" in too_large.get_data(as_text=True)
    taken = upload(2 * 2**20)
    assert "Online part saved." in taken.get_data(as_text=True)
    db.session.refresh(seat)
    assert len(seat.online_part.pdf) == 2 * 2**20


def test_a_future_completion_date_is_refused_on_me(client, login):
    _, (seat,) = blended_class(utcnow() + timedelta(days=3), learners=1)
    login(seat.learner)
    tomorrow = (factories.center_today() + timedelta(days=1)).isoformat()
    answer = client.post(f"/me/enrollments/{seat.id}/online-part", follow_redirects=True,
                         data={"completed_on": tomorrow, "certificate_id": "HC-5"})
    assert "cannot be completed in the future" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert seat.online_part is None


def test_the_roster_names_who_is_missing_it_and_the_instructor_confirms(client, login):
    class_session, (missing, done) = blended_class()
    blended.record_online_part(db.session, done.learner, done.id,
                               completed_on=factories.center_today(), certificate_id="HC-1",
                               today=factories.center_today(), now=utcnow())
    login(class_session.instructor)
    page = client.get(f"/instructor/sessions/{class_session.id}").get_data(as_text=True)
    assert f"Missing the online part (1):</strong> {missing.learner.full_name}." in page
    client.post(f"/instructor/enrollments/{done.id}/online-part/confirm")
    client.post(f"/instructor/enrollments/{missing.id}/online-part",
                data={"completed_on": YESTERDAY, "certificate_id": "HC-2"})
    db.session.expire_all()
    assert done.online_part.confirmed_at is not None
    assert missing.online_part.confirmed_by_id == class_session.instructor.id
    page = client.get(f"/instructor/sessions/{class_session.id}").get_data(as_text=True)
    assert "Every learner has recorded the online part." in page


def test_a_pass_without_the_online_part_is_refused_on_the_roster(client, login):
    class_session, (seat,) = blended_class(learners=1)
    login(class_session.instructor)
    answer = client.post(f"/instructor/sessions/{class_session.id}",
                         data={"rows-0-enrollment_id": seat.id, "rows-0-outcome": "passed"})
    assert answer.status_code == 422
    assert "the online part is not recorded" in answer.get_data(as_text=True)


def test_admins_load_keycodes_by_paste_or_csv_and_see_who_holds_which(client, login):
    course = blended_course()
    _, (seat,) = blended_class(utcnow() + timedelta(days=3), learners=1, course=course)
    login(factories.admin())
    pasted = client.post(f"/admin/courses/{course.id}/keycodes", follow_redirects=True,
                         data={"pasted": "P-1\nP-2"})
    assert "2 keycodes added; 2 available." in pasted.get_data(as_text=True)
    uploaded = client.post(f"/admin/courses/{course.id}/keycodes", follow_redirects=True,
                           data={"csv_file": (io.BytesIO(b"keycode\nP-2\nC-3\n"), "keys.csv")},
                           content_type="multipart/form-data")
    assert "1 keycodes added; 3 available." in uploaded.get_data(as_text=True)
    key = blended.assign_keycode(db.session, seat, utcnow())
    db.session.commit()
    page = client.get(f"/admin/courses/{course.id}/keycodes").get_data(as_text=True)
    assert seat.learner.full_name in page and "2</strong> keycodes left" in page
    client.post(f"/admin/courses/{course.id}/keycodes/used-up", data={"keycode_id": key.id, "confirmed": "1"})
    db.session.expire_all()
    assert key.used_up


def test_admins_set_what_to_bring_and_the_online_course_on_the_course_form(client, login):
    course = blended_course()
    login(factories.admin())
    page = client.get(f"/admin/courses/{course.id}/edit")
    assert page.status_code == 200 and course.online_course_url in page.get_data(as_text=True)
    form = {"code": course.code, "family": course.family, "title": course.title,
            "level": course.level, "topics": course.topics, "guidelines": course.guidelines,
            "validity_months": 24, "expiry_rule": course.expiry_rule, "format": "blended",
            "duration_minutes": 60, "default_capacity": 6, "price": "90.00",
            "what_to_bring": "Your completion certificate",
            "online_course_url": "https://elearning.heart.org/course/999"}
    saved = client.post(f"/admin/courses/{course.id}/edit", data=form)
    assert saved.status_code == 302
    db.session.expire_all()
    assert (course.what_to_bring, course.online_course_url) == (
        "Your completion certificate", "https://elearning.heart.org/course/999")


def test_admins_set_a_sessions_arrival_notes_on_its_page(client, login):
    class_session = factories.ClassSessionFactory()
    login(factories.admin())
    page = client.get(f"/admin/sessions/{class_session.id}").get_data(as_text=True)
    assert "Parking or room notes" in page
    form = {"capacity": class_session.capacity, "instructor": class_session.instructor_id,
            "location": class_session.location,
            "starts_at": to_local(class_session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": to_local(class_session.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "enrollment_closes_at": to_local(class_session.enrollment_closes_at)
            .strftime("%Y-%m-%dT%H:%M"),
            "arrival_notes": "Use the side door on Elm St."}
    assert client.post(f"/admin/sessions/{class_session.id}", data=form).status_code == 302
    db.session.expire_all()
    assert class_session.arrival_notes == "Use the side door on Elm St."
