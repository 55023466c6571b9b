"""The keycode bank: online-course keys the center bought, per course, each handed to one
enrollment at most, ever — taken with a conditional UPDATE that only one claimer can win."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Course, Enrollment, Keycode, User, UserRole
from app.services import audit, notifications
from app.services.errors import Invalid, NotFound

MAX_KEYCODE = 64
MAX_KEYCODES_PER_LOAD = 5000
KEYCODE_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CLAIM_ATTEMPTS = 5


@dataclass(frozen=True)
class LoadSummary:
    added: int
    available: int


def parse_keycodes(text: str) -> list[str]:
    """Keycodes from pasted text or a CSV file: one a cell, the first column of a CSV, blank
    cells and a header cell ("keycode", "key", "code") skipped, repeats read once."""
    keys: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        cells = row[:1] if len(row) > 1 else row
        for cell in cells:
            for key in cell.split():
                if key.lower() not in ("keycode", "key", "code", "keycodes") and key not in keys:
                    keys.append(key)
    return keys


def _course(session: Session, code: str) -> Course:
    course = session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise NotFound("No course has this code.")
    return course


def _free(course_id: int):
    return (Keycode.course_id == course_id, Keycode.enrollment_id.is_(None),
            Keycode.used_up == false())


def available(session: Session, course_id: int) -> int:
    """How many keys of the course no enrollment holds and none is used up."""
    return session.scalar(select(func.count()).select_from(Keycode).where(*_free(course_id)))


@one_transaction
def load_keycodes(session: Session, actor: User, course_code: str, keys: list[str],
                  now: datetime, *, low_mark: int) -> LoadSummary:
    """Add keys to a course's bank (a key already there is not added twice); a bank restocked
    to `low_mark` or more may warn the admins again later. Commits."""
    course = _course(session, course_code)
    keys = [key.strip() for key in keys if key and key.strip()]
    if not keys:
        raise Invalid.field("keycodes", "Give at least one keycode.")
    if len(keys) > MAX_KEYCODES_PER_LOAD:
        raise Invalid.field("keycodes", f"Load at most {MAX_KEYCODES_PER_LOAD} keycodes at once.")
    bad = [key for key in keys if not KEYCODE_SHAPE.fullmatch(key)]
    if bad:
        raise Invalid.field("keycodes", f"A keycode is 1 to {MAX_KEYCODE} letters, digits, "
                                        f"'.', '_' or '-': {', '.join(bad[:5])}.")
    rows = [{"course_id": course.id, "key": key, "used_up": False, "loaded_at": now}
            for key in dict.fromkeys(keys)]
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    added = session.scalars(dialect.insert(Keycode).values(rows).on_conflict_do_nothing()
                            .returning(Keycode.id)).all()
    left = available(session, course.id)
    if left >= low_mark:
        course.keycodes_low_alerted_at = None
    audit.record(session, actor, "keycodes.loaded", "course", course.id, added=len(added),
                 available=left)
    return LoadSummary(len(added), left)


def assign_keycode(session: Session, enrollment: Enrollment, now: datetime) -> Keycode | None:
    """Give a blended enrollment holding a seat one free key of its course (no commit); None
    when it already holds one, is not blended, or the bank is empty."""
    course = enrollment.session.course
    if course.format != "blended" or enrollment.status != "enrolled":
        return None
    held = session.scalar(select(Keycode).where(Keycode.enrollment_id == enrollment.id))
    if held is not None:
        return held
    pick = select(Keycode.id).where(*_free(course.id)).order_by(Keycode.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        # Concurrent enrollments take different keys instead of queueing on the same row.
        pick = pick.with_for_update(skip_locked=True)
    for _ in range(CLAIM_ATTEMPTS):
        key_id = session.scalar(pick)
        if key_id is None:
            return None
        claimed = session.execute(
            update(Keycode).where(Keycode.id == key_id, *_free(course.id))
            .values(enrollment_id=enrollment.id, assigned_at=now)
            .execution_options(synchronize_session=False))
        if claimed.rowcount == 1:
            return session.get(Keycode, key_id, populate_existing=True)
    return None


def return_keycode(session: Session, enrollment: Enrollment) -> None:
    """A cancelled enrollment's key goes back to the bank unless it was used up (no commit)."""
    session.execute(update(Keycode)
                    .where(Keycode.enrollment_id == enrollment.id, Keycode.used_up == false())
                    .values(enrollment_id=None, assigned_at=None)
                    .execution_options(synchronize_session=False))
    session.expire(enrollment, ["keycode"])


@one_transaction
def mark_used_up(session: Session, actor: User, keycode_id: int) -> Keycode:
    """Staff: this key was redeemed (or is spoilt); it never goes back to the bank. Commits."""
    keycode = session.get(Keycode, keycode_id) if 0 < keycode_id < 2**31 else None
    if keycode is None:
        raise NotFound("No keycode has this id.")
    if keycode.used_up:
        return keycode
    keycode.used_up = True
    audit.record(session, actor, "keycode.used_up", "keycode", keycode.id,
                 course_id=keycode.course_id, enrollment_id=keycode.enrollment_id)
    return keycode


def bank_of(session: Session, course_code: str) -> tuple[Course, list[Keycode], int]:
    """(course, every key with the enrollment holding it, how many are free), for staff."""
    course = _course(session, course_code)
    keys = list(session.scalars(select(Keycode).where(Keycode.course_id == course.id)
                                .order_by(Keycode.enrollment_id.is_(None), Keycode.id)))
    return course, keys, available(session, course.id)


@one_transaction
def alert_low_banks(session: Session, now: datetime, *, low_mark: int) -> int:
    """Mail every admin once per blended course whose bank holds fewer than `low_mark` free
    keys, until it is restocked; answers how many courses were reported. Commits."""
    courses = session.scalars(select(Course).where(Course.format == "blended",
                                                   Course.active.is_(True),
                                                   Course.keycodes_low_alerted_at.is_(None)))
    reported = 0
    for course in list(courses):
        left = available(session, course.id)
        if left >= low_mark:
            continue
        # Only one sweep may win the flag: the alert goes out once however many run.
        won = session.execute(update(Course).where(Course.id == course.id,
                                                   Course.keycodes_low_alerted_at.is_(None))
                              .values(keycodes_low_alerted_at=now)
                              .execution_options(synchronize_session=False))
        if won.rowcount != 1:
            continue
        reported += 1
        for admin in _admins(session):
            notifications.enqueue(
                session, kind="keycodes_low", recipient=admin,
                event_key=f"keycodes_low:{course.id}:{now.isoformat()}:{admin.id}",
                context={"course_code": course.code, "course_title": course.title,
                         "available": left, "low_mark": low_mark},
                subject=("course", course.id))
    return reported


def _admins(session: Session) -> list[User]:
    return list(session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role == "admin", User.active.is_(True))
                                .order_by(User.id)))
