"""Every /admin page answers 403 to signed-in non-admins and sends visitors to sign in; every
GET page renders for an admin. Routes come from the URL map, so a new one cannot be forgotten."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.base import utcnow
from app.services import notifications, orders
from app.services.enrollment import seats
from tests import factories


def admin_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]
    assert len(rules) >= 20
    return rules


def concrete_path(rule) -> str:
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
    return path


def requests_of(app):
    for rule in admin_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, concrete_path(rule)


@pytest.mark.parametrize("make_user", [factories.learner, factories.instructor, factories.employer])
def test_non_admins_get_403_on_every_admin_page(app, login, make_user):
    client = login(make_user())
    for method, path in requests_of(app):
        response = client.open(path, method=method, data={})
        assert response.status_code == 403, (method, path)


def test_visitors_are_sent_to_sign_in(app, client):
    for method, path in requests_of(app):
        response = client.open(path, method=method, data={})
        assert response.status_code in (302, 401), (method, path)


def test_every_admin_page_renders_for_an_admin(app, db, login):
    course = factories.CourseFactory()
    class_session = factories.ClassSessionFactory(course=course)
    seat = factories.EnrollmentFactory(session=class_session)
    message = notifications.enqueue(db.session, kind="enrollment_confirmed", recipient=seat.learner,
                                    event_key=f"enrollment_confirmed:{seat.id}",
                                    context=seats.mail_context(seat), subject=("enrollment", seat.id))
    db.session.commit()
    certificate = factories.CertificateFactory(course=course)
    user = factories.instructor()
    employer = factories.employer()
    order = orders.place_order(db.session, employer, course.code, 2, None, utcnow(), "usd")
    request = orders.request_class(
        db.session, employer, course_code=course.code, headcount=8,
        preferred_dates=[factories.center_today() + timedelta(days=20)], location="Gym",
        notes=None, today=factories.center_today(), now=utcnow())
    client = login(factories.admin())
    ids = {"course_id": course.id, "class_id": class_session.id,
           "certificate_id": certificate.id, "user_id": user.id, "notification_id": message.id,
           "order_id": order.id, "request_id": request.id}
    for rule in admin_rules(app):
        if "GET" not in rule.methods:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", str(ids[argument]))
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if response.mimetype == "text/html":
            assert b"<h1>" in response.data, path
