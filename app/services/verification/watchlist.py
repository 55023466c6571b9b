"""An employer organisation's watch list: certificates its staff handed over by code.

An organisation only ever sees the certificates it saved by code. When a watched card has
been renewed (the same holder now holds a later, valid card meeting the same level and
topics), the list follows the renewal so that "expiring soon" means what HR cares about:
the employee's current card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.database import one_transaction
from app.models import Certificate, User, WatchListEntry
from app.services import verification
from app.services.catalog import requirements
from app.services.catalog.requirements import Requirement
from app.services.errors import Forbidden, Invalid, NotFound

EXPIRY_WINDOWS = (30, 60, 90)
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class WatchedCertificate:
    """One watch-list line: the card as saved and the card that currently counts."""

    entry_id: int
    employee_name: str
    certificate: Certificate
    renewal: Certificate | None
    today: date

    @property
    def current(self) -> Certificate:
        return self.renewal or self.certificate

    @property
    def status(self) -> str:
        return self.current.status_on(self.today)

    @property
    def days_left(self) -> int:
        return (self.current.expires_on - self.today).days

    @property
    def renewal_code_shown(self) -> bool:
        """A reissue's code is on the public record already; a renewal's was never handed
        over, so it stays hidden (the employer asks the employee for it)."""
        return self.renewal is not None and self.renewal.replaces_id == self.certificate.id


def _organisation_of(employer: User) -> int:
    if employer.organisation_id is None:
        raise Forbidden("Your account is not linked to an organisation; ask the training "
                        "center to link it.")
    return employer.organisation_id


@dataclass(frozen=True)
class SaveResult:
    """What became of one code the employer asked to save."""

    code: str
    outcome: str  # saved, already_saved, mistyped or not_found

    @property
    def message(self) -> str:
        return SAVE_MESSAGES[self.outcome]


SAVE_MESSAGES = {
    "saved": "Saved to your watch list.",
    "already_saved": "Already on your watch list.",
    "mistyped": verification.MISTYPED_MESSAGE,
    "not_found": verification.NOT_FOUND_MESSAGE,
}


def _employee_name(given: str) -> str:
    printable = "".join(ch for ch in (given or "") if ch.isprintable() or ch.isspace())
    name = " ".join(printable.split())
    if not name or len(name) > NAME_MAX_LENGTH:
        raise Invalid.field("employee_name", f"Give the employee's name (1–{NAME_MAX_LENGTH} "
                                             "characters).")
    return name


@one_transaction
def save(session: Session, employer: User, items: Sequence[tuple[str, str]], *, today: date,
         now: datetime) -> list[SaveResult]:
    """Save certificates, each given by its code with the employee's name, to the employer's
    organisation's watch list; one look-up for all, and each code's outcome in order."""
    organisation_id = _organisation_of(employer)
    names = [_employee_name(name) for _, name in items]
    # The look-ups are verifications in their own right: logged even when nothing is saved.
    answers = verification.verify_codes(
        session, [code for code, _ in items], None, today=today, now=now, channel="web",
        caller=verification.Caller(account_id=employer.id),
    )
    found_ids = [answer.certificate_id for answer in answers if answer.found]
    watched = set(session.scalars(select(WatchListEntry.certificate_id).where(
        WatchListEntry.organisation_id == organisation_id,
        WatchListEntry.certificate_id.in_(found_ids),
    )))
    results = []
    for answer, name in zip(answers, names, strict=True):
        if not answer.found:
            results.append(SaveResult(answer.code, answer.status))
            continue
        if answer.certificate_id in watched:
            results.append(SaveResult(answer.code, "already_saved"))
            continue
        watched.add(answer.certificate_id)
        session.add(WatchListEntry(organisation_id=organisation_id,
                                   certificate_id=answer.certificate_id, employee_name=name,
                                   added_by_id=employer.id, created_at=now))
        results.append(SaveResult(answer.code, "saved"))
    return results


@one_transaction
def remove(session: Session, employer: User, entry_id: int) -> None:
    """Take an entry off the employer's own watch list (another organisation's is not found)."""
    entry = session.get(WatchListEntry, entry_id)
    if entry is None or entry.organisation_id != _organisation_of(employer):
        raise NotFound("No such watch-list entry.")
    session.delete(entry)


def _renewals(session: Session, certificates: list[Certificate],
              today: date) -> dict[int, Certificate]:
    """For each watched certificate id, the holder's later valid card of the same kind."""
    holder_ids = {certificate.holder_id for certificate in certificates}
    if not holder_ids:
        return {}
    candidates = session.scalars(select(Certificate).where(
        Certificate.holder_id.in_(holder_ids),
        Certificate.revoked_at.is_(None),
        Certificate.issued_on <= today,
        Certificate.expires_on >= today,
    )).all()
    renewals = {}
    for watched in certificates:
        same_kind = Requirement(watched.level, frozenset(watched.topics), valid_on=today)
        later = [
            candidate for candidate in candidates
            if candidate.holder_id == watched.holder_id and candidate.id != watched.id
            and (candidate.expires_on > watched.expires_on or watched.revoked_at is not None)
            and requirements.check(candidate, same_kind).meets
        ]
        if later:
            renewals[watched.id] = max(later, key=lambda c: (c.expires_on, c.id))
    return renewals


def watch_list(session: Session, employer: User, today: date,
               within_days: int | None = None) -> list[WatchedCertificate]:
    """The organisation's watch list, soonest expiry first; `within_days` keeps the current
    cards that are still valid and expire within that many days."""
    organisation_id = _organisation_of(employer)
    entries = session.scalars(
        select(WatchListEntry)
        .where(WatchListEntry.organisation_id == organisation_id)
        .options(joinedload(WatchListEntry.certificate))
    ).all()
    renewals = _renewals(session, [entry.certificate for entry in entries], today)
    lines = [
        WatchedCertificate(entry.id, entry.employee_name, entry.certificate,
                           renewals.get(entry.certificate_id), today)
        for entry in entries
    ]
    if within_days is not None:
        lines = [line for line in lines
                 if line.status == "valid" and 0 <= line.days_left <= within_days]
    return sorted(lines, key=lambda line: (line.current.expires_on,
                                           line.employee_name.casefold()))
