"""eddsa-jcs-2022 against the specification's own test vectors (W3C Data Integrity EdDSA
Cryptosuites v1.0; the files and their source are in vectors/eddsa-jcs-2022/): every
intermediate value and the proof, byte for byte. Ed25519 is deterministic, so the same key
and the same bytes give the same signature."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.services.credentials import encoding, proofs
from app.services.credentials.keys import raw_public_bytes

VECTORS = Path(__file__).parent / "vectors" / "eddsa-jcs-2022"


def vector(name: str) -> str:
    return (VECTORS / name).read_text()


def vector_json(name: str):
    return json.loads(vector(name))


@pytest.fixture
def key() -> Ed25519PrivateKey:
    seed = encoding.multikey_bytes(vector_json("keyPair.json")["privateKeyMultibase"],
                                   encoding.ED25519_PRIVATE_HEADER)
    return Ed25519PrivateKey.from_private_bytes(seed)


@pytest.fixture
def options() -> dict:
    return vector_json("proofConfigJCS.json")


def test_the_vector_key_pair_is_one_ed25519_key_pair_as_multikeys(key):
    public = vector_json("keyPair.json")["publicKeyMultibase"]
    assert encoding.multikey(raw_public_bytes(key.public_key())) == public
    assert public.startswith("z6Mk")


def test_canonical_forms_of_the_document_and_the_proof_configuration(options):
    assert proofs.canonical(vector_json("unsigned.json")) == vector("canonDocJCS.txt").encode()
    assert proofs.canonical_proof_config(options) == vector("proofCanonJCS.txt").encode()


def test_hashes_are_the_proof_configuration_hash_then_the_document_hash(options):
    hashed = proofs.hash_data(vector_json("unsigned.json"), options)
    assert hashed[:32].hex() == vector("proofHashJCS.txt").strip()
    assert hashed[32:].hex() == vector("docHashJCS.txt").strip()
    assert hashed.hex() == vector("combinedHashJCS.txt").strip()
    assert hashed[32:] == hashlib.sha256(vector("canonDocJCS.txt").encode()).digest()


def test_the_proof_reproduces_the_specification_byte_for_byte(key, options):
    signed = proofs.add_proof(vector_json("unsigned.json"), key,
                              options["verificationMethod"], options["created"])
    proof_value = signed["proof"]["proofValue"]
    assert proof_value == vector("sigBTC58JCS.txt").strip()
    assert encoding.from_multibase_base58btc(proof_value).hex() == vector("sigHexJCS.txt").strip()
    assert signed == vector_json("signedJCS.json")
    assert proofs.canonical(signed) == proofs.canonical(vector_json("signedJCS.json"))


def _resolver(public: Ed25519PublicKey, method: str):
    return lambda named: public if named == method else None


def test_the_specification_example_verifies_and_any_change_breaks_it(key, options):
    signed = vector_json("signedJCS.json")
    resolve = _resolver(key.public_key(), options["verificationMethod"])
    assert proofs.verify_proof(signed, resolve).verified
    for path, value in ((("credentialSubject", "alumniOf"), "The School of Forgeries"),
                        (("validFrom",), "2023-01-02T00:00:00Z"),
                        (("proof", "created"), "2024-02-24T23:36:38Z")):
        tampered = copy.deepcopy(signed)
        target = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        check = proofs.verify_proof(tampered, resolve)
        assert not check.verified and "changed after signing" in check.reason


def test_a_proof_is_refused_when_its_context_differs_or_its_value_is_garbled(key, options):
    signed = vector_json("signedJCS.json")
    resolve = _resolver(key.public_key(), options["verificationMethod"])
    other_context = {**signed, "@context": ["https://www.w3.org/ns/credentials/v2"]}
    assert "@context" in proofs.verify_proof(other_context, resolve).reason
    for garbled in ("z0OIl", "abc", "z" + "1" * 300, 42, None):
        document = {**signed, "proof": {**signed["proof"], "proofValue": garbled}}
        assert not proofs.verify_proof(document, resolve).verified
    wrong_suite = {**signed, "proof": {**signed["proof"], "cryptosuite": "eddsa-rdfc-2022"}}
    assert "cryptosuite" in proofs.verify_proof(wrong_suite, resolve).reason


def test_a_value_outside_json_canonicalisation_is_refused_not_crashed(key, options):
    for value in (float("nan"), 2**60):
        with pytest.raises(proofs.ProofError):
            proofs.hash_data({"n": value}, options)


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\x01", bytes(range(40)), b"\xff" * 64])
def test_base58btc_round_trips_keeping_leading_zero_bytes(data):
    assert encoding.from_base58btc(encoding.base58btc(data)) == data


def test_base64url_multibase_has_the_u_prefix_and_no_padding():
    encoded = encoding.multibase_base64url(b"\xfb\xff")
    assert encoded == "u-_8"
    assert encoding.from_multibase_base64url(encoded) == b"\xfb\xff"
