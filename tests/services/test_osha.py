"""The OSHA bloodborne-pathogens training record holds every item 29 CFR 1910.1030(h)(2) asks for."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.models import InstructorAuthorisation
from app.services.errors import Invalid, NotFound
from app.services.records import osha
from tests import factories

ZONE = "America/New_York"
BBP_TOPICS = 1 << 5


@pytest.fixture
def bbp_session(db):
    """A past BBP class: two attendees passed, one failed, one no-show, one cancelled."""
    course = factories.CourseFactory(
        code="BBP", family="bloodborne_pathogens", title="Bloodborne Pathogens", level="lay_rescuer",
        topics_mask=BBP_TOPICS, guidelines_mask=1 << 4, validity_months=12,
        description="Exposure control plan, modes of transmission, PPE, hepatitis B vaccination.")
    trainer = factories.instructor(full_name="Ivy Trainer", instructor_number="BBP-7781")
    db.session.add(InstructorAuthorisation(instructor=trainer, family="bloodborne_pathogens",
                                           expires_on=date(2027, 6, 30)))
    starts = datetime(2026, 10, 5, 13, 0, tzinfo=UTC)  # 09:00 in New York
    class_session = factories.ClassSessionFactory(course=course, instructor=trainer, starts_at=starts,
                                                  ends_at=datetime(2026, 10, 5, 14, 30, tzinfo=UTC),
                                                  status="completed", location="Room 2")
    people = [("Ann Lee", "Phlebotomist", "passed"), ("Bob Ray", "Custodian", "passed"),
              ("Cy Dee", None, "failed"), ("Di Fox", "Nurse", "no_show"),
              ("Ed Moe", "Nurse", "cancelled")]
    for name, job_title, status in people:
        factories.EnrollmentFactory(session=class_session, status=status,
                                    learner=factories.learner(full_name=name, job_title=job_title))
    return class_session


def test_the_session_record_names_dates_contents_trainer_and_attendees(db, bbp_session):
    [record] = osha.training_records(db.session, ZONE, session_id=bbp_session.id)
    assert record.training_dates == "2026-10-05"
    assert record.start == "2026-10-05 09:00 EDT" and record.end == "2026-10-05 10:30 EDT"
    assert "Exposure control plan" in record.contents and "bloodborne pathogens" in record.contents
    assert record.trainer_name == "Ivy Trainer"
    assert record.trainer_qualifications == (
        "Instructor no. BBP-7781; authorised to teach Bloodborne Pathogens until 2027-06-30")
    assert record.attendees == [osha.Attendee("Ann Lee", "Phlebotomist", "passed"),
                                osha.Attendee("Bob Ray", "Custodian", "passed"),
                                osha.Attendee("Cy Dee", "", "failed")]


def test_csv_has_one_line_per_attendee_with_every_required_item(db, bbp_session):
    text = osha.as_csv(osha.training_records(db.session, ZONE, session_id=bbp_session.id))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["attendee_name"] for row in rows] == ["Ann Lee", "Bob Ray", "Cy Dee"]
    for row in rows:
        assert row["training_dates"] == "2026-10-05"
        assert row["contents_summary"].startswith("Exposure control plan")
        assert row["trainer_name"] == "Ivy Trainer"
        assert "BBP-7781" in row["trainer_qualifications"]
    assert rows[0]["attendee_job_title"] == "Phlebotomist"


def test_pdf_holds_every_required_item(db, bbp_session):
    records = osha.training_records(db.session, ZONE, session_id=bbp_session.id)
    pdf = osha.as_pdf(records, "Lifeline Training Center")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for item in ("1910.1030(h)(2)", "2026-10-05", "Exposure control plan", "Ivy Trainer",
                 "Instructor no. BBP-7781", "until 2027-06-30", "Ann Lee", "Phlebotomist",
                 "Bob Ray", "Custodian", "Cy Dee"):
        assert item in text, item
    assert "Di Fox" not in text and "Ed Moe" not in text


def test_a_date_range_picks_the_bbp_sessions_starting_in_it(db, bbp_session):
    factories.ClassSessionFactory(starts_at=datetime(2026, 10, 6, 13, 0, tzinfo=UTC))  # a BLS class
    assert [r.session_id for r in osha.training_records(
        db.session, ZONE, date_from=date(2026, 10, 5), date_to=date(2026, 10, 31))] == [bbp_session.id]
    assert osha.training_records(db.session, ZONE, date_from=date(2026, 10, 6),
                                 date_to=date(2026, 10, 31)) == []


def test_a_trainer_without_number_or_authorisation_says_so(db, bbp_session):
    bbp_session.instructor = factories.instructor(full_name="New Trainer")
    db.session.commit()
    [record] = osha.training_records(db.session, ZONE, session_id=bbp_session.id)
    assert record.trainer_qualifications == "No instructor number or authorisation on file"


def test_a_session_that_is_not_bbp_or_missing_is_refused(db):
    bls = factories.ClassSessionFactory()
    with pytest.raises(Invalid):
        osha.training_records(db.session, ZONE, session_id=bls.id)
    with pytest.raises(NotFound):
        osha.training_records(db.session, ZONE, session_id=bls.id + 100)
    with pytest.raises(Invalid):
        osha.training_records(db.session, ZONE, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
