"""Applying a checked import: learners, certificates and one audit event, all or nothing.

Learners and certificates are inserted in bulk; the unique indexes on codes and e-mails are
the last guard against a concurrent writer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Certificate, User
from app.models.user import UserRole
from app.services import audit
from app.services.errors import Conflict, Invalid
from app.services.records.importing.checking import ImportPlan, Progress, check, chunks
from app.services.records.importing.reading import read_records

AUDITED_CODES_LIMIT = 500


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, or would do (a dry run)."""

    imported: int
    skipped: int
    learners_created: int
    learners_linked: int
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (f"{verb} {self.imported}, skipped {self.skipped} already present, "
                f"learners created {self.learners_created}, linked {self.learners_linked}")


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
    for chunk in chunks(rows):
        holder_ids.update(session.execute(insert(User).returning(User.email, User.id), chunk).tuples().all())
    new_ids = [holder_ids[email] for email in plan.new_learners]
    for chunk in chunks(new_ids):
        session.execute(insert(UserRole), [{"user_id": user_id, "role": "learner"} for user_id in chunk])
    return holder_ids


@one_transaction
def apply(session: Session, plan: ImportPlan, *, actor: User | None, now: datetime,
          training_center: str, source: str = "", progress: Progress | None = None) -> ImportSummary:
    """Write a checked plan in one transaction: learners, certificates and one audit event."""
    if plan.errors:
        raise Invalid(f"The file has {len(plan.errors)} errors; nothing was imported.")
    try:
        holder_ids = _create_learners(session, plan, now)
        actor_id = actor.id if actor else None
        for chunk in chunks(plan.certificates):
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
        session.flush()  # so that a clash surfaces here, as the Conflict below
    except IntegrityError as error:
        raise Conflict("Someone added one of these codes or e-mail addresses meanwhile; "
                       "nothing was imported. Run the import again.") from error
    return summary


def _imported_category(values: dict) -> str | None:
    """An imported revocation's public category, by the migration's rule (a reissue replaced it)."""
    if not values["revoked"]:
        return None
    return "replaced" if (values["revoked_reason"] or "").lower() == "reissued" else "withdrawn"


def _certificate_row(values: dict, holder_ids: dict[str, int], actor_id: int | None,
                     now: datetime, training_center: str) -> dict:
    row = {key: value for key, value in values.items() if key not in ("holder_email", "revoked")}
    row.update(holder_id=holder_ids[values["holder_email"]], training_center=training_center,
               created_at=now, revoked_at=now if values["revoked"] else None,
               revoked_by_id=actor_id if values["revoked"] else None,
               revocation_category=_imported_category(values))
    return row


@one_transaction
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
