"""factory-boy factories over the app's session. Every user's password is
`correct horse battery` unless given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import factory

from app.extensions import db
from app.models import (
    Certificate,
    ClassSession,
    Course,
    Enrollment,
    InstructorAuthorisation,
    Organisation,
    User,
)
from app.models.base import utcnow
from app.services.accounts import passwords
from app.services.certificates.codes import generate_code
from app.services.certificates.expiry import expires_on
from app.services.clock import local_date
from config import TestConfig

DEFAULT_PASSWORD = "correct horse battery"


def center_today() -> date:
    """Today where the test app counts days: the center's zone, not this machine's (between
    midnight UTC and midnight in New York the two dates differ)."""
    return local_date(utcnow(), TestConfig.CENTER_TIMEZONE)

# Factories make many accounts: the test configuration's argon2 cost, not production's.
CHEAP_HASHER = passwords.hasher_for(1, 1024)


@contextmanager
def within(app) -> Iterator[None]:
    """Work in the database of another app than the test's (e.g. one with other settings),
    inside its app context; no session is left open afterwards."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("password",)

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = DEFAULT_PASSWORD
    password_hash = factory.LazyAttribute(lambda o: passwords.hash_password(o.password, CHEAP_HASHER))
    active = True
    reminders_opt_out = False

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ["learner"]:
            self.grant(role)
        if create:
            db.session.commit()


def learner(**kwargs) -> User:
    return UserFactory(roles=["learner"], **kwargs)


def instructor(**kwargs) -> User:
    return UserFactory(roles=["instructor"], **kwargs)


def authorised_instructor(*families: str, **kwargs) -> User:
    """An instructor authorised for these course families for the next two years."""
    user = instructor(**kwargs)
    for family in families:
        db.session.add(InstructorAuthorisation(instructor=user, family=family,
                                               expires_on=center_today() + timedelta(days=730)))
    db.session.commit()
    return user


def admin(**kwargs) -> User:
    return UserFactory(roles=["admin"], **kwargs)


def employer(**kwargs) -> User:
    kwargs.setdefault("organisation", OrganisationFactory())
    return UserFactory(roles=["employer"], **kwargs)


class CourseFactory(BaseFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"COURSE-{n}")
    family = "bls"
    title = factory.Sequence(lambda n: f"Course {n}")
    description = ""
    level = "healthcare_provider"
    topics_mask = 0b1111  # adult, child, infant CPR and AED
    guidelines_mask = 0b101  # AHA, ECC
    validity_months = 24
    expiry_rule = "end_of_month"
    format = "classroom"
    duration_minutes = 240
    default_capacity = 10
    price_cents = 5000
    renewal = False
    instructor_course = False
    active = True


class ClassSessionFactory(BaseFactory):
    class Meta:
        model = ClassSession

    course = factory.SubFactory(CourseFactory)
    instructor = factory.LazyFunction(instructor)
    starts_at = factory.LazyFunction(lambda: utcnow().replace(microsecond=0) + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    enrollment_closes_at = factory.LazyAttribute(lambda o: o.starts_at)
    location = "Room 1, 100 Main St"
    capacity = 10
    seats_taken = 0
    status = "scheduled"


class EnrollmentFactory(BaseFactory):
    """An enrollment; keep the session's seat counter in step when creating seat holders."""

    class Meta:
        model = Enrollment

    learner = factory.LazyFunction(learner)
    session = factory.SubFactory(ClassSessionFactory)
    status = "enrolled"

    @factory.post_generation
    def count_seat(self, create, extracted, **kwargs):
        if self.status in ("enrolled", "passed", "failed", "no_show"):
            self.session.seats_taken += 1
            if create:
                db.session.commit()


class CertificateFactory(BaseFactory):
    class Meta:
        model = Certificate

    code = factory.LazyFunction(generate_code)
    holder = factory.LazyFunction(learner)
    holder_name = factory.LazyAttribute(lambda o: o.holder.full_name)
    course = factory.SubFactory(CourseFactory)
    course_code = factory.LazyAttribute(lambda o: o.course.code)
    course_title = factory.LazyAttribute(lambda o: o.course.title)
    course_family = factory.LazyAttribute(lambda o: o.course.family)
    level = factory.LazyAttribute(lambda o: o.course.level)
    topics_mask = factory.LazyAttribute(lambda o: o.course.topics_mask)
    guidelines_mask = factory.LazyAttribute(lambda o: o.course.guidelines_mask)
    training_center = "Lifeline Training Center"
    instructor_name = "Ivy Instructor"
    issued_on = factory.LazyFunction(lambda: center_today() - timedelta(days=30))
    expires_on = factory.LazyAttribute(
        lambda o: expires_on(o.issued_on, o.course.validity_months, o.course.expiry_rule)
    )


def class_with_seats(starts_at: datetime, learners: int = 3,
                     **fields) -> tuple[ClassSession, list[Enrollment]]:
    """A four-hour class starting at `starts_at`, with `learners` learners holding seats."""
    class_session = ClassSessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=4),
                                        **fields)
    seats = [EnrollmentFactory(session=class_session) for _ in range(learners)]
    return class_session, seats


def class_under_way(learners: int = 3) -> tuple[ClassSession, list[Enrollment]]:
    """A class that started an hour ago, with `learners` learners holding seats."""
    return class_with_seats(utcnow().replace(microsecond=0) - timedelta(hours=1), learners)


def finished_bbp_session() -> ClassSession:
    """A completed Bloodborne Pathogens class with one passed attendee (Ann Lee, Nurse)."""
    from datetime import UTC, datetime

    bbp = CourseFactory(code="BBP", family="bloodborne_pathogens", topics_mask=1 << 5,
                        level="lay_rescuer", title="Bloodborne Pathogens")
    class_session = ClassSessionFactory(
        course=bbp, starts_at=datetime(2026, 10, 5, 13, 0, tzinfo=UTC),
        ends_at=datetime(2026, 10, 5, 14, 30, tzinfo=UTC), status="completed")
    EnrollmentFactory(session=class_session, status="passed",
                      learner=learner(full_name="Ann Lee", job_title="Nurse"))
    return class_session
