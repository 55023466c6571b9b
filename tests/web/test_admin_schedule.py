"""Catalog and schedule pages: courses, weekly series, capacity, transfers, cancellation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.center import to_local
from app.models import ClassSession, Course, Enrollment, Notification
from app.models.base import utcnow
from app.services.schedule import authorisations
from tests import factories


def local_text(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


COURSE_FORM = {
    "code": "cpr-new", "family": "heartsaver_cpr", "title": "Adult CPR for Coaches",
    "description": "Two hours", "level": "lay_rescuer", "topics": ["adult_cpr", "aed"],
    "guidelines": ["AHA"], "validity_months": "24", "expiry_rule": "end_of_month",
    "format": "classroom", "duration_minutes": "120", "default_capacity": "10", "price": "45.50",
}


def test_admin_creates_edits_and_deactivates_a_course(db, login):
    client = login(factories.admin())
    created = client.post("/admin/courses/new", data=COURSE_FORM)
    assert created.status_code == 302
    course = db.session.scalar(select(Course).where(Course.code == "CPR-NEW"))
    assert course.price_cents == 4550 and course.topics == ["adult_cpr", "aed"]
    certificate = factories.CertificateFactory(course=course)
    edited = client.post(f"/admin/courses/{course.id}/edit",
                         data=COURSE_FORM | {"code": "CPR-NEW", "title": "Adult CPR and AED"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).title == "Adult CPR and AED"
    assert certificate.course_title != "Adult CPR and AED"  # the snapshot is kept
    client.post(f"/admin/courses/{course.id}/active", data={"confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Course, course.id).active is False
    assert b"deactivated" in client.get("/admin/courses").data


def test_a_course_code_that_exists_is_refused_on_the_page(db, login):
    factories.CourseFactory(code="CPR-NEW")
    response = login(factories.admin()).post("/admin/courses/new", data=COURSE_FORM)
    assert response.status_code == 409 and b"already exists" in response.data


def test_admin_schedules_a_weekly_series_of_three(db, login):
    course = factories.CourseFactory()
    instructor = factories.authorised_instructor(course.family)
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    response = login(factories.admin()).post("/admin/sessions/new", data={
        "course": course.id, "instructor": instructor.id, "starts_at": local_text(starts),
        "location": "Room 3", "weeks": "3"})
    assert response.status_code == 302
    created = db.session.scalars(select(ClassSession).order_by(ClassSession.starts_at)).all()
    assert len(created) == 3
    assert created[0].capacity == course.default_capacity
    assert created[0].ends_at - created[0].starts_at == timedelta(minutes=course.duration_minutes)


def test_lapsed_authorisation_is_refused_on_the_page_with_the_reason(db, login):
    course = factories.CourseFactory(family="bls")
    instructor = factories.instructor(full_name="Lapsed Larry")
    authorisations.set_authorisation(db.session, factories.admin(), instructor, "bls",
                                     utcnow().date() - timedelta(days=3))
    client = login(factories.admin())
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    response = client.post("/admin/sessions/new", data={
        "course": course.id, "instructor": instructor.id, "starts_at": local_text(starts),
        "location": "Room 3", "weeks": "1"})
    assert response.status_code == 422 and b"lapsed" in response.data
    assert db.session.scalars(select(ClassSession)).all() == []
    class_session = factories.ClassSessionFactory(course=course)
    change = client.post(f"/admin/sessions/{class_session.id}",
                         data=change_form(class_session, instructor=instructor.id))
    assert change.status_code == 422 and b"lapsed" in change.data


def test_an_instructor_without_a_record_is_flagged_on_the_schedule(db, login):
    factories.ClassSessionFactory(course=factories.CourseFactory(family="first_aid",
                                                                 title="Adult First Aid"))
    page = login(factories.admin()).get("/admin/sessions")
    assert b"is not authorised to teach Adult First Aid: no authorisation is on record" in page.data


def test_an_unauthorised_instructor_or_a_past_date_is_refused_before_saving(db, login):
    course = factories.CourseFactory(family="pediatric_first_aid_cpr",
                                     title="AHA Heartsaver Pediatric First Aid CPR AED")
    client = login(factories.admin())
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    unauthorised = client.post("/admin/sessions/new", data={
        "course": course.id, "instructor": factories.instructor(full_name="Una Known").id,
        "starts_at": local_text(starts), "location": "Room 3", "weeks": "1"})
    page = unauthorised.get_data(as_text=True)
    assert unauthorised.status_code == 422
    assert "Una Known is not authorised to teach AHA Heartsaver Pediatric First Aid CPR AED" in page
    assert "pediatric_first_aid_cpr" not in page and "instructor_email" not in page
    past = client.post("/admin/sessions/new", data={
        "course": course.id, "instructor": factories.authorised_instructor(course.family).id,
        "starts_at": "2020-03-02T09:00", "location": "Room 3", "weeks": "1"})
    assert past.status_code == 422 and "in the past" in past.get_data(as_text=True)
    assert db.session.scalars(select(ClassSession)).all() == []


def change_form(class_session, **overrides):
    form = {"capacity": class_session.capacity, "instructor": class_session.instructor_id,
            "location": class_session.location, "starts_at": local_text(class_session.starts_at),
            "ends_at": local_text(class_session.ends_at),
            "enrollment_closes_at": local_text(class_session.enrollment_closes_at)}
    return form | overrides


def test_raising_capacity_on_the_page_enrolls_the_first_waitlisted(db, login):
    class_session = factories.ClassSessionFactory(capacity=1)
    factories.EnrollmentFactory(session=class_session)
    first = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    second = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    client = login(factories.admin())
    low = client.post(f"/admin/sessions/{class_session.id}", data=change_form(class_session, capacity=0))
    assert low.status_code == 422
    response = client.post(f"/admin/sessions/{class_session.id}", data=change_form(class_session, capacity=2))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).status == "enrolled"
    assert db.session.get(Enrollment, second.id).status == "waitlisted"
    mail = db.session.scalars(select(Notification).where(Notification.kind == "waitlist_promoted")).all()
    assert [m.recipient_id for m in mail] == [first.learner_id]


def test_transfer_and_cancel_from_the_session_page(db, login):
    source = factories.ClassSessionFactory(capacity=2)
    moving = factories.EnrollmentFactory(session=source)
    staying = factories.EnrollmentFactory(session=source)
    target = factories.ClassSessionFactory(course=source.course, capacity=3)
    client = login(factories.admin())
    page = client.get(f"/admin/sessions/{source.id}")
    assert f'value="{target.id}"'.encode() in page.data
    moved = client.post(f"/admin/enrollments/{moving.id}/transfer",
                        data={"target": target.id, "confirmed": "1"})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, moving.id).status == "cancelled"
    assert db.session.get(ClassSession, target.id).seats_taken == 1
    cancelled = client.post(f"/admin/sessions/{source.id}/cancel",
                            data={"reason": "Power cut", "confirmed": "1"})
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert db.session.get(ClassSession, source.id).status == "cancelled"
    mails = db.session.scalars(select(Notification).where(Notification.kind == "session_cancelled")).all()
    assert [m.recipient_id for m in mails] == [staying.learner_id]


def test_cancelling_without_a_reason_is_refused_on_the_page(db, login):
    class_session = factories.ClassSessionFactory()
    response = login(factories.admin()).post(f"/admin/sessions/{class_session.id}/cancel",
                                             data={"reason": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(ClassSession, class_session.id).status == "scheduled"


def test_capacity_below_the_enrolled_count_is_refused_on_the_page(db, login):
    class_session = factories.ClassSessionFactory(capacity=2)
    for _ in range(2):
        factories.EnrollmentFactory(session=class_session)
    response = login(factories.admin()).post(f"/admin/sessions/{class_session.id}",
                                             data=change_form(class_session, capacity=1))
    assert response.status_code == 422 and b"cannot go below" in response.data
    db.session.expire_all()
    assert db.session.get(ClassSession, class_session.id).capacity == 2
