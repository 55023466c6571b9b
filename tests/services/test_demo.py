"""The demo seed: exactly the accounts and situations API.md promises, seeded once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import demo
from app.demo import data as demo_data
from app.models import (
    AuditEvent,
    Certificate,
    ClassSession,
    Course,
    Enrollment,
    InstructorAuthorisation,
    Keycode,
    OnlinePart,
    User,
)
from app.models.vocab import OUTCOMES, SEAT_HOLDING_STATUSES
from app.services import accounts, blended, catalog, schedule
from app.services.accounts import passwords
from app.services.catalog.standard import STANDARD_COURSES
from app.services.certificates.expiry import expires_on
from app.services.clock import local_date
from app.services.errors import NotFound

ZONE = "America/New_York"
CENTER = "Lifeline Training Center"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
# 00:20 in New York: the class "started today" must not start yesterday.
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 23, 5, 20, tzinfo=UTC)
# Feb 29: no exact-date certificate issued two years earlier expires on this day by arithmetic.
LEAP_DAY = datetime(2028, 2, 29, 17, 0, tzinfo=UTC)

DEMO_ACCOUNTS = {
    "admin@lifeline.test": {"admin"},
    "instructor@lifeline.test": {"instructor"},
    "instructor2@lifeline.test": {"instructor"},
    "learner@lifeline.test": {"learner"},
    "hr@employer.test": {"employer"},
}


def seeded(db, now=NOW):
    catalog.load_catalog(db.session, STANDARD_COURSES)
    assert demo.seed(db.session, now, CENTER, ZONE) is True
    return local_date(now, ZONE)


def row_counts(db) -> dict[str, int]:
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


def certificates(db) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate)))


def test_demo_accounts_exist_with_their_roles_and_the_demo_password(db):
    seeded(db)
    for email, roles in DEMO_ACCOUNTS.items():
        user = accounts.user_by_email(db.session, email)
        assert user is not None and user.active, email
        assert user.roles == roles
        assert passwords.verify_password(user.password_hash, "lifeline-demo")
    learners = db.session.scalars(select(User)).all()
    assert sum(1 for user in learners if user.has_role("learner")) >= 4
    assert all(user.job_title for user in learners if user.has_role("learner"))
    hr = accounts.user_by_email(db.session, "hr@employer.test")
    assert hr.organisation.name == "Mercy Hospital"


def test_instructors_hold_numbers_and_current_authorisations_for_what_they_teach(db):
    today = seeded(db)
    for class_session in db.session.scalars(select(ClassSession)):
        instructor = class_session.instructor
        assert instructor.instructor_number
        authorisation = db.session.scalar(select(InstructorAuthorisation).where(
            InstructorAuthorisation.instructor_id == instructor.id,
            InstructorAuthorisation.family == class_session.course.family))
        assert authorisation is not None, (instructor.email, class_session.course.code)
        assert authorisation.expires_on > today + timedelta(days=365)


@pytest.mark.parametrize("now", [NOW, JUST_AFTER_MIDNIGHT], ids=["afternoon", "just-after-midnight"])
def test_a_session_started_today_with_three_enrolled_and_no_outcomes(db, now):
    today = seeded(db, now)
    started = [s for s in db.session.scalars(select(ClassSession))
               if s.starts_at <= now < s.ends_at and local_date(s.starts_at, ZONE) == today]
    assert len(started) == 1
    class_session = started[0]
    assert class_session.instructor.email == "instructor@lifeline.test"
    assert class_session.status == "scheduled" and class_session.finalised_at is None
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == class_session.id)).all()
    assert [e.status for e in enrollments] == ["enrolled"] * 3
    assert all(e.outcome_recorded_at is None for e in enrollments)
    assert class_session.seats_taken == 3
    assert db.session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.session_id == class_session.id)) == 0


def test_a_full_upcoming_bls_session_with_a_waitlist_and_learner_holding_a_seat(db):
    seeded(db)
    bls = [s for s in db.session.scalars(select(ClassSession))
           if s.course.code == "BLS-HCP" and s.starts_at > NOW and s.seats_left == 0]
    assert len(bls) == 1
    full = bls[0]
    assert full.course.level == "healthcare_provider" and full.status == "scheduled"
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == full.id).order_by(Enrollment.id)).all()
    seat_holders = [e for e in enrollments if e.status == "enrolled"]
    waitlisted = [e for e in enrollments if e.status == "waitlisted"]
    assert len(seat_holders) == full.capacity == full.seats_taken
    assert len(waitlisted) == 2
    assert "learner@lifeline.test" in {e.learner.email for e in seat_holders}
    assert schedule.waitlist_lengths(db.session, [full.id]) == {full.id: 2}


def test_certificates_cover_every_promised_expiry_situation(db):
    today = seeded(db)
    issued = certificates(db)
    assert len(issued) >= 10
    assert len({c.course_code for c in issued}) >= 4
    live = [c for c in issued if c.revoked_at is None]
    days_left = [(c.expires_on - today).days for c in live]
    assert 0 in days_left
    assert any(1 <= d <= 7 for d in days_left)
    assert any(8 <= d <= 30 for d in days_left)
    assert any(31 <= d <= 90 for d in days_left)
    assert any(c.status_on(today) == "expired" for c in live)
    revoked = [c for c in issued if c.status_on(today) == "revoked"]
    assert len(revoked) == 1 and revoked[0].revoked_reason and revoked[0].revoked_by_id
    heartsaver = [c for c in issued if c.course_code == "HS-CPR-AED"]
    assert heartsaver and all(c.level == "lay_rescuer" for c in heartsaver)


def test_an_exact_date_card_expires_today_even_on_a_leap_day(db):
    today = seeded(db, LEAP_DAY)
    assert [c for c in certificates(db) if c.expires_on == today and c.revoked_at is None]


def test_certificates_are_consistent_with_their_course(db):
    today = seeded(db)
    courses = {course.code: course for course in db.session.scalars(select(Course))}
    codes = set()
    for certificate in certificates(db):
        course = courses[certificate.course_code]
        assert (certificate.course_title, certificate.level, certificate.topics_mask,
                certificate.guidelines_mask, certificate.course_family) == (
            course.title, course.level, course.topics_mask, course.guidelines_mask, course.family)
        assert certificate.holder_name == certificate.holder.full_name
        assert certificate.training_center == CENTER and certificate.instructor_name
        assert certificate.issued_on <= today
        computed = expires_on(certificate.issued_on, course.validity_months, course.expiry_rule)
        # Pinned expiries may differ from the arithmetic by a clamped day at most.
        assert abs((certificate.expires_on - computed).days) <= 3
        assert len(certificate.code) == 19 and certificate.code.count("-") == 3
        codes.add(certificate.code)
    assert len(codes) == len(certificates(db))


def test_a_past_bloodborne_pathogens_session_records_passes_with_certificates(db):
    today = seeded(db)
    past = db.session.scalars(select(ClassSession).join(ClassSession.course).where(
        Course.code == "BBP", ClassSession.ends_at < NOW)).all()
    assert len(past) == 1 and past[0].status == "completed"
    outcomes = db.session.scalars(select(Enrollment).where(Enrollment.session_id == past[0].id)).all()
    assert all(e.status in OUTCOMES and e.outcome_recorded_at for e in outcomes)
    passed = {e.id for e in outcomes if e.status == "passed"}
    assert len(passed) >= 2
    bbp = db.session.scalars(select(Certificate).where(Certificate.session_id == past[0].id)).all()
    assert {c.enrollment_id for c in bbp} == passed
    assert all(c.course_code == "BBP" and c.expires_on > today for c in bbp)
    assert all(c.holder.job_title for c in bbp)


def test_upcoming_sessions_cover_most_courses_and_seat_counters_match(db):
    seeded(db)
    upcoming, _ = schedule.list_upcoming(db.session, NOW, schedule.SessionFilter(), ZONE,
                                           per_page=100)
    assert len({s.course.code for s in upcoming}) >= len(STANDARD_COURSES) - 2
    assert all(s.starts_at < NOW + timedelta(days=45) for s in upcoming)
    assert all(s.location for s in upcoming)
    for class_session in db.session.scalars(select(ClassSession)):
        holders = db.session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.session_id == class_session.id, Enrollment.status.in_(SEAT_HOLDING_STATUSES)))
        assert class_session.seats_taken == holders


def test_seeding_twice_changes_nothing(db):
    seeded(db)
    before = row_counts(db)
    assert demo.seed(db.session, NOW + timedelta(days=1), CENTER, ZONE) is False
    assert row_counts(db) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "demo.seeded")) == 1


def test_seeding_without_the_catalog_is_a_clear_error_that_writes_nothing(db):
    with pytest.raises(NotFound, match="catalog load"):
        demo.seed(db.session, NOW, CENTER, ZONE)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_blended_class_with_one_learner_missing_the_online_part_and_keycodes_running_low(db):
    seeded(db)
    course = catalog.course_by_code(db.session, demo_data.BLENDED_COURSE)
    class_session = db.session.scalars(select(ClassSession).where(
        ClassSession.course_id == course.id).order_by(ClassSession.starts_at)).first()
    held = {e.learner.email: e for e in db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == class_session.id))}
    done_email = demo_data.BLENDED_ONLINE_PART_DONE[0]
    assert set(held) == {done_email, demo_data.BLENDED_ONLINE_PART_MISSING}
    parts = set(db.session.scalars(select(OnlinePart.enrollment_id)))
    assert parts == {held[done_email].id}
    assert blended.missing_online_parts(db.session, held.values()) == [
        held[demo_data.BLENDED_ONLINE_PART_MISSING]]
    assert {k.enrollment_id for k in db.session.scalars(select(Keycode))
            if k.enrollment_id} == {e.id for e in held.values()}
    assert blended.available(db.session, course.id) == 5 - 1  # one below KEYCODES_LOW
    assert class_session.arrival_notes and course.online_course_url and course.what_to_bring
    assert blended.alert_low_banks(db.session, NOW, low_mark=5) == 1  # the admins' warning
