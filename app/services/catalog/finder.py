""""Which class do I need?": who the learner is → a requirement preset → the courses that
satisfy it (through the requirement engine) → their upcoming sessions with seats left."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate, ClassSession, Course
from app.services import catalog, schedule
from app.services.catalog import requirements
from app.services.catalog.requirements import PRESETS, Requirement
from app.services.clock import local_date
from app.services.language.text import N_

BLS_WHY = N_(
    "BLS is CPR at the healthcare-provider level: adult, child and infant CPR with an AED, "
    "two-rescuer CPR and a bag-valve mask. AHA calls it BLS for Healthcare Providers; the Red "
    "Cross calls it CPR for the Professional Rescuer and Healthcare Providers. Hospitals, "
    "clinics, EMS services and health-science programmes ask for it, and a lay-rescuer "
    "(Heartsaver) CPR card does not count for them."
)
PEDIATRIC_WHY = N_(
    "Schools, childcare centres, sports clubs and camps look after children, so they ask for "
    "CPR covering adults, children and infants at the lay-rescuer level (for example AHA "
    "Heartsaver Pediatric First Aid CPR AED, or the Red Cross Adult and Pediatric First Aid/"
    "CPR/AED). Most of them want first aid too: a class covering both is the safe choice."
)
WORKPLACE_WHY = N_(
    "Workplace responders need adult CPR with an AED at the lay-rescuer level (for example AHA "
    "Heartsaver CPR AED, or the Red Cross Adult First Aid/CPR/AED). OSHA-minded employers often "
    "also want first aid, so check whether yours does; classes that include it are listed too."
)
EMPLOYER_WHY = N_(
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
    wants_first_aid: bool = False  # their employers mostly ask for first aid with the CPR


AUDIENCES: dict[str, Audience] = {a.key: a for a in (
    Audience("nurse", N_("I am a nurse"), "bls", BLS_WHY),
    Audience("emt", N_("I am an EMT or paramedic"), "bls", BLS_WHY),
    Audience("physician", N_("I am a physician or physician assistant"), "bls", BLS_WHY),
    Audience("dentist", N_("I work in dentistry"), "bls", BLS_WHY),
    Audience("healthcare_student", N_("I am a nursing, medical or other health-science student"),
             "bls", BLS_WHY),
    Audience("teacher", N_("I am a teacher or school staff"), "pediatric_cpr", PEDIATRIC_WHY,
             wants_first_aid=True),
    Audience("coach", N_("I am a coach or fitness instructor"), "pediatric_cpr", PEDIATRIC_WHY,
             wants_first_aid=True),
    Audience("daycare", N_("I work in daycare or childcare"), "pediatric_cpr", PEDIATRIC_WHY,
             wants_first_aid=True),
    Audience("camp", N_("I work at a camp"), "pediatric_cpr", PEDIATRIC_WHY, wants_first_aid=True),
    Audience("workplace", N_("I am my workplace's first responder"), "workplace_cpr_aed",
             WORKPLACE_WHY, wants_first_aid=True),
    Audience("employer_card", N_("My employer asked for a specific card"), None, EMPLOYER_WHY),
)}


@dataclass(frozen=True)
class FinderQuery:
    """What the learner told the finder; every part optional."""

    audience: str | None = None
    preset: str | None = None
    level: str | None = None
    topics: tuple[str, ...] = ()
    sessions: schedule.SessionFilter = field(default_factory=schedule.SessionFilter)
    # Course families in which the learner holds a current card: only they see renewals.
    held_families: frozenset[str] = frozenset()


@dataclass
class FinderAnswer:
    requirement: Requirement | None
    title: str | None
    why: str | None
    courses: list[Course]  # best fit first; the first is the recommended one
    sessions: list[ClassSession]  # sessions of the best-fitting courses first, then by date
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
            why = N_("%(card)s: %(note)s", card=preset.label, note=preset.audience_note)
            if preset.name == "bls":
                why = BLS_WHY
        return preset.requirement, preset.label, why
    if query.level or query.topics:
        requirement = Requirement(query.level or "lay_rescuer", frozenset(query.topics))
        return requirement, N_("The card your employer described"), why
    return None, None, why


def held_families(session: Session, holder_id: int | None, now: datetime,
                  zone_name: str) -> frozenset[str]:
    """The course families in which the holder has a current, unrevoked certificate."""
    if holder_id is None:
        return frozenset()
    today = local_date(now, zone_name)
    return frozenset(session.scalars(select(Certificate.course_family).where(
        Certificate.holder_id == holder_id, Certificate.revoked_at.is_(None),
        Certificate.expires_on >= today).distinct()))


def fit_rank(course: Course, requirement: Requirement | None, wants_first_aid: bool) -> tuple:
    """How well a course fits: the requirement's own level before a higher one (a Heartsaver
    class for a teacher, not BLS), first aid for those who usually need it, fewer extra
    topics, a first course before a renewal, then the cheaper."""
    above = requirement is not None and course.level != requirement.level
    lacks_first_aid = wants_first_aid and "first_aid" not in course.topics
    extra = len(set(course.topics) - set(requirement.topics)) if requirement is not None else 0
    return (above, lacks_first_aid, extra, course.renewal, course.price_cents, course.title)


def find_classes(session: Session, now: datetime, zone_name: str, query: FinderQuery,
                 page: int = 1, per_page: int = 20) -> FinderAnswer:
    """Courses meeting the learner's requirement, best fit first, and their upcoming sessions
    (renewals only for those who hold a current card of that family)."""
    requirement, title, why = requirement_for(query)
    audience = AUDIENCES.get(query.audience or "")
    offered = [c for c in catalog.list_courses(session)
               if not c.renewal or c.family in query.held_families]
    courses = [c for c in offered if not c.instructor_course]
    if requirement is not None:
        courses = [c for c in courses if requirements.course_meets(c, requirement).meets]
    courses.sort(key=lambda c: fit_rank(c, requirement, bool(audience and audience.wants_first_aid)))
    listed = courses if requirement is not None else offered
    criteria = replace(query.sessions, course_ids=tuple(c.id for c in listed))
    upcoming, more = schedule.list_upcoming(session, now, criteria, zone_name, page, per_page)
    if requirement is not None:
        order = {course.id: index for index, course in enumerate(courses)}
        upcoming.sort(key=lambda s: (order.get(s.course_id, len(order)), s.starts_at))
    lengths = schedule.waitlist_lengths(session, [s.id for s in upcoming])
    return FinderAnswer(requirement, title, why, courses, upcoming, lengths, more)
