"""A certificate as an Open Badges 3.0 `OpenBadgeCredential` (API-2 §5), built from the
certificate's own snapshot of its course, never from the live catalog, and signed."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.models import Certificate
from app.models.vocab import LEVEL_LABELS, TOPIC_LABELS
from app.services.credentials import proofs
from app.services.credentials.issuer import OB_CONTEXT, VC_CONTEXT, Issuer, timestamp

# One alignment per guideline basis: the body whose guidelines the training follows.
GUIDELINE_TARGETS = {
    "AHA": ("American Heart Association guidelines for CPR and ECC",
            "https://cpr.heart.org/en/resuscitation-science/cpr-and-ecc-guidelines"),
    "ARC": ("American Red Cross training guidelines", "https://www.redcross.org/"),
    "ECC": ("Guidelines for Emergency Cardiovascular Care",
            "https://cpr.heart.org/en/resuscitation-science/cpr-and-ecc-guidelines"),
    "ILCOR": ("ILCOR Consensus on Science with Treatment Recommendations",
              "https://www.ilcor.org/"),
    "OSHA": ("OSHA Bloodborne Pathogens Standard, 29 CFR 1910.1030",
             "https://www.osha.gov/laws-regs/regulations/standardnumber/1910/1910.1030"),
}


def holder_salt(issuer: Issuer, code: str) -> str:
    """The salt of one credential's holder hash: the same for one certificate every time,
    different between certificates, so two credentials cannot be linked by their hashes."""
    return hmac.new(issuer.holder_salt_secret, code.encode(), hashlib.sha256).hexdigest()[:32]


def identity_hash(email: str, salt: str) -> str:
    """Open Badges' `sha256$` + hex SHA-256 of the lower-case address followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def day_bounds(issued_on: date, expires_on: date, zone: str) -> tuple[str, str]:
    """validFrom (the issue date's start) and validUntil (the expiry date's last second)."""
    tz = ZoneInfo(zone)
    return (datetime.combine(issued_on, time.min, tzinfo=tz).isoformat(),
            datetime.combine(expires_on, time(23, 59, 59), tzinfo=tz).isoformat())


def _alignment(guideline: str) -> dict:
    name, url = GUIDELINE_TARGETS[guideline]
    return {"type": ["Alignment"], "targetName": name, "targetUrl": url, "targetCode": guideline}


def achievement(certificate: Certificate, issuer: Issuer) -> dict:
    level = LEVEL_LABELS.get(certificate.level, certificate.level)
    topics = [TOPIC_LABELS.get(topic, topic) for topic in certificate.topics]
    description = f"{certificate.course_title}: {level} level training"
    if topics:
        description += f" in {', '.join(topics)}"
    if certificate.session_id is not None:
        narrative = (f"Attended a {certificate.course_title} class at "
                     f"{certificate.training_center} and passed its skills and knowledge "
                     f"evaluation, as recorded by the instructor.")
    else:
        narrative = (f"Completed {certificate.course_title} with {certificate.training_center},"
                     f" as kept in the center's records.")
    return {
        "id": f"{issuer.base_url}/api/v1/courses#{certificate.course_code}",
        "type": ["Achievement"],
        "name": certificate.course_title,
        "description": description + ".",
        "criteria": {"narrative": narrative},
        "achievementType": "Certification",
        "tag": [level, *topics],
        "alignment": [_alignment(g) for g in certificate.guidelines if g in GUIDELINE_TARGETS],
    }


def status_entry(certificate: Certificate, issuer: Issuer) -> dict:
    """The certificate's fixed place in the revocation list: its record id."""
    return {"id": f"{issuer.status_list_url}#{certificate.id}",
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(certificate.id),
            "statusListCredential": issuer.status_list_url}


def unsigned_credential(certificate: Certificate, issuer: Issuer) -> dict:
    valid_from, valid_until = day_bounds(certificate.issued_on, certificate.expires_on,
                                         issuer.zone)
    salt = holder_salt(issuer, certificate.code)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer.credential_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.reference(),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "name": certificate.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "salt": salt,
                            "identityHash": identity_hash(certificate.holder.email, salt)}],
            "achievement": achievement(certificate, issuer),
        },
        "credentialStatus": status_entry(certificate, issuer),
    }


def credential_for(certificate: Certificate, issuer: Issuer, now: datetime) -> dict:
    """The signed credential of a certificate, revoked or replaced ones too (the status list
    says so)."""
    return proofs.add_proof(unsigned_credential(certificate, issuer), issuer.keys.signing_key,
                            issuer.signing_method, timestamp(now))
