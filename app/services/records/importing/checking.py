"""Checking the records of a file against the catalog and the records already held: every
error with its line, and what importing would do. Writes nothing.

Set-based so that 10⁵ rows check in seconds: courses, existing codes and existing learners
are resolved with a few IN queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate, Course, User
from app.services.accounts.users import normalise_email
from app.services.certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    format_code,
    is_legacy_code_acceptable,
    is_valid,
)
from app.services.certificates.expiry import expires_on as computed_expiry
from app.services.errors import Invalid, breaks_line
from app.services.records.importing.reading import Record, RowError

STATUSES = ("", "valid", "expired", "revoked")
TEXT_LIMITS = {"holder_name": 200, "instructor_name": 200, "external_issuer": 64,
               "external_id": 128, "revoked_reason": 500}
CHUNK = 2000
PREVIEW_ROWS = 10

Progress = Callable[[int], None]


@dataclass
class ImportPlan:
    """What an import would do: the certificates to add, the errors, the learners touched."""

    total: int = 0
    certificates: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    new_learners: dict[str, str] = field(default_factory=dict)  # e-mail → name
    linked_learners: dict[str, int] = field(default_factory=dict)  # e-mail → user id
    preview: list[Record] = field(default_factory=list)


def stored_code(text: str) -> str | None:
    """The code as it will be stored: a Lifeline code formatted, a legacy one as given."""
    symbols = text.replace("-", "").upper()
    if len(symbols) == CODE_LENGTH and all(s in ALPHABET for s in symbols) and is_valid(symbols):
        return format_code(symbols)
    return text if is_legacy_code_acceptable(text) else None


def _date(text: str, column: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"bad date in {column} {text!r} (use YYYY-MM-DD)")
        return None


class RowChecker:
    """Checks rows one by one, remembering courses, e-mails and codes already seen."""

    def __init__(self, courses: dict[str, Course], today: date):
        self.courses, self.today = courses, today
        self.emails: dict[str, str | None] = {}
        self.first_line_of_code: dict[str, int] = {}

    def email(self, text: str, problems: list[str]) -> str | None:
        if text not in self.emails:
            try:
                self.emails[text] = normalise_email(text)
            except Invalid:
                self.emails[text] = None
        if self.emails[text] is None:
            problems.append(f"bad e-mail {text!r}" if text else "missing holder_email")
        return self.emails[text]

    def check(self, record: Record) -> tuple[dict | None, list[str]]:
        row, problems = record.fields, []
        code = stored_code(row["code"])
        if not row["code"]:
            problems.append("missing code")
        elif code is None:
            problems.append(f"bad code {row['code']!r} (1–64 of A–Z a–z 0–9 . _ -)")
        elif code in self.first_line_of_code:
            problems.append(f"duplicate code {code} (first on line {self.first_line_of_code[code]})")
        else:
            self.first_line_of_code[code] = record.line
        if not row["holder_name"]:
            problems.append("missing holder_name")
        # PostgreSQL refuses NUL in text, so a spreadsheet's stray NUL is the row's error, not a crash.
        problems += [f"{column} holds a NUL character" for column, value in row.items() if "\x00" in value]
        problems += [f"{column} must be one line (no line break or control character)"
                     for column in ("holder_name", "instructor_name")
                     if "\x00" not in row[column] and breaks_line(row[column])]
        problems += [f"{column} longer than {limit} characters"
                     for column, limit in TEXT_LIMITS.items() if len(row[column]) > limit]
        email = self.email(row["holder_email"], problems)
        course = self.courses.get(row["course_code"])
        if course is None:
            problems.append(f"unknown course {row['course_code']!r}" if row["course_code"]
                            else "missing course_code")
        issued = _date(row["issued_on"], "issued_on", problems) if row["issued_on"] else None
        if not row["issued_on"]:
            problems.append("missing issued_on")
        elif issued and issued > self.today:
            problems.append(f"issued_on {issued} is in the future")
        expires = _date(row["expires_on"], "expires_on", problems) if row["expires_on"] else None
        if issued and expires and expires < issued:
            problems.append(f"expires_on {expires} is before issued_on {issued}")
        status = row["status"].lower()
        if status not in STATUSES:
            problems.append(f"unknown status {row['status']!r} (valid, expired or revoked)")
        elif status == "revoked" and not row["revoked_reason"]:
            problems.append("status revoked needs a revoked_reason")
        elif status != "revoked" and row["revoked_reason"]:
            problems.append("revoked_reason given but status is not revoked")
        if problems:
            return None, problems
        if expires is None:
            expires = computed_expiry(issued, course.validity_months, course.expiry_rule)
        return {
            "code": code, "holder_email": email, "holder_name": row["holder_name"],
            "course_id": course.id, "course_code": course.code, "course_title": course.title,
            "course_family": course.family, "level": course.level,
            "topics_mask": course.topics_mask, "guidelines_mask": course.guidelines_mask,
            "issued_on": issued, "expires_on": expires,
            "instructor_name": row["instructor_name"] or None,
            "external_issuer": row["external_issuer"] or None,
            "external_id": row["external_id"] or None,
            "revoked": status == "revoked", "revoked_reason": row["revoked_reason"] or None,
        }, []


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def existing(session: Session, column, values: Sequence) -> dict:
    """Stored values of a unique column among `values`, with their row ids, a chunk at a time."""
    model = column.class_
    found = {}
    for chunk in chunks(values):
        found.update(session.execute(select(column, model.id).where(column.in_(chunk))).tuples().all())
    return found


def check(session: Session, records: Sequence[Record], *, today: date,
          read_errors: Sequence[RowError] = (), progress: Progress | None = None) -> ImportPlan:
    """Check every record and work out what importing them would do; writes nothing."""
    plan = ImportPlan(total=len(records), errors=list(read_errors), preview=list(records[:PREVIEW_ROWS]))
    checker = RowChecker({c.code: c for c in session.scalars(select(Course))}, today)
    for start in range(0, len(records), CHUNK):
        for record in records[start:start + CHUNK]:
            values, problems = checker.check(record)
            plan.errors += [RowError(record.line, problem) for problem in problems]
            if values is not None:
                plan.certificates.append(values)
        if progress:
            progress(len(records[start:start + CHUNK]))
    plan.errors.sort(key=lambda error: error.line)
    present = existing(session, Certificate.code, [c["code"] for c in plan.certificates])
    plan.skipped = sum(1 for c in plan.certificates if c["code"] in present)
    plan.certificates = [c for c in plan.certificates if c["code"] not in present]
    names: dict[str, str] = {}
    for values in plan.certificates:
        names.setdefault(values["holder_email"], values["holder_name"])
    plan.linked_learners = existing(session, User.email, list(names))
    plan.new_learners = {email: name for email, name in names.items()
                         if email not in plan.linked_learners}
    return plan
