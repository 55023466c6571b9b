"""Finding certificates by code (DESIGN.md rule 4), their public record, and verifying them.

Every verification, one code or five hundred, is one query for all the codes, whether they
exist or not (so an unknown code takes the same path as a known one), and one insert into
the verification log for all of them (log.py). The query reads only the columns the answer
shows, as plain rows: no ORM object is built, tracked or expired for a look-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import Certificate
from app.models.vocab import mask_to_guidelines, mask_to_topics, revocation_label
from app.services.catalog import requirements
from app.services.catalog.requirements import Requirement
from app.services.certificates.codes import LookupKeys, lookup_keys
from app.services.errors import MistypedCode, NotFound
from app.services.language.text import N_
from app.services.verification.log import Caller, log_lookups

NOT_FOUND_MESSAGE = N_("No certificate has this code.")
MISTYPED_MESSAGE = N_("This code looks mistyped — check the characters.")


@dataclass(frozen=True, slots=True)
class FoundCertificate:
    """The columns of a matched certificate that its public record and a requirement check
    read, with the codes of the records it links to."""

    id: int
    code: str
    holder_name: str
    course_code: str
    course_title: str
    level: str
    topics_mask: int
    guidelines_mask: int
    issued_on: date
    expires_on: date
    instructor_name: str | None
    training_center: str
    external_issuer: str | None
    external_id: str | None
    revoked_at: datetime | None
    revocation_category: str | None
    replaced_by: str | None
    replaces: str | None

    status_on = Certificate.status_on  # the one rule for a status, shared with the model

    @property
    def topics(self) -> list[str]:
        return list(_topics_of(self.topics_mask))

    @property
    def guidelines(self) -> list[str]:
        return list(_guidelines_of(self.guidelines_mask))


# A batch reads each card's tags three times over and holds only a few distinct masks.
_topics_of = cache(lambda mask: tuple(mask_to_topics(mask)))
_guidelines_of = cache(lambda mask: tuple(mask_to_guidelines(mask)))


_certificate = Certificate.__table__
_successor = _certificate.alias("successor")
_predecessor = _certificate.alias("predecessor")
# The linked codes as scalar subqueries, not outer joins: with most replaces_id NULL, SQLite's
# statistics make a join scan every certificate per match, where a subquery uses the index.
_MATCHES = select(
    *(_certificate.c[name] for name in FoundCertificate.__dataclass_fields__
      if name not in ("replaced_by", "replaces")),
    select(_successor.c.code).where(_successor.c.replaces_id == _certificate.c.id)
    .scalar_subquery().label("replaced_by"),
    select(_predecessor.c.code).where(_predecessor.c.id == _certificate.c.replaces_id)
    .scalar_subquery().label("replaces"),
)
# Built once, so SQLAlchemy reuses their compiled form as is. PostgreSQL takes the codes as
# one array parameter; an IN list of 500 would be rendered, sent and planned anew each time.
_FIND_BY_ARRAY = _MATCHES.where(
    _certificate.c.code == any_(bindparam("codes", type_=ARRAY(String()))))
_FIND_BY_LIST = _MATCHES.where(_certificate.c.code.in_(bindparam("codes", expanding=True)))


@dataclass(frozen=True, slots=True)
class Lookup:
    """One code as sent and what it matched."""

    code: str
    certificate: FoundCertificate | None
    mistyped: bool

    @property
    def certificate_id(self) -> int | None:
        return self.certificate.id if self.certificate is not None else None

    def outcome(self, today: date) -> str:
        """valid, expired or revoked for a match; otherwise mistyped or not_found."""
        if self.certificate is not None:
            return self.certificate.status_on(today)
        return "mistyped" if self.mistyped else "not_found"


def _wanted(keys: Sequence[LookupKeys]) -> list[str]:
    return sorted({key for k in keys for key in (k.exact, k.formatted) if key})


def _first_match(by_code: dict, keys: LookupKeys):
    """Stored codes match exactly first, then the Lifeline form of the code."""
    found = by_code.get(keys.exact) if keys.exact else None
    if found is None and keys.formatted:
        found = by_code.get(keys.formatted)
    return found


def find_many(session: Session, texts: Sequence[str]) -> list[Lookup]:
    """Look up many typed codes with ONE query, answers in the order sent."""
    keys = [lookup_keys(text if isinstance(text, str) else "") for text in texts]
    # The query runs even when no code can match, so unknown codes cost what known ones do.
    statement = (_FIND_BY_ARRAY if session.get_bind().dialect.name == "postgresql"
                 else _FIND_BY_LIST)
    by_code = {row.code: FoundCertificate(*row)
               for row in session.execute(statement, {"codes": _wanted(keys)})}
    return [Lookup(typed, _first_match(by_code, k), k.mistyped)
            for typed, k in zip(texts, keys, strict=True)]


def find_by_code(session: Session, text: str) -> Certificate:
    """The certificate for a typed or scanned code: stored codes match exactly first, then
    the Lifeline form; a 16-symbol code with a bad check is `mistyped`, anything else unknown
    is `not_found`."""
    keys = lookup_keys(text or "")
    by_code = {certificate.code: certificate for certificate in session.scalars(
        select(Certificate).where(Certificate.code.in_(_wanted([keys]))))}
    certificate = _first_match(by_code, keys)
    if certificate is not None:
        return certificate
    if keys.mistyped:
        raise MistypedCode(MISTYPED_MESSAGE)
    raise NotFound(NOT_FOUND_MESSAGE)


def certificate_view(certificate: Certificate, today: date) -> dict:
    """The public record of API.md: never an e-mail address or an internal id."""
    return _view(
        certificate, today,
        replaced_by=certificate.replaced_by.code if certificate.replaced_by else None,
        replaces=certificate.replaces.code if certificate.replaces else None,
    )


def _view(certificate: Certificate | FoundCertificate, today: date, *,
          replaced_by: str | None, replaces: str | None) -> dict:
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


@dataclass
class Verification:
    """One code's answer, in the API's terms, worked out before the log is committed."""

    code: str
    status: str
    certificate: FoundCertificate | None
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
    record = _view(certificate, today, replaced_by=certificate.replaced_by,
                   replaces=certificate.replaces)
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
        raise MistypedCode(MISTYPED_MESSAGE)
    if answer.status == "not_found":
        raise NotFound(NOT_FOUND_MESSAGE)
    return answer
