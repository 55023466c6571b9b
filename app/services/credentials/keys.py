"""The issuer's signing keys: the current Ed25519 private key and every public key used
before it, published as `#key-1`, `#key-2`… in the order they came into use, so a credential
signed before a rotation still names a key the issuer profile lists.

Keys come as PEM text (CREDENTIAL_SIGNING_KEY, CREDENTIAL_PREVIOUS_KEYS). Outside production
a missing key is made once in a file: created under a temporary name and linked into place,
so two processes starting together agree on one key."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.services.credentials import encoding

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.*?-----END \1-----", re.DOTALL)


class InvalidKey(ValueError):
    """A configured key is not an Ed25519 key in PEM form."""


def _pem_text(text: str) -> str:
    # Environment files often carry a PEM on one line with literal "\n" escapes.
    return text.replace("\\n", "\n").strip()


def private_key_from_pem(text: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_pem_text(text).encode(), password=None)
    except (ValueError, TypeError) as error:
        raise InvalidKey("is not a PEM private key without a passphrase") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidKey("is not an Ed25519 key")
    return key


def public_keys_from_pem(text: str) -> list[Ed25519PublicKey]:
    """Every key of a text of PEM blocks, in order; a private key counts as its public key."""
    keys = []
    for block in _PEM_BLOCK.finditer(_pem_text(text)):
        if "PRIVATE" in block[1]:
            keys.append(private_key_from_pem(block[0]).public_key())
            continue
        try:
            key = serialization.load_pem_public_key(block[0].encode())
        except (ValueError, TypeError) as error:
            raise InvalidKey("holds a block that is not a PEM public key") from error
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidKey("holds a key that is not an Ed25519 key")
        keys.append(key)
    if _pem_text(text) and not keys:
        raise InvalidKey("holds no PEM block")
    return keys


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


@dataclass(frozen=True)
class KeyRing:
    """The signing key and all published public keys; `public_keys[i]` is `key-{i+1}`."""

    signing_key: Ed25519PrivateKey
    public_keys: tuple[Ed25519PublicKey, ...]
    signing_index: int

    @property
    def signing_key_id(self) -> str:
        return f"key-{self.signing_index + 1}"

    def key_ids(self) -> list[str]:
        return [f"key-{number}" for number in range(1, len(self.public_keys) + 1)]

    def public_key(self, key_id: str) -> Ed25519PublicKey | None:
        match = re.fullmatch(r"key-([1-9][0-9]{0,3})", key_id)
        if match is None or int(match[1]) > len(self.public_keys):
            return None
        return self.public_keys[int(match[1]) - 1]

    def multikeys(self) -> list[tuple[str, str]]:
        """(key id, publicKeyMultibase) of every published key, oldest first."""
        return [(key_id, encoding.multikey(raw_public_bytes(key)))
                for key_id, key in zip(self.key_ids(), self.public_keys, strict=True)]


def key_ring(signing_pem: str, previous_pems: str = "") -> KeyRing:
    """The ring of a signing key and the keys used before it (oldest first). The signing key
    is the last one unless it is among the previous ones (then it keeps that number)."""
    signing = private_key_from_pem(signing_pem)
    published: list[Ed25519PublicKey] = []
    for key in public_keys_from_pem(previous_pems):
        if raw_public_bytes(key) not in {raw_public_bytes(known) for known in published}:
            published.append(key)
    raw = [raw_public_bytes(key) for key in published]
    mine = raw_public_bytes(signing.public_key())
    if mine not in raw:
        published.append(signing.public_key())
        raw.append(mine)
    return KeyRing(signing, tuple(published), raw.index(mine))


def load_or_create_key_file(path: Path) -> str:
    """The PEM in `path`, made (readable by its owner only) when there is none yet."""
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credential-key-")
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(private_pem(Ed25519PrivateKey.generate()))
        try:
            # link() fails when another process got there first: theirs is the key.
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return path.read_text()
