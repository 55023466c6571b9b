"""The course catalog: create, list, and load the standard catalog."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Course, User
from app.services import audit
from app.services.errors import Conflict

COURSE_FIELDS = (
    "code", "family", "title", "description", "description_es", "level", "topics", "guidelines",
    "validity_months", "expiry_rule", "format", "duration_minutes", "default_capacity",
    "price_cents", "renewal", "instructor_course", "active", "what_to_bring",
    "online_course_url",
)


def list_courses(session: Session, active_only: bool = True) -> list[Course]:
    query = select(Course).order_by(Course.family, Course.instructor_course, Course.renewal, Course.code)
    if active_only:
        query = query.where(Course.active.is_(True))
    return list(session.scalars(query))


def course_by_code(session: Session, code: str) -> Course | None:
    return session.scalar(select(Course).where(Course.code == code))


@one_transaction
def create_course(session: Session, actor: User | None, fields: dict) -> Course:
    """Add a course to the catalog; a code that exists is a conflict."""
    if course_by_code(session, fields["code"]) is not None:
        raise Conflict(f"A course with the code {fields['code']} already exists.")
    course = Course()
    apply_fields(course, fields)
    course.family = fields.get("family") or fields["code"].lower()
    session.add(course)
    session.flush()
    audit.record(session, actor, "course.created", "course", course.id, code=course.code)
    return course


def apply_fields(course: Course, fields: dict) -> None:
    for name in COURSE_FIELDS:
        if name in fields and fields[name] is not None:
            setattr(course, name, fields[name])
    if "description_es" in fields:  # an empty Spanish description is none: pages show English
        course.description_es = (fields["description_es"] or "").strip() or None


@one_transaction
def load_catalog(session: Session, entries: list[dict]) -> tuple[int, int]:
    """Insert or update courses by code (idempotent); answers (created, updated)."""
    created = updated = 0
    for entry in entries:
        course = course_by_code(session, entry["code"])
        if course is None:
            course = Course()
            session.add(course)
            created += 1
        else:
            updated += 1
        apply_fields(course, entry)
    session.flush()
    audit.record(session, None, "catalog.loaded", "course", None, created=created, updated=updated)
    return created, updated


@one_transaction
def update_course(session: Session, actor: User | None, course: Course, fields: dict) -> Course:
    """Edit a course; issued certificates keep their own snapshot, so they never change."""
    code = fields.get("code")
    if code and code != course.code and course_by_code(session, code) is not None:
        raise Conflict(f"A course with the code {code} already exists.")
    before = {name: getattr(course, name) for name in COURSE_FIELDS}
    apply_fields(course, fields)
    changed = {name: [before[name], getattr(course, name)] for name in COURSE_FIELDS
               if before[name] != getattr(course, name)}
    if changed:
        audit.record(session, actor, "course.updated", "course", course.id, code=course.code,
                     changes=changed)
    return course


@one_transaction
def set_course_active(session: Session, actor: User | None, course: Course, active: bool) -> None:
    """Deactivate (no new sessions, hidden from the catalog) or reactivate a course; courses
    are never deleted, since sessions and certificates point at them."""
    if course.active == active:
        return
    course.active = active
    audit.record(session, actor, "course.reactivated" if active else "course.deactivated",
                 "course", course.id, code=course.code)
