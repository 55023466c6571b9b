"""OSHA bloodborne-pathogens training records, as 29 CFR 1910.1030(h)(2) asks them kept:
training dates, a summary of the contents, names and qualifications of the trainers, and
names and job titles of everyone who attended.

Attendees are the learners whose outcome was recorded as passed or failed: both sat the
training. No-shows and cancelled or waitlisted learners were not trained and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ClassSession, Course, Enrollment, InstructorAuthorisation, User
from app.models.vocab import TOPIC_LABELS, topics_to_mask
from app.services.clock import day_start_utc, local_moment
from app.services.errors import Invalid, NotFound
from app.services.records.csv_cells import csv_text

BBP_MASK = topics_to_mask(["bloodborne_pathogens"])
ATTENDED = ("passed", "failed")
CSV_COLUMNS = ("session_id", "course_code", "course_title", "training_dates", "start", "end",
               "location", "contents_summary", "trainer_name", "trainer_qualifications",
               "attendee_name", "attendee_job_title", "outcome")


@dataclass(frozen=True)
class Attendee:
    name: str
    job_title: str
    outcome: str


@dataclass(frozen=True)
class TrainingRecord:
    """One bloodborne-pathogens training session with everything the standard asks for."""

    session_id: int
    course_code: str
    course_title: str
    training_dates: str
    start: str
    end: str
    location: str
    contents: str
    trainer_name: str
    trainer_qualifications: str
    attendees: list[Attendee]


def is_bloodborne_pathogens(course: Course) -> bool:
    return bool(course.topics_mask & BBP_MASK)


def bbp_sessions_query():
    """Sessions of any course teaching bloodborne pathogens that were not cancelled."""
    return (select(ClassSession).join(Course, Course.id == ClassSession.course_id)
            .where(Course.topics_mask.op("&")(BBP_MASK) != 0, ClassSession.status != "cancelled"))


def recent_sessions(session: Session, limit: int = 20) -> list[ClassSession]:
    """The latest bloodborne-pathogens sessions, newest first, for the admin page."""
    query = bbp_sessions_query().order_by(ClassSession.starts_at.desc()).limit(limit)
    return list(session.scalars(query))


def training_records(session: Session, zone: str, *, session_id: int | None = None,
                     date_from: date | None = None, date_to: date | None = None) -> list[TrainingRecord]:
    """The record of one session, or of every session starting between two dates (inclusive)."""
    if session_id is not None:
        class_session = session.get(ClassSession, session_id)
        if class_session is None:
            raise NotFound(f"No class session has the id {session_id}.")
        if not is_bloodborne_pathogens(class_session.course):
            raise Invalid.field("session", f"Session {session_id} is not bloodborne pathogens training.")
        sessions = [class_session]
    else:
        if date_from is None or date_to is None or date_from > date_to:
            raise Invalid.field("dates", "Give a first day on or before the last day.")
        query = bbp_sessions_query().where(
            ClassSession.starts_at >= day_start_utc(date_from, zone),
            ClassSession.starts_at < day_start_utc(date_to + timedelta(days=1), zone),
        ).order_by(ClassSession.starts_at)
        sessions = list(session.scalars(query))
    attendees = _attendees(session, [s.id for s in sessions])
    authorisations = _authorisations(session, sessions)
    return [_record(s, zone, attendees.get(s.id, []), authorisations) for s in sessions]


def _attendees(session: Session, session_ids: list[int]) -> dict[int, list[Attendee]]:
    rows = session.execute(
        select(Enrollment.session_id, User.full_name, User.job_title, Enrollment.status)
        .join(User, User.id == Enrollment.learner_id)
        .where(Enrollment.session_id.in_(session_ids), Enrollment.status.in_(ATTENDED))
        .order_by(Enrollment.session_id, User.full_name, User.id)
    )
    found: dict[int, list[Attendee]] = {}
    for session_id, name, job_title, outcome in rows:
        found.setdefault(session_id, []).append(Attendee(name, job_title or "", outcome))
    return found


def _authorisations(session: Session, sessions: list[ClassSession]) -> dict[tuple[int, str], date]:
    instructor_ids = {s.instructor_id for s in sessions}
    rows = session.execute(
        select(InstructorAuthorisation.instructor_id, InstructorAuthorisation.family,
               InstructorAuthorisation.expires_on)
        .where(InstructorAuthorisation.instructor_id.in_(instructor_ids))
    )
    return {(instructor_id, family): expires for instructor_id, family, expires in rows}


def qualifications(instructor: User, family: str, course_title: str,
                   authorised_until: date | None) -> str:
    """The trainer's qualifications as the center knows them."""
    parts = []
    if instructor.instructor_number:
        parts.append(f"Instructor no. {instructor.instructor_number}")
    if authorised_until:
        parts.append(f"authorised to teach {course_title} until {authorised_until.isoformat()}")
    return "; ".join(parts) or "No instructor number or authorisation on file"


def _record(class_session: ClassSession, zone: str, attendees: list[Attendee],
            authorisations: dict[tuple[int, str], date]) -> TrainingRecord:
    course, trainer = class_session.course, class_session.instructor
    starts = local_moment(class_session.starts_at, zone)
    ends = local_moment(class_session.ends_at, zone)
    dates = starts.date().isoformat()
    if ends.date() != starts.date():
        dates += f" to {ends.date().isoformat()}"
    topics = ", ".join(TOPIC_LABELS.get(topic, topic) for topic in course.topics)
    contents = " ".join(part for part in (course.description.strip(), f"Topics: {topics}.") if part)
    until = authorisations.get((trainer.id, course.family))
    return TrainingRecord(
        session_id=class_session.id, course_code=course.code, course_title=course.title,
        training_dates=dates, start=starts.strftime("%Y-%m-%d %H:%M %Z"),
        end=ends.strftime("%Y-%m-%d %H:%M %Z"), location=class_session.location,
        contents=contents, trainer_name=trainer.full_name,
        trainer_qualifications=qualifications(trainer, course.family, course.title, until),
        attendees=attendees,
    )


def as_csv(records: list[TrainingRecord]) -> str:
    """One line per attendee (a session nobody attended still gets a line)."""
    rows = []
    for record in records:
        session_fields = (record.session_id, record.course_code, record.course_title,
                          record.training_dates, record.start, record.end, record.location,
                          record.contents, record.trainer_name, record.trainer_qualifications)
        for attendee in record.attendees or [Attendee("", "", "")]:
            rows.append((*session_fields, attendee.name, attendee.job_title, attendee.outcome))
    return csv_text(CSV_COLUMNS, rows)


_PDF_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
                                   "…": "...", "·": "-"})


def _latin1(text: str) -> str:
    """The PDF's core fonts hold Latin-1 only; anything else shows as '?'."""
    return text.translate(_PDF_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


def as_pdf(records: list[TrainingRecord], center_name: str) -> bytes:
    """A printable record: one section per session, with an attendee table."""
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _latin1(f"{center_name}: Bloodborne Pathogens Training Record"), **line)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, "Kept under OSHA 29 CFR 1910.1030(h)(2).", **line)
    if not records:
        pdf.ln(4)
        pdf.multi_cell(0, 6, "No bloodborne pathogens training sessions in this period.", **line)
    for record in records:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 6, _latin1(f"{record.course_title} (session {record.session_id})"), **line)
        for label, value in (("Training dates", f"{record.training_dates}, {record.start} to {record.end}"),
                             ("Location", record.location),
                             ("Contents", record.contents),
                             ("Trainer", record.trainer_name),
                             ("Trainer qualifications", record.trainer_qualifications)):
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 5, _latin1(f"{label}:"), **line)
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, _latin1(value), **line)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, f"Attendees ({len(record.attendees)}):", **line)
        pdf.set_font("Helvetica", "", 10)
        if record.attendees:
            with pdf.table(col_widths=(45, 40, 15), text_align="LEFT") as table:
                table.row(("Name", "Job title", "Outcome"))
                for attendee in record.attendees:
                    table.row((_latin1(attendee.name), _latin1(attendee.job_title or "-"),
                               attendee.outcome))
        else:
            pdf.multi_cell(0, 5, "Nobody attended.", **line)
    return bytes(pdf.output())
