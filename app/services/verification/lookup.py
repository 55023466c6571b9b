"""Finding certificates by code (DESIGN.md rule 4), their public record, and verifying them.

Every look-up, one code or five hundred, goes through `find_many`: one query for all the
codes, whether they exist or not, so an unknown code takes the same path as a known one.
Each verification then writes one VerificationLog row per code (the training center's log).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Integer, String, bindparam, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from app.database import one_transaction
from app.models import Certificate, VerificationLog
from app.models.base import UTCDateTime
from app.models.vocab import revocation_label
from app.services.catalog import requirements
from app.services.catalog.requirements import Requirement
from app.services.certificates.codes import lookup_keys
from app.services.errors import MistypedCode, NotFound

CHANNELS = ("web", "qr", "api", "bulk")
NOT_FOUND_MESSAGE = "No certificate has this code."
MISTYPED_MESSAGE = MistypedCode.default_message
_LOGGED_CODE_LENGTH = 80  # VerificationLog.code_queried


@dataclass(frozen=True)
class Caller:
    """Who asked: a signed-in account, or else a salted hash of the caller's IP address."""

    account_id: int | None = None
    ip_hash: str | None = None


def hash_ip(ip: str, secret: str) -> str:
    """SHA-256 of the IP address salted with the app's secret (the log never holds raw IPs)."""
    return hashlib.sha256(f"{secret}\x00{ip}".encode()).hexdigest()


def caller_for(account_id: int | None, ip: str | None, secret: str) -> Caller:
    """The account when signed in, else the hashed address."""
    if account_id is not None:
        return Caller(account_id=account_id)
    return Caller(ip_hash=hash_ip(ip or "unknown", secret))


@dataclass(frozen=True)
class Lookup:
    """One code as sent and what it matched (with the codes its record links to)."""

    code: str
    certificate: Certificate | None
    mistyped: bool
    replaced_by: str | None = None
    replaces: str | None = None

    @property
    def found(self) -> bool:
        return self.certificate is not None

    def outcome(self, today: date) -> str:
        """valid, expired or revoked for a match; otherwise mistyped or not_found."""
        if self.certificate is not None:
            return self.certificate.status_on(today)
        return "mistyped" if self.mistyped else "not_found"


_successor = aliased(Certificate)
_predecessor = aliased(Certificate)


def find_many(session: Session, texts: Sequence[str]) -> list[Lookup]:
    """Look up many typed codes with ONE query, answers in the order sent.

    Stored codes match exactly first, then the Lifeline form of the code."""
    keys = [lookup_keys(text if isinstance(text, str) else "") for text in texts]
    wanted = {key for k in keys for key in (k.exact, k.formatted) if key}
    # The query runs even when no code can match, so unknown codes cost what known ones do.
    # The linked records' codes come as plain columns: cheaper than loading them as objects.
    statement = (
        select(Certificate, _successor.code, _predecessor.code)
        .outerjoin(_successor, _successor.replaces_id == Certificate.id)
        .outerjoin(_predecessor, _predecessor.id == Certificate.replaces_id)
        .where(Certificate.code.in_(sorted(wanted)))
    )
    by_code = {row[0].code: row for row in session.execute(statement)}
    lookups = []
    for typed, k in zip(texts, keys, strict=True):
        row = by_code.get(k.exact) if k.exact else None
        if row is None and k.formatted:
            row = by_code.get(k.formatted)
        if row is None:
            lookups.append(Lookup(code=typed, certificate=None, mistyped=k.mistyped))
        else:
            lookups.append(Lookup(typed, row[0], False, replaced_by=row[1], replaces=row[2]))
    return lookups


def find_by_code(session: Session, text: str) -> Certificate:
    """The certificate for a typed or scanned code: stored codes match exactly first, then
    the Lifeline form; a 16-symbol code with a bad check is `mistyped`, anything else unknown
    is `not_found`."""
    return _certificate_or_raise(find_many(session, [text or ""])[0])


def _certificate_or_raise(lookup: Lookup) -> Certificate:
    if lookup.certificate is not None:
        return lookup.certificate
    if lookup.mistyped:
        raise MistypedCode()
    raise NotFound(NOT_FOUND_MESSAGE)


def certificate_view(certificate: Certificate, today: date) -> dict:
    """The public record of API.md: never an e-mail address or an internal id."""
    return _view(
        certificate, today,
        replaced_by=certificate.replaced_by.code if certificate.replaced_by else None,
        replaces=certificate.replaces.code if certificate.replaces else None,
    )


def _view(certificate: Certificate, today: date, *, replaced_by: str | None,
          replaces: str | None) -> dict:
    external = None
    if certificate.external_id:
        external = {"issuer": certificate.external_issuer or "", "id": certificate.external_id}
    revoked = certificate.revoked_at is not None
    return {
        "code": certificate.code,
        "status": certificate.status_on(today),
        "holder_name": certificate.holder_name,
        "course": {"code": certificate.course_code, "title": certificate.course_title},
        "level": certificate.level,
        "topics": certificate.topics,
        "guidelines": certificate.guidelines,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "instructor_name": certificate.instructor_name,
        "training_center": certificate.training_center,
        "external_card": external,
        # The public words for why (a fixed category), never the staff's free-text reason.
        "revoked_reason": revocation_label(certificate.revocation_category) if revoked else None,
        "revocation_category": (certificate.revocation_category or "withdrawn") if revoked else None,
        "replaced_by": replaced_by,
        "replaces": replaces,
    }


def _storable(typed: str) -> str:
    """The text as any database stores it: lone surrogates and NUL characters replaced."""
    return typed.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


_LOG_COLUMNS = ("created_at", "code_queried", "certificate_id", "outcome", "channel",
                "account_id", "ip_hash")
# Below this many rows a plain INSERT is cheaper than one INSERT … SELECT over arrays.
_ARRAY_INSERT_FROM = 20


def log_lookups(session: Session, lookups: Sequence[Lookup], *, today: date, now: datetime,
                channel: str, caller: Caller) -> None:
    """Add one VerificationLog row per look-up to the caller's transaction, with one INSERT
    whatever the number of look-ups."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel!r}")
    if not lookups:
        return
    ip_hash = None if caller.account_id else caller.ip_hash
    rows = [dict(zip(_LOG_COLUMNS, (
        now, _storable(lookup.code[:_LOGGED_CODE_LENGTH]),
        lookup.certificate.id if lookup.certificate else None, lookup.outcome(today), channel,
        caller.account_id, ip_hash,
    ), strict=True)) for lookup in lookups]
    table = VerificationLog.__table__
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    # Log rows need not wait for the disk: a server crash may lose the last instants of the
    # log, never other data, as only this transaction commits asynchronously.
    session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    if len(rows) < _ARRAY_INSERT_FROM:
        session.execute(insert(table), rows)
    else:
        session.execute(_array_insert(rows))


_ARRAY_INSERT = text(
    "INSERT INTO verification_log"
    " (created_at, code_queried, certificate_id, outcome, channel, account_id, ip_hash)"
    " SELECT :created_at, batch.code_queried, batch.certificate_id, batch.outcome,"
    " :channel, :account_id, :ip_hash"
    " FROM unnest(CAST(:codes AS varchar[]), CAST(:ids AS integer[]), CAST(:outcomes AS varchar[]))"
    " AS batch (code_queried, certificate_id, outcome)"
).bindparams(
    bindparam("created_at", type_=UTCDateTime()), bindparam("channel", type_=String()),
    bindparam("account_id", type_=Integer()), bindparam("ip_hash", type_=String()),
    bindparam("codes", type_=ARRAY(String())), bindparam("ids", type_=ARRAY(Integer())),
    bindparam("outcomes", type_=ARRAY(String())),
)


def _array_insert(rows: list[dict]):
    """One INSERT … SELECT over arrays of the varying columns: a 500-code batch is one
    statement, where an executemany would send 500. The statement is built once, typed, so a
    batch costs only its parameters."""
    first = rows[0]
    return _ARRAY_INSERT.params(
        created_at=first["created_at"], channel=first["channel"],
        account_id=first["account_id"], ip_hash=first["ip_hash"],
        codes=[row["code_queried"] for row in rows], ids=[row["certificate_id"] for row in rows],
        outcomes=[row["outcome"] for row in rows],
    )


@dataclass
class Verification:
    """One code's answer, in the API's terms, worked out before the log is committed (so
    reading it never reloads the certificate)."""

    code: str
    status: str
    certificate: Certificate | None
    record: dict | None = None
    meets_requirement: bool | None = None
    reasons: list[str] = field(default_factory=list)
    certificate_id: int | None = None

    @property
    def found(self) -> bool:
        return self.certificate is not None

    def as_json(self) -> dict:
        """The API.md result object (`code` echoed as sent)."""
        return {
            "code": self.code,
            "found": self.found,
            "status": self.status,
            "meets_requirement": self.meets_requirement,
            "reasons": self.reasons,
            "certificate": self.record,
        }


def judge(lookup: Lookup, requirement: Requirement | None, today: date) -> Verification:
    """A look-up's status and record, and whether it meets the requirement (reasons if not)."""
    status = lookup.outcome(today)
    certificate = lookup.certificate
    if certificate is None:
        message = MISTYPED_MESSAGE if lookup.mistyped else NOT_FOUND_MESSAGE
        return Verification(lookup.code, status, None, reasons=[message])
    record = _view(certificate, today, replaced_by=lookup.replaced_by, replaces=lookup.replaces)
    answer = Verification(lookup.code, status, certificate, record, certificate_id=certificate.id)
    if requirement is not None:
        result = requirements.check(certificate, requirement, requirement.valid_on or today)
        answer.meets_requirement, answer.reasons = result.meets, result.reasons
    return answer


@one_transaction
def verify_codes(session: Session, texts: Sequence[str], requirement: Requirement | None, *,
                 today: date, now: datetime, channel: str, caller: Caller) -> list[Verification]:
    """Verify many codes at once (one query, one log insert), answers in the order sent."""
    lookups = find_many(session, texts)
    answers = [judge(lookup, requirement, today) for lookup in lookups]
    log_lookups(session, lookups, today=today, now=now, channel=channel, caller=caller)
    return answers


def verify_code(session: Session, typed: str, requirement: Requirement | None = None, *,
                today: date, now: datetime, channel: str, caller: Caller) -> Verification:
    """Verify one code (and optionally check a requirement); logs the look-up either way,
    then raises MistypedCode or NotFound when nothing matched."""
    answer = verify_codes(session, [typed or ""], requirement, today=today, now=now,
                          channel=channel, caller=caller)[0]
    if answer.status == "mistyped":
        raise MistypedCode()
    if answer.status == "not_found":
        raise NotFound(NOT_FOUND_MESSAGE)
    return answer
