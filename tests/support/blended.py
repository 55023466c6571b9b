"""Blended courses for the tests: a course whose online part comes first, and its classes."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.models import ClassSession, Course, Enrollment, Keycode
from app.models.base import utcnow
from tests import factories


def blended_course(**fields) -> Course:
    fields.setdefault("online_course_url", "https://elearning.heart.org/course/437")
    return factories.CourseFactory(format="blended", title="BLS HeartCode", **fields)


def blended_class(starts_at: datetime | None = None, learners: int = 2,
                  course: Course | None = None) -> tuple[ClassSession, list[Enrollment]]:
    """A blended class (by default under way since an hour) with learners holding seats."""
    starts_at = starts_at or utcnow().replace(microsecond=0) - timedelta(hours=1)
    return factories.class_with_seats(starts_at, learners, course=course or blended_course())


def load(course: Course, *keys: str) -> list[Keycode]:
    rows = [Keycode(course_id=course.id, key=key, loaded_at=utcnow()) for key in keys]
    factories.db.session.add_all(rows)
    factories.db.session.commit()
    return rows
