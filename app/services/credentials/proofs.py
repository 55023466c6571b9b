"""Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C Data Integrity EdDSA
Cryptosuites v1.0, §3.3), step by step as the specification writes them:

- proof configuration: the proof options (with the document's `@context`) without
  `proofValue`, canonicalised with the JSON Canonicalization Scheme (RFC 8785);
- transformation: the document without `proof`, canonicalised the same way;
- hashing: SHA-256 of the proof configuration followed by SHA-256 of the document;
- serialisation: an Ed25519 (pure EdDSA) signature of those 64 bytes, multibase base58-btc.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.services.credentials import encoding
from app.services.language.text import N_

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION = "assertionMethod"
# XML Schema 1.1 dateTime (the `created` of a proof): the offset is optional there.
_XSD_DATE_TIME = re.compile(
    r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?")


class ProofError(ValueError):
    """The proof cannot be made or checked (PROOF_GENERATION_ERROR / PROOF_VERIFICATION_ERROR)."""


def canonical(value) -> bytes:
    """RFC 8785 JSON Canonicalization of a JSON value, as UTF-8 bytes."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, RecursionError, TypeError) as error:
        raise ProofError(f"cannot be canonicalised ({type(error).__name__})") from error


def canonical_proof_config(options: dict) -> bytes:
    """The proof configuration algorithm: check the options, canonicalise them."""
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"the proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite")
    created = options.get("created")
    if created is not None and not (isinstance(created, str)
                                    and _XSD_DATE_TIME.fullmatch(created)):
        raise ProofError("the proof's `created` is not a date-time")
    return canonical(options)


def hash_data(document: dict, options: dict) -> bytes:
    """proofConfigHash || transformedDocumentHash: the 64 bytes that are signed."""
    proof_config_hash = hashlib.sha256(canonical_proof_config(options)).digest()
    document_hash = hashlib.sha256(canonical(document)).digest()
    return proof_config_hash + document_hash


def add_proof(document: dict, key: Ed25519PrivateKey, verification_method: str,
              created: str) -> dict:
    """The document with an `eddsa-jcs-2022` proof made by `key` (Create Proof, §3.3.1)."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
             "verificationMethod": verification_method, "proofPurpose": ASSERTION}
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = key.sign(hash_data(unsecured, proof))
    return {**unsecured, "proof": {**proof, "proofValue": encoding.multibase_base58btc(signature)}}


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of checking a proof: whether it holds, the key it names, and why not."""

    verified: bool
    verification_method: str | None
    reason: str


def _contexts(value) -> list:
    return value if isinstance(value, list) else [value]


def verify_proof(document: dict,
                 public_key_for: Callable[[str], Ed25519PublicKey | None]) -> ProofCheck:
    """Verify Proof (§3.3.2): `public_key_for` resolves the proof's verification method."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return ProofCheck(False, None, N_("The credential carries no single proof."))
    method = proof.get("verificationMethod")
    method = method if isinstance(method, str) else None
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    if options.get("proofPurpose") != ASSERTION:
        return ProofCheck(False, method, N_("The proof's purpose is not assertionMethod."))
    if "@context" in options:
        expected = _contexts(options["@context"])
        if _contexts(unsecured.get("@context"))[:len(expected)] != expected:
            return ProofCheck(False, method, N_("The proof's @context does not match the document's."))
        unsecured["@context"] = options["@context"]
    public_key = public_key_for(method) if method else None
    if public_key is None:
        return ProofCheck(False, method, N_("The proof names no key this issuer publishes."))
    try:
        signature = encoding.from_multibase_base58btc(proof.get("proofValue"))
        hashed = hash_data(unsecured, options)
        if len(signature) != 64:
            raise ProofError("the proof value is not an Ed25519 signature")
        public_key.verify(signature, hashed)
    except (ProofError, encoding.EncodingError) as error:
        return ProofCheck(False, method, N_("The proof is malformed: %(detail)s.",
                                             detail=str(error)))
    except InvalidSignature:
        return ProofCheck(False, method, N_("The signature does not match the credential: "
                                            "it was changed after signing."))
    return ProofCheck(True, method, N_("The signature matches the issuer's key."))
