"""The revocation status list (W3C Bitstring Status List v1.0): one bit per certificate at
the index of its record id, 1 when the certificate is revoked or replaced, published as a
signed `BitstringStatusListCredential`.

A poll costs one cheap query: the revoked certificates' count, id sum and latest time, with
the highest id, name the list's version. Revocation is never undone, so any change to the
bits changes that version. The signed list is deterministic in its version (its dates come
from the data, the gzip header carries no time, Ed25519 signatures are deterministic), so
every web node serves the same bytes under the same ETag, and each process keeps the list it
last built until the version moves."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Certificate
from app.services.credentials import encoding, proofs
from app.services.credentials.issuer import VC_CONTEXT, Issuer, timestamp
from app.services.credentials.keys import raw_public_bytes

MIN_ENTRIES = 131_072  # the specification's minimum (16 KiB of bits)
MAX_AGE_SECONDS = 60
# The list's validFrom while no certificate has ever been revoked.
FIRST_VALID_FROM = datetime(2026, 1, 1, tzinfo=UTC)
# A status list we read back is at most this big uncompressed (a million pages of bits).
MAX_LIST_BYTES = 16 * 2**20


@dataclass(frozen=True)
class ListVersion:
    revoked: int
    revoked_id_sum: int
    last_revoked_at: datetime | None
    highest_id: int

    @property
    def entries(self) -> int:
        """Bits in the list: whole blocks of MIN_ENTRIES, enough for every record id."""
        blocks = self.highest_id // MIN_ENTRIES + 1
        return blocks * MIN_ENTRIES


def list_version(session: Session) -> ListVersion:
    """The list's version in one statement: aggregates over the revoked rows only, and the
    highest id from the primary key's index."""
    revoked = (select(func.count().label("count"),
                      func.coalesce(func.sum(Certificate.id), 0).label("id_sum"),
                      func.max(Certificate.revoked_at).label("last"))
               .where(Certificate.revoked_at.is_not(None)).subquery())
    highest = select(func.coalesce(func.max(Certificate.id), 0)).scalar_subquery()
    count, id_sum, last, highest_id = session.execute(
        select(revoked.c.count, revoked.c.id_sum, revoked.c.last, highest)).one()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return ListVersion(int(count), int(id_sum), last, int(highest_id))


def bitstring(indexes, entries: int) -> bytes:
    """The bits, index 0 the most significant bit of the first byte."""
    bits = bytearray(entries // 8)
    for index in indexes:
        bits[index >> 3] |= 0x80 >> (index & 7)
    return bytes(bits)


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index >> 3] & (0x80 >> (index & 7)))


def encode_list(bits: bytes) -> str:
    return encoding.multibase_base64url(gzip.compress(bits, compresslevel=9, mtime=0))


def decode_list(encoded: str) -> bytes:
    """The bits of an encodedList; EncodingError when it is not one."""
    compressed = encoding.from_multibase_base64url(encoded)
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            bits = stream.read(MAX_LIST_BYTES + 1)
    except (OSError, EOFError) as error:
        raise encoding.EncodingError("not a GZIP-compressed bitstring") from error
    if len(bits) > MAX_LIST_BYTES:
        raise encoding.EncodingError("the bitstring is too long")
    return bits


@dataclass(frozen=True)
class PublishedList:
    """One version of the signed list: its ETag, its JSON bytes and its bits."""

    etag: str
    body: bytes
    bits: bytes


class StatusListCache:
    """The list this process built last; replaced when the version it was built for moves."""

    def __init__(self) -> None:
        self._latest: PublishedList | None = None
        self._lock = threading.Lock()

    def latest(self, etag: str) -> PublishedList | None:
        current = self._latest
        return current if current is not None and current.etag == etag else None

    def keep(self, published: PublishedList) -> None:
        with self._lock:
            self._latest = published


def etag_for(version: ListVersion, issuer: Issuer) -> str:
    named = json.dumps([version.revoked, version.revoked_id_sum,
                        version.last_revoked_at.isoformat() if version.last_revoked_at else None,
                        version.entries, issuer.id, issuer.keys.signing_key_id,
                        raw_public_bytes(issuer.keys.signing_key.public_key()).hex()])
    return hashlib.sha256(named.encode()).hexdigest()[:32]


def status_list_credential(issuer: Issuer, bits: bytes, valid_from: datetime) -> dict:
    moment = timestamp(valid_from)
    unsigned = {
        "@context": [VC_CONTEXT],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": moment,
        "credentialSubject": {
            "id": f"{issuer.status_list_url}#list", "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": encode_list(bits),
            "ttl": MAX_AGE_SECONDS * 1000,
        },
    }
    return proofs.add_proof(unsigned, issuer.keys.signing_key, issuer.signing_method, moment)


def revocation_list(session: Session, issuer: Issuer, cache: StatusListCache) -> PublishedList:
    """The signed revocation list as of now: one query when this process has it already,
    one more to read the revoked ids when the list changed since."""
    version = list_version(session)
    etag = etag_for(version, issuer)
    cached = cache.latest(etag)
    if cached is not None:
        return cached
    # A revocation committed between the two statements is in the bits already and moves the
    # version at the next poll, which then builds again: never a bit missing for long.
    revoked_ids = session.scalars(select(Certificate.id)
                                  .where(Certificate.revoked_at.is_not(None)))
    bits = bitstring(revoked_ids, version.entries)
    credential = status_list_credential(issuer, bits,
                                        version.last_revoked_at or FIRST_VALID_FROM)
    body = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    published = PublishedList(etag, body, bits)
    cache.keep(published)
    return published
