"""Blended learning: the online part of an enrollment and the course's keycode bank.

`seat_taken` and `seat_given_up` are the two hooks the enrollment use cases call, inside their
transaction, when a learner gets or gives up a seat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Enrollment
from app.services.blended.keycodes import (
    LoadSummary,
    alert_low_banks,
    assign_keycode,
    available,
    bank_of,
    load_keycodes,
    mark_used_up,
    parse_keycodes,
    return_keycode,
)
from app.services.blended.online_parts import (
    certificate_fields,
    confirm_online_part,
    is_blended,
    missing_online_parts,
    online_part_json,
    online_part_pdf,
    record_online_part,
    require_online_parts,
)


def seat_taken(session: Session, enrollment: Enrollment, now: datetime) -> dict:
    """Hand a blended enrollment its keycode; answers what its mail adds (the key and the
    body's online-course link), {} for any other course."""
    if not is_blended(enrollment):
        return {}
    keycode = assign_keycode(session, enrollment, now)
    return {"keycode": keycode.key if keycode is not None else None,
            "online_course_url": enrollment.session.course.online_course_url or None}


def seat_given_up(session: Session, enrollment: Enrollment) -> None:
    """A cancelled enrollment's unused keycode goes back to the bank."""
    if is_blended(enrollment):
        return_keycode(session, enrollment)


__all__ = ["LoadSummary", "alert_low_banks", "assign_keycode", "available", "bank_of",
           "certificate_fields", "confirm_online_part", "is_blended", "load_keycodes",
           "mark_used_up", "missing_online_parts", "online_part_json", "online_part_pdf",
           "parse_keycodes", "record_online_part", "require_online_parts", "return_keycode",
           "seat_given_up", "seat_taken"]
