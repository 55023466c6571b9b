"""Verifying a credential someone holds (POST /credentials/verify, the verify page): the
issuer, the proof against the issuer's published keys, the revocation list, the validity
dates. Every check says why; the first that fails, in that order, names the status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Certificate
from app.services.credentials import proofs, status_list
from app.services.credentials.issuer import Issuer
from app.services.language.text import N_

STATUSES = ("valid", "expired", "revoked", "tampered", "unknown_issuer")


@dataclass(frozen=True)
class Check:
    check: str
    passed: bool
    message: str
    # The message's date-times, parsed, by their names in it: a page shows them as dates (the
    # API keeps the credential's own text).
    moments: dict[str, datetime] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"check": self.check, "passed": self.passed, "message": self.message}


@dataclass
class Verification:
    status: str = "valid"
    checks: list[Check] = field(default_factory=list)
    # A revoked credential whose certificate a reissue replaced (the API still says revoked;
    # the verify page says replaced, by the new code when it is on record).
    replaced: bool = False
    replaced_by: str | None = None

    @property
    def verified(self) -> bool:
        return self.status == "valid"

    def add(self, check: str, passed: bool, message: str, failing_status: str,
            moments: dict[str, datetime] | None = None) -> bool:
        self.checks.append(Check(check, passed, message, moments or {}))
        if not passed and self.status == "valid":
            self.status = failing_status
        return passed

    def as_json(self) -> dict:
        return {"verified": self.verified, "status": self.status,
                "checks": [check.as_json() for check in self.checks]}


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _moment(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def verify_credential(session: Session, credential: dict, issuer: Issuer,
                      cache: status_list.StatusListCache, now: datetime) -> Verification:
    """Check a credential in full; `now` is an aware UTC moment."""
    result = Verification()
    proof = credential.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    # Without a proof the claim to be ours is checked by the proof check (it fails there);
    # a proof by a key this issuer never published is someone else's.
    ours = _issuer_id(credential) == issuer.id and (
        not isinstance(method, str) or issuer.public_key_for(method) is not None)
    if not result.add("issuer", ours, N_("Issued by %(issuer)s.", issuer=issuer.name) if ours else
                      N_("Not issued by %(issuer)s (%(issuer_id)s), or signed with a key it "
                         "does not publish.", issuer=issuer.name, issuer_id=issuer.id),
                      "unknown_issuer"):
        return result
    checked = proofs.verify_proof(credential, issuer.public_key_for)
    if not result.add("proof", checked.verified, checked.reason, "tampered"):
        return result
    _check_status(session, credential, issuer, cache, result)
    _check_dates(credential, now, result)
    return result


def _status_index(entry, issuer: Issuer) -> int | None:
    """The index of a revocation entry into this issuer's list, or None for any other."""
    if not (isinstance(entry, dict) and entry.get("type") == "BitstringStatusListEntry"
            and entry.get("statusPurpose") == "revocation"
            and entry.get("statusListCredential") == issuer.status_list_url):
        return None
    index = entry.get("statusListIndex")
    if not (isinstance(index, str) and index.isascii() and index.isdigit() and len(index) < 19):
        return None
    return int(index)


def _check_status(session: Session, credential: dict, issuer: Issuer,
                  cache: status_list.StatusListCache, result: Verification) -> None:
    if "credentialStatus" not in credential:
        result.add("status", True, N_("The credential has no revocation status entry."), "revoked")
        return
    index = _status_index(credential["credentialStatus"], issuer)
    bits = status_list.revocation_list(session, issuer, cache).bits
    if index is None or index >= len(bits) * 8:
        result.add("status", False, N_("The status entry does not point into this issuer's "
                                           "revocation list."), "tampered")
    elif status_list.bit_is_set(bits, index):
        result.add("status", False, _revocation_message(session, index, result), "revoked")
    else:
        result.add("status", True, N_("Not revoked: its bit is clear in the issuer's "
                                         "revocation list."), "revoked")


def _revocation_message(session: Session, index: int, result: Verification) -> str:
    """Why the bit is set: the certificate (whose id is the index) was revoked, or replaced by
    a reissue, which the record in the database tells apart."""
    certificate = session.get(Certificate, index)
    if certificate is None or certificate.revocation_category != "replaced":
        return N_("Revoked: its bit is set in the issuer's revocation list.")
    result.replaced = True
    if certificate.replaced_by is None:
        return N_("Replaced: the certificate was reissued, so its bit is set in the issuer's "
                  "revocation list.")
    result.replaced_by = certificate.replaced_by.code
    return N_("Replaced by %(code)s: the certificate was reissued, so its bit is set in the "
              "issuer's revocation list.", code=result.replaced_by)


def _check_dates(credential: dict, now: datetime, result: Verification) -> None:
    valid_from = _moment(credential.get("validFrom"))
    valid_until = _moment(credential.get("validUntil")) if "validUntil" in credential else None
    if valid_from is None or ("validUntil" in credential and valid_until is None):
        result.add("validity", False, N_("The validity dates are not date-times with an offset."),
                   "expired")
    elif now < valid_from:
        result.add("validity", False, N_("Not valid before %(moment)s.",
                                         moment=credential["validFrom"]), "expired",
                   {"moment": valid_from})
    elif valid_until is not None and now.replace(microsecond=0) > valid_until:
        result.add("validity", False, N_("Expired: valid until %(moment)s.",
                                         moment=credential["validUntil"]), "expired",
                   {"moment": valid_until})
    elif valid_until is not None:
        result.add("validity", True, N_("Valid from %(start)s until %(end)s.",
                                        start=credential["validFrom"], end=credential["validUntil"]),
                   "expired", {"start": valid_from, "end": valid_until})
    else:
        result.add("validity", True, N_("Valid from %(start)s.", start=credential["validFrom"]),
                   "expired", {"start": valid_from})
