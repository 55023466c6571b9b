"""The demo's blended class: its learners' keycodes and online parts, and a keycode bank one
short of the warning level (data.BLENDED_*)."""

from __future__ import annotations

from datetime import timedelta

from app.demo import data as demo_data
from app.models import Keycode, OnlinePart


def seed_blended_class(seeder, keycodes_low: int) -> None:
    """Two learners in the first upcoming blended class, one with the online part done."""
    class_session = seeder.sessions_by_course[demo_data.BLENDED_COURSE][0]
    class_session.arrival_notes = demo_data.BLENDED_ARRIVAL_NOTES
    done_email, certificate_id, days_ago = demo_data.BLENDED_ONLINE_PART_DONE
    learners = (done_email, demo_data.BLENDED_ONLINE_PART_MISSING)
    held = [seeder.enroll(class_session, email, "enrolled", order)
            for order, email in enumerate(learners)]
    seeder.session.flush()
    course = class_session.course
    keys = [Keycode(course_id=course.id, key=f"{demo_data.BLENDED_KEYCODE_PREFIX}{n:04d}",
                    loaded_at=seeder.now - timedelta(days=30))
            for n in range(len(held) + keycodes_low - 1)]
    for keycode, enrollment in zip(keys, held, strict=False):
        keycode.enrollment_id, keycode.assigned_at = enrollment.id, enrollment.created_at
    seeder.session.add_all(keys)
    seeder.session.add(OnlinePart(
        enrollment_id=held[0].id, completed_on=seeder.today - timedelta(days=days_ago),
        certificate_id=certificate_id, recorded_by_id=held[0].learner.id,
        created_at=seeder.now, updated_at=seeder.now))
