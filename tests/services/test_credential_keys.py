"""The issuer's keys: PEM parsing, the numbering that survives a rotation, and the key made
once (and only once, whoever asks at the same moment) outside production."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from app.services.credentials import keys
from tests.support.concurrency import run_together


def pem() -> str:
    return keys.private_pem(Ed25519PrivateKey.generate())


def public_of(private: str) -> str:
    return keys.public_pem(keys.private_key_from_pem(private).public_key())


def test_previous_keys_come_first_in_the_order_given_and_the_signing_key_last():
    first, second, current = pem(), pem(), pem()
    ring = keys.key_ring(current, public_of(first) + second)  # a private key counts as public
    assert ring.key_ids() == ["key-1", "key-2", "key-3"] and ring.signing_key_id == "key-3"
    assert keys.raw_public_bytes(ring.public_key("key-1")) == keys.raw_public_bytes(
        keys.private_key_from_pem(first).public_key())
    assert ring.public_key("key-4") is None and ring.public_key("key-0") is None
    assert ring.public_key("key-01") is None and ring.public_key("1") is None


def test_a_signing_key_listed_among_the_previous_keeps_its_number_and_repeats_are_dropped():
    first, current = pem(), pem()
    ring = keys.key_ring(current, public_of(first) + public_of(current) + public_of(first))
    assert ring.key_ids() == ["key-1", "key-2"] and ring.signing_key_id == "key-2"


def test_a_pem_on_one_line_with_escaped_line_breaks_is_read():
    private = pem()
    assert keys.key_ring(private.replace("\n", "\\n")).signing_key_id == "key-1"


@pytest.mark.parametrize("text", [
    "not a key",
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode(),
])
def test_anything_but_an_ed25519_private_key_is_refused(text):
    with pytest.raises(keys.InvalidKey):
        keys.private_key_from_pem(text)


def test_previous_keys_that_are_no_keys_are_refused():
    with pytest.raises(keys.InvalidKey):
        keys.public_keys_from_pem("garbage")
    assert keys.public_keys_from_pem("") == []


def test_a_key_file_is_made_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "instance" / "credential-signing-key.pem"
    made = keys.load_or_create_key_file(path)
    assert keys.private_key_from_pem(made)
    assert keys.load_or_create_key_file(path) == made
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_callers_asking_at_once_all_get_the_one_key(tmp_path):
    path = tmp_path / "credential-signing-key.pem"
    seen = []
    run_together(lambda: seen.append(keys.load_or_create_key_file(path)), 8)
    assert len(seen) == 8 and len(set(seen)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
