"""A small "world" of people and records for the security tests: two learners, two
instructors, an employer with an organisation, an admin, and records belonging to each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import current_app

from app.extensions import db
from app.models import (
    ClassRequest,
    InstructorAuthorisation,
    Notification,
    OnlinePart,
    SeatOrder,
    User,
)
from app.models.base import utcnow
from app.models.certificate import WatchListEntry
from app.services import accounts, orders
from app.services.enrollment import calendar_invites
from app.services.notifications import mail
from tests import factories

ROLES = ("anonymous", "learner", "other_learner", "instructor", "other_instructor", "employer",
         "other_employer", "admin")


@dataclass
class World:
    """Everyone and everything a request of the access matrix may name."""

    users: dict[str, User]
    session: object
    other_session: object
    enrollment: object
    other_enrollment: object
    certificate: object
    other_certificate: object
    entry: WatchListEntry
    other_entry: WatchListEntry
    notification: Notification
    authorisation: InstructorAuthorisation
    order: SeatOrder
    class_request: ClassRequest
    unsubscribe_token: str
    reset_token: str
    feed_token: str

    def user(self, role: str) -> User | None:
        return self.users.get(role)

    def private_details_of(self, role: str) -> list[str]:
        """Strings that only that user (and staff) may see: name and e-mail address."""
        person = self.users[role]
        return [person.full_name, person.email]


def _certificate_of(enrollment) -> object:
    return factories.CertificateFactory(
        holder=enrollment.learner, course=enrollment.session.course,
        session_id=enrollment.session.id, enrollment_id=enrollment.id,
        instructor_id=enrollment.session.instructor_id,
        instructor_name=enrollment.session.instructor.full_name)


def build_world() -> World:
    """Create the world in the current app's database."""
    users = {
        "learner": factories.learner(full_name="Lena Learnwell", email="lena@example.test"),
        "other_learner": factories.learner(full_name="Otto Otherby", email="otto@example.test"),
        "instructor": factories.instructor(full_name="Ivy Teachwell", email="ivy@example.test"),
        "other_instructor": factories.instructor(full_name="Oscar Elsewhere",
                                                 email="oscar@example.test"),
        "employer": factories.employer(full_name="Emma Hirewell", email="emma@example.test"),
        "admin": factories.admin(full_name="Ada Adminton", email="ada@example.test"),
    }
    session = factories.ClassSessionFactory(instructor=users["instructor"])
    other_session = factories.ClassSessionFactory(instructor=users["other_instructor"])
    enrollment = factories.EnrollmentFactory(learner=users["learner"], session=session)
    other_enrollment = factories.EnrollmentFactory(learner=users["other_learner"],
                                                   session=other_session)
    certificate = _certificate_of(enrollment)
    other_certificate = _certificate_of(other_enrollment)
    other_organisation = factories.OrganisationFactory(name="Elsewhere Hospital")
    users["other_employer"] = factories.employer(full_name="Olga Otherfirm",
                                                 email="olga@example.test",
                                                 organisation=other_organisation)
    entry = WatchListEntry(organisation_id=users["employer"].organisation_id,
                           certificate_id=certificate.id, employee_name="Lena L. (ward 3)")
    other_entry = WatchListEntry(organisation_id=other_organisation.id,
                                 certificate_id=other_certificate.id,
                                 employee_name="Otto O. (night shift)")
    notification = Notification(kind="certificate_issued", event_key="security-world",
                                recipient_id=users["learner"].id,
                                recipient_email=users["learner"].email, status="failed",
                                context={})
    authorisation = InstructorAuthorisation(instructor_id=users["instructor"].id, family="bls",
                                            expires_on=factories.center_today() + timedelta(days=365))
    # The learner's uploaded online-part certificate (blended.online_part_pdf).
    online_part = OnlinePart(enrollment_id=enrollment.id, completed_on=date(2026, 1, 5),
                             certificate_id="HC-1", pdf=b"%PDF-1.4 test", pdf_name="hc.pdf")
    db.session.add_all([entry, other_entry, notification, authorisation, online_part])
    db.session.commit()
    # The employer's organisation's order of seats and class request (§3).
    order = orders.place_order(db.session, users["employer"], session.course.code, 2, None,
                               utcnow(), "usd")
    class_request = orders.request_class(
        db.session, users["employer"], course_code=session.course.code, headcount=8,
        preferred_dates=[factories.center_today() + timedelta(days=30)],
        location="Ward 3 training room", notes=None, today=factories.center_today(),
        now=utcnow())
    secret = current_app.config["SECRET_KEY"]
    return World(
        users=users, session=session, other_session=other_session, enrollment=enrollment,
        other_enrollment=other_enrollment, certificate=certificate,
        other_certificate=other_certificate, entry=entry, other_entry=other_entry,
        notification=notification, authorisation=authorisation, order=order,
        class_request=class_request,
        unsubscribe_token=mail.unsubscribe_token(users["learner"].id, secret),
        reset_token=accounts.password_reset_token(users["learner"], utcnow(), secret),
        feed_token=calendar_invites.feed_token(users["instructor"].id, secret),
    )


@pytest.fixture
def world(app) -> World:
    """The shared world on the test app's clean database."""
    return build_world()

