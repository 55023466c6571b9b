""""Which class do I need?": who the learner is → a requirement preset → the courses that
satisfy it (through the requirement engine) → their upcoming sessions with seats left."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import ClassSession, Course
from app.services import catalog, schedule
from app.services.catalog import requirements
from app.services.catalog.requirements import PRESETS, Requirement

BLS_WHY = (
    "BLS is CPR at the healthcare-provider level: adult, child and infant CPR with an AED, "
    "two-rescuer CPR and a bag-valve mask. AHA calls it BLS for Healthcare Providers; the Red "
    "Cross calls it CPR for the Professional Rescuer and Healthcare Providers. Hospitals, "
    "clinics, EMS services and health-science programmes ask for it, and a lay-rescuer "
    "(Heartsaver) CPR card does not count for them."
)
PEDIATRIC_WHY = (
    "Schools, childcare centres, sports clubs and camps look after children, so they ask for "
    "CPR covering adults, children and infants at the lay-rescuer level (for example AHA "
    "Heartsaver Pediatric First Aid CPR AED, or the Red Cross Adult and Pediatric First Aid/"
    "CPR/AED). Most of them want first aid too: a class covering both is the safe choice."
)
WORKPLACE_WHY = (
    "Workplace responders need adult CPR with an AED at the lay-rescuer level (for example AHA "
    "Heartsaver CPR AED, or the Red Cross Adult First Aid/CPR/AED). OSHA-minded employers often "
    "also want first aid, so check whether yours does; classes that include it are listed too."
)
EMPLOYER_WHY = (
    "Pick what your employer's letter or job advert names, or choose the level and topics it "
    "lists: we show the classes whose cards meet exactly that."
)


@dataclass(frozen=True)
class Audience:
    """One answer to "Who are you?" and the requirement it stands for."""

    key: str
    label: str
    preset: str | None
    why: str


AUDIENCES: dict[str, Audience] = {a.key: a for a in (
    Audience("nurse", "I am a nurse", "bls", BLS_WHY),
    Audience("emt", "I am an EMT or paramedic", "bls", BLS_WHY),
    Audience("physician", "I am a physician or physician assistant", "bls", BLS_WHY),
    Audience("dentist", "I work in dentistry", "bls", BLS_WHY),
    Audience("healthcare_student", "I am a nursing, medical or other health-science student",
             "bls", BLS_WHY),
    Audience("teacher", "I am a teacher or school staff", "pediatric_cpr", PEDIATRIC_WHY),
    Audience("coach", "I am a coach or fitness instructor", "pediatric_cpr", PEDIATRIC_WHY),
    Audience("daycare", "I work in daycare or childcare", "pediatric_cpr", PEDIATRIC_WHY),
    Audience("camp", "I work at a camp", "pediatric_cpr", PEDIATRIC_WHY),
    Audience("workplace", "I am my workplace's first responder", "workplace_cpr_aed",
             WORKPLACE_WHY),
    Audience("employer_card", "My employer asked for a specific card", None, EMPLOYER_WHY),
)}


@dataclass(frozen=True)
class FinderQuery:
    """What the learner told the finder; every part optional."""

    audience: str | None = None
    preset: str | None = None
    level: str | None = None
    topics: tuple[str, ...] = ()
    sessions: schedule.SessionFilter = field(default_factory=schedule.SessionFilter)


@dataclass
class FinderAnswer:
    requirement: Requirement | None
    title: str | None
    why: str | None
    courses: list[Course]
    sessions: list[ClassSession]
    waitlist_lengths: dict[int, int]
    more: bool


def requirement_for(query: FinderQuery) -> tuple[Requirement | None, str | None, str | None]:
    """The requirement the answers add up to, with a title and a plain-words reason."""
    audience = AUDIENCES.get(query.audience or "")
    preset_name = query.preset or (audience.preset if audience else None)
    preset = PRESETS.get(preset_name or "")
    why = audience.why if audience else None
    if preset is not None:
        if audience is None or audience.preset is None:
            why = f"{preset.label}: {preset.audience_note}"
            if preset.name == "bls":
                why = BLS_WHY
        return preset.requirement, preset.label, why
    if query.level or query.topics:
        requirement = Requirement(query.level or "lay_rescuer", frozenset(query.topics))
        return requirement, "The card your employer described", why
    return None, None, why


def find_classes(session: Session, now: datetime, zone_name: str, query: FinderQuery,
                 page: int = 1, per_page: int = 20) -> FinderAnswer:
    """Courses meeting the learner's requirement and their upcoming sessions, soonest first."""
    requirement, title, why = requirement_for(query)
    courses = [c for c in catalog.list_courses(session) if not c.instructor_course]
    criteria = query.sessions
    if requirement is not None:
        courses = [c for c in courses if requirements.course_meets(c, requirement).meets]
        criteria = replace(criteria, course_ids=tuple(c.id for c in courses))
    upcoming, more = schedule.list_upcoming(session, now, criteria, zone_name, page, per_page)
    lengths = schedule.waitlist_lengths(session, [s.id for s in upcoming])
    return FinderAnswer(requirement, title, why, courses, upcoming, lengths, more)
