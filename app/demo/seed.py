"""Demo data for `flask --app wsgi demo seed`: the accounts and situations of API.md "Demo accounts".

Seeding is one transaction and happens at most once: the demo admin's account marks it done.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.demo import data as demo_data
from app.demo import orders as demo_orders
from app.demo.blended import seed_blended_class
from app.demo.data import PlannedCertificate, PlannedSession
from app.models import (
    Certificate,
    ClassSession,
    Course,
    Enrollment,
    InstructorAuthorisation,
    Organisation,
    User,
    WatchListEntry,
)
from app.models.vocab import SEAT_HOLDING_STATUSES
from app.services import accounts, audit
from app.services.certificates.codes import generate_code
from app.services.certificates.expiry import expires_on
from app.services.clock import day_start_utc, local_date
from app.services.errors import NotFound


@one_transaction
def seed(session: Session, now: datetime, center_name: str, zone_name: str, *,
         keycodes_low: int = 5) -> bool:
    """Seed the demo; False (and no change) when the demo admin already exists."""
    if accounts.user_by_email(session, demo_data.ADMIN_EMAIL) is not None:
        return False
    seeder = _Seeder(session, now, center_name, zone_name)
    seeder.people()
    seeder.today_session()
    seeder.full_bls_session()
    seeder.past_bbp_session()
    for plan in demo_data.UPCOMING_SESSIONS:
        seeder.schedule(plan)
    seed_blended_class(seeder, keycodes_low)
    for plan in demo_data.CERTIFICATES:
        seeder.certificate(plan)
    seeder.watch_list()
    demo_orders.seed_orders(seeder)
    session.flush()
    audit.record(session, None, "demo.seeded", "user", seeder.users[demo_data.ADMIN_EMAIL].id)
    return True


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _Seeder:
    """Builds the demo rows in the caller's transaction; `now` fixes what "today" is."""

    def __init__(self, session: Session, now: datetime, center_name: str, zone_name: str):
        self.session = session
        self.now = now
        self.center_name = center_name
        self.zone_name = zone_name
        self.today = local_date(now, zone_name)
        self.courses = self._courses()
        self.users: dict[str, User] = {}
        self.sessions_by_course: dict[str, list[ClassSession]] = {}
        self.certificates: dict[tuple[str, str], Certificate] = {}

    def _courses(self) -> dict[str, Course]:
        courses = {course.code: course for course in self.session.scalars(select(Course))}
        needed = {plan.course_code for plan in demo_data.UPCOMING_SESSIONS}
        needed |= {plan.course_code for plan in demo_data.CERTIFICATES}
        missing = sorted(needed - set(courses))
        if missing:
            raise NotFound(f"The demo needs the standard catalog (missing {', '.join(missing)}); "
                           "run `catalog load` first.")
        return courses

    def people(self) -> None:
        organisation = Organisation(name=demo_data.EMPLOYER_ORGANISATION)
        self.session.add(organisation)
        for person in demo_data.PEOPLE:
            user = accounts.create_user(
                self.session, email=person.email, full_name=person.full_name,
                password=demo_data.DEMO_PASSWORD, roles=person.roles, job_title=person.job_title,
            )
            user.instructor_number = person.instructor_number
            if person.organisation:
                user.organisation = organisation
            for family in person.families:
                self.session.add(InstructorAuthorisation(
                    instructor=user, family=family,
                    expires_on=self.today + timedelta(days=demo_data.AUTHORISATION_DAYS),
                ))
            self.users[person.email] = user

    def local_moment(self, plan: PlannedSession) -> datetime:
        """The plan's day and local time in the center's zone, as a UTC moment."""
        hour, minute = (int(part) for part in plan.local_time.split(":"))
        day = self.today + timedelta(days=plan.days_ahead)
        local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(self.zone_name))
        return local.astimezone(UTC)

    def schedule(self, plan: PlannedSession, starts_at: datetime | None = None) -> ClassSession:
        course = self.courses[plan.course_code]
        starts_at = starts_at or self.local_moment(plan)
        class_session = ClassSession(
            course=course, instructor=self.users[plan.instructor], starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=course.duration_minutes),
            enrollment_closes_at=starts_at, location=plan.location,
            capacity=plan.capacity or course.default_capacity, seats_taken=0, status="scheduled",
        )
        self.session.add(class_session)
        self.sessions_by_course.setdefault(plan.course_code, []).append(class_session)
        return class_session

    def enroll(self, class_session: ClassSession, email: str, status: str, order: int) -> Enrollment:
        """An enrollment made `order` hours after the earliest one (waitlists go by arrival)."""
        created_at = min(self.now, class_session.starts_at) - timedelta(days=10) + timedelta(hours=order)
        enrollment = Enrollment(learner=self.users[email], session=class_session, status=status,
                                created_at=created_at, updated_at=created_at)
        if status in SEAT_HOLDING_STATUSES:
            class_session.seats_taken += 1
        self.session.add(enrollment)
        return enrollment

    def today_session(self) -> None:
        """Started an hour ago (never before local midnight), ends in a few hours, no outcomes."""
        an_hour_ago = (self.now - timedelta(hours=1)).replace(second=0, microsecond=0)
        starts_at = max(an_hour_ago, day_start_utc(self.today, self.zone_name))
        class_session = self.schedule(demo_data.TODAY_SESSION, starts_at=starts_at)
        class_session.ends_at = self.now.replace(second=0, microsecond=0) + timedelta(hours=3)
        for order, email in enumerate(demo_data.TODAY_LEARNERS):
            self.enroll(class_session, email, "enrolled", order)

    def full_bls_session(self) -> None:
        class_session = self.schedule(demo_data.FULL_BLS_SESSION)
        for order, email in enumerate(demo_data.FULL_BLS_SEATS + demo_data.FULL_BLS_WAITLIST):
            status = "enrolled" if email in demo_data.FULL_BLS_SEATS else "waitlisted"
            self.enroll(class_session, email, status, order)

    def past_bbp_session(self) -> None:
        """A finished, finalised class whose passed learners hold certificates."""
        plan = demo_data.PAST_BBP_SESSION
        class_session = self.schedule(plan)
        class_session.status = "completed"
        class_session.finalised_at = class_session.ends_at + timedelta(minutes=30)
        issued_on = local_date(class_session.starts_at, self.zone_name)
        for order, (email, outcome) in enumerate(demo_data.PAST_BBP_OUTCOMES):
            enrollment = self.enroll(class_session, email, outcome, order)
            enrollment.outcome_recorded_at = class_session.ends_at
            if outcome == "passed":
                self.session.flush()
                certificate = self.issue(email, plan.course_code, plan.instructor, issued_on)
                certificate.session_id = class_session.id
                certificate.enrollment_id = enrollment.id

    def issue(self, email: str, course_code: str, instructor_email: str, issued_on: date,
              expiry: date | None = None) -> Certificate:
        """A certificate with the course snapshot; the expiry follows the course's rule unless given."""
        course = self.courses[course_code]
        holder, instructor = self.users[email], self.users[instructor_email]
        certificate = Certificate(
            code=generate_code(), holder=holder, holder_name=holder.full_name, course=course,
            course_code=course.code, course_title=course.title, course_family=course.family,
            level=course.level, topics_mask=course.topics_mask,
            guidelines_mask=course.guidelines_mask, training_center=self.center_name,
            instructor_id=instructor.id, instructor_name=instructor.full_name, issued_on=issued_on,
            expires_on=expiry or expires_on(issued_on, course.validity_months, course.expiry_rule),
            created_at=self.now,
        )
        self.session.add(certificate)
        self.certificates[(email, course_code)] = certificate
        return certificate

    def certificate(self, plan: PlannedCertificate) -> None:
        self.session.flush()  # instructors need their ids
        course = self.courses[plan.course_code]
        if plan.expires_in_days is None:
            issued_on = self.today - timedelta(days=plan.issued_days_ago or 0)
            certificate = self.issue(plan.holder, plan.course_code, plan.instructor, issued_on)
        else:
            # Work back from the wanted expiry. On an exact-date course the rule gives it back;
            # where clamping cannot (a target of Feb 29), the wanted date is set directly.
            target = self.today + timedelta(days=plan.expires_in_days)
            issued_on = months_before(target, course.validity_months)
            certificate = self.issue(plan.holder, plan.course_code, plan.instructor, issued_on,
                                     expiry=target)
        if plan.external_card:
            certificate.external_issuer, certificate.external_id = plan.external_card
        if plan.revoked_reason:
            certificate.revoked_reason = plan.revoked_reason
            certificate.revocation_category = plan.revocation_category
            certificate.revoked_at = self.now - timedelta(days=demo_data.REVOKED_DAYS_AGO)
            certificate.revoked_by_id = self.users[demo_data.ADMIN_EMAIL].id

    def watch_list(self) -> None:
        employer = self.users[demo_data.EMPLOYER_EMAIL]
        self.session.flush()
        for email, course_code in demo_data.WATCH_LIST:
            certificate = self.certificates[(email, course_code)]
            self.session.add(WatchListEntry(
                organisation_id=employer.organisation_id, certificate_id=certificate.id,
                employee_name=certificate.holder_name, added_by_id=employer.id,
            ))
