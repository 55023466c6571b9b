"""The catalog: courses, the standard catalog, the requirement engine and the class finder."""

from app.services.catalog.courses import (
    course_by_code,
    create_course,
    list_courses,
    load_catalog,
    set_course_active,
    update_course,
)

__all__ = ["course_by_code", "create_course", "list_courses", "load_catalog",
           "set_course_active", "update_course"]
