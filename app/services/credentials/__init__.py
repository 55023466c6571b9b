"""Portable credentials (API-2 §5): each certificate as a signed Open Badges 3.0 credential
(eddsa-jcs-2022), the issuer profile with every key it has used, the revocation status list,
and verifying a credential someone holds."""

from app.services.credentials.badges import credential_for
from app.services.credentials.issuer import Issuer, issuer_profile
from app.services.credentials.keys import InvalidKey, KeyRing, key_ring, load_or_create_key_file
from app.services.credentials.sharing import linkedin_url, mail_links
from app.services.credentials.status_list import (
    MAX_AGE_SECONDS,
    PublishedList,
    StatusListCache,
    revocation_list,
)
from app.services.credentials.verifying import Check, Verification, verify_credential

__all__ = ["MAX_AGE_SECONDS", "Check", "InvalidKey", "Issuer", "KeyRing", "PublishedList",
           "StatusListCache", "credential_for", "issuer_profile", "key_ring", "linkedin_url",
           "load_or_create_key_file", "mail_links", "revocation_list", "verify_credential",
           "Verification"]
