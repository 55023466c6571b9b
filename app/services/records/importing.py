"""Importing certificate records from CSV (API.md): check every row first, then all or nothing.

Set-based so that 10⁵ rows import in seconds: courses, existing codes and existing learners
are resolved with a few IN queries, learners and certificates are inserted in bulk, and the
unique indexes on codes and e-mails are the last guard against a concurrent writer.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Certificate, Course, User
from app.models.user import UserRole
from app.services import audit
from app.services.certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    format_code,
    is_legacy_code_acceptable,
    is_valid,
)
from app.services.certificates.expiry import expires_on as computed_expiry
from app.services.errors import Conflict, Invalid

COLUMNS = ("code", "holder_name", "holder_email", "course_code", "issued_on", "expires_on",
           "instructor_name", "external_issuer", "external_id", "status", "revoked_reason")
REQUIRED_COLUMNS = ("code", "holder_name", "holder_email", "course_code", "issued_on")
STATUSES = ("", "valid", "expired", "revoked")
TEXT_LIMITS = {"holder_name": 200, "instructor_name": 200, "external_issuer": 64,
               "external_id": 128, "revoked_reason": 500}
CHUNK = 2000
PREVIEW_ROWS = 10
AUDITED_CODES_LIMIT = 500

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    """A problem with one line of the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Record:
    """One data line of the file as read: its line number and its fields by column."""

    line: int
    fields: dict[str, str]


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


@dataclass(frozen=True)
class ImportSummary:
    imported: int
    skipped: int
    learners_created: int
    learners_linked: int
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (f"{verb} {self.imported}, skipped {self.skipped} already present, "
                f"learners created {self.learners_created}, linked {self.learners_linked}")


def read_records(lines: Iterable[str]) -> tuple[list[Record], list[RowError]]:
    """Split CSV text into records; a bad header or a line with the wrong field count is an error."""
    reader = csv.reader(lines)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return [], [RowError(1, "the file is empty; expected a header row")]
    except csv.Error as error:
        return [], [RowError(1, f"unreadable CSV: {error}")]
    errors = [RowError(1, f"unknown column {name!r}") for name in header if name not in COLUMNS]
    errors += [RowError(1, f"missing column {name!r}") for name in REQUIRED_COLUMNS if name not in header]
    if errors:
        return [], errors
    records: list[Record] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"unreadable CSV: {error}"))
            break
        if not values or values == [""]:
            continue
        if len(values) != len(header):
            errors.append(RowError(line, f"expected {len(header)} fields, found {len(values)}"))
            continue
        fields = dict.fromkeys(COLUMNS, "")
        fields.update(zip(header, (value.strip() for value in values), strict=True))
        records.append(Record(line, fields))
    return records, errors


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


class _RowChecker:
    """Checks rows one by one, remembering courses, e-mails and codes already seen."""

    def __init__(self, courses: dict[str, Course], today: date):
        self.courses, self.today = courses, today
        self.emails: dict[str, str | None] = {}
        self.first_line_of_code: dict[str, int] = {}

    def email(self, text: str, problems: list[str]) -> str | None:
        if text not in self.emails:
            try:
                # test_environment admits the reserved .test domain the demo accounts use.
                self.emails[text] = validate_email(text, check_deliverability=False,
                                                   test_environment=True).normalized.lower()
            except EmailNotValidError:
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


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(session: Session, column, values: Sequence) -> dict:
    """Stored values of a unique column among `values`, with their row ids, a chunk at a time."""
    model = column.class_
    found = {}
    for chunk in _chunks(values):
        found.update(session.execute(select(column, model.id).where(column.in_(chunk))).tuples().all())
    return found


def check(session: Session, records: Sequence[Record], *, today: date,
          read_errors: Sequence[RowError] = (), progress: Progress | None = None) -> ImportPlan:
    """Check every record and work out what importing them would do; writes nothing."""
    plan = ImportPlan(total=len(records), errors=list(read_errors), preview=list(records[:PREVIEW_ROWS]))
    checker = _RowChecker({c.code: c for c in session.scalars(select(Course))}, today)
    for start in range(0, len(records), CHUNK):
        for record in records[start:start + CHUNK]:
            values, problems = checker.check(record)
            plan.errors += [RowError(record.line, problem) for problem in problems]
            if values is not None:
                plan.certificates.append(values)
        if progress:
            progress(len(records[start:start + CHUNK]))
    plan.errors.sort(key=lambda error: error.line)
    present = _existing(session, Certificate.code, [c["code"] for c in plan.certificates])
    plan.skipped = sum(1 for c in plan.certificates if c["code"] in present)
    plan.certificates = [c for c in plan.certificates if c["code"] not in present]
    names: dict[str, str] = {}
    for values in plan.certificates:
        names.setdefault(values["holder_email"], values["holder_name"])
    plan.linked_learners = _existing(session, User.email, list(names))
    plan.new_learners = {email: name for email, name in names.items()
                         if email not in plan.linked_learners}
    return plan


def summary_of(plan: ImportPlan, *, dry_run: bool) -> ImportSummary:
    return ImportSummary(imported=len(plan.certificates), skipped=plan.skipped,
                         learners_created=len(plan.new_learners),
                         learners_linked=len(plan.linked_learners), dry_run=dry_run)


def _create_learners(session: Session, plan: ImportPlan, now: datetime) -> dict[str, int]:
    """Insert the new learners (no password: they can reset it) and return e-mail → id."""
    holder_ids = dict(plan.linked_learners)
    rows = [{"email": email, "full_name": name, "password_hash": None, "active": True,
             "reminders_opt_out": False, "created_at": now}
            for email, name in plan.new_learners.items()]
    for chunk in _chunks(rows):
        holder_ids.update(session.execute(insert(User).returning(User.email, User.id), chunk).tuples().all())
    new_ids = [holder_ids[email] for email in plan.new_learners]
    for chunk in _chunks(new_ids):
        session.execute(insert(UserRole), [{"user_id": user_id, "role": "learner"} for user_id in chunk])
    return holder_ids


def apply(session: Session, plan: ImportPlan, *, actor: User | None, now: datetime,
          training_center: str, source: str = "", progress: Progress | None = None) -> ImportSummary:
    """Write a checked plan in one transaction: learners, certificates and one audit event."""
    if plan.errors:
        raise Invalid(f"The file has {len(plan.errors)} errors; nothing was imported.")
    try:
        holder_ids = _create_learners(session, plan, now)
        actor_id = actor.id if actor else None
        for chunk in _chunks(plan.certificates):
            session.execute(insert(Certificate), [_certificate_row(values, holder_ids, actor_id, now,
                                                                   training_center) for values in chunk])
            if progress:
                progress(len(chunk))
        summary = summary_of(plan, dry_run=False)
        details = {"imported": summary.imported, "skipped": summary.skipped,
                   "learners_created": summary.learners_created,
                   "learners_linked": summary.learners_linked, "source": source}
        if summary.imported <= AUDITED_CODES_LIMIT:
            details["codes"] = [values["code"] for values in plan.certificates]
        audit.record(session, actor, "certificates.imported", "certificate", None, **details)
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict("Someone added one of these codes or e-mail addresses meanwhile; "
                       "nothing was imported. Run the import again.") from error
    return summary


def _certificate_row(values: dict, holder_ids: dict[str, int], actor_id: int | None,
                     now: datetime, training_center: str) -> dict:
    row = {key: value for key, value in values.items() if key not in ("holder_email", "revoked")}
    row.update(holder_id=holder_ids[values["holder_email"]], training_center=training_center,
               created_at=now, revoked_at=now if values["revoked"] else None,
               revoked_by_id=actor_id if values["revoked"] else None)
    return row


def import_text(session: Session, lines: Iterable[str], *, actor: User | None, now: datetime,
                today: date, training_center: str, dry_run: bool = False,
                source: str = "") -> tuple[ImportPlan, ImportSummary | None]:
    """Read, check and (unless a dry run or in error) import: the whole use case in one call."""
    records, read_errors = read_records(lines)
    plan = check(session, records, today=today, read_errors=read_errors)
    if plan.errors:
        return plan, None
    if dry_run:
        return plan, summary_of(plan, dry_run=True)
    return plan, apply(session, plan, actor=actor, now=now, training_center=training_center,
                       source=source)
