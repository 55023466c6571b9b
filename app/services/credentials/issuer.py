"""Who signs: the training center as an Open Badges issuer `Profile`, with its URLs and keys.
The edge builds one from the configuration (app/credential_issuer.py) and passes it in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.services.credentials.keys import KeyRing

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


@dataclass(frozen=True)
class Issuer:
    base_url: str
    name: str
    zone: str
    # The secret each holder's salt is derived from (CREDENTIAL_HOLDER_SALT or SECRET_KEY).
    holder_salt_secret: bytes
    keys: KeyRing

    @property
    def id(self) -> str:
        return f"{self.base_url}/api/v1/issuer"

    @property
    def status_list_url(self) -> str:
        return f"{self.base_url}/api/v1/status/revocation"

    def credential_url(self, code: str) -> str:
        return f"{self.base_url}/api/v1/certificates/{quote(code, safe='')}/credential"

    def verify_url(self, code: str) -> str:
        return f"{self.base_url}/verify/{quote(code, safe='')}"

    def key_url(self, key_id: str) -> str:
        return f"{self.id}#{key_id}"

    @property
    def signing_method(self) -> str:
        return self.key_url(self.keys.signing_key_id)

    def public_key_for(self, verification_method: str) -> Ed25519PublicKey | None:
        """The published key a proof's verification method names, if it is one of ours."""
        prefix = self.id + "#"
        if not verification_method.startswith(prefix):
            return None
        return self.keys.public_key(verification_method[len(prefix):])

    def reference(self) -> dict:
        """The issuer as a credential names it."""
        return {"id": self.id, "type": ["Profile"], "name": self.name}


def issuer_profile(issuer: Issuer) -> dict:
    """GET /issuer: the Profile with every key ever used, as Multikeys."""
    methods = [{"id": issuer.key_url(key_id), "type": "Multikey", "controller": issuer.id,
                "publicKeyMultibase": multibase} for key_id, multibase in issuer.keys.multikeys()]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, MULTIKEY_CONTEXT],
        **issuer.reference(),
        "url": issuer.base_url,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def timestamp(moment: datetime) -> str:
    """A UTC moment as an XML Schema dateTimeStamp to the second (`2026-12-01T14:00:00Z`)."""
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
