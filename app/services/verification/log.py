"""The training center's verification log: one VerificationLog row per code looked up, written
with ONE statement whatever the number of codes, in the caller's transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import Integer, String, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.models import VerificationLog
from app.models.base import UTCDateTime

CHANNELS = ("web", "qr", "api", "bulk")
_LOGGED_CODE_LENGTH = 80  # VerificationLog.code_queried


@dataclass(frozen=True)
class Caller:
    """Who asked: a signed-in account, or else a salted hash of the caller's IP address."""

    account_id: int | None = None
    ip_hash: str | None = None


def hash_ip(ip: str, secret: str) -> str:
    """SHA-256 of the IP address salted with the app's secret (the log never holds raw IPs)."""
    return hashlib.sha256(f"{secret}\x00{ip}".encode()).hexdigest()


def caller_for(account_id: int | None, ip: str | None, secret: str) -> Caller:
    """The account when signed in, else the hashed address."""
    if account_id is not None:
        return Caller(account_id=account_id)
    return Caller(ip_hash=hash_ip(ip or "unknown", secret))


class Logged(Protocol):
    """What the log needs of a look-up: the code as sent, what it matched, its outcome."""

    code: str
    certificate_id: int | None

    def outcome(self, today: date) -> str: ...


def _storable(typed: str) -> str:
    """The text as any database stores it: lone surrogates and NUL characters replaced."""
    return typed.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


# Built once: executing a prepared construct skips SQLAlchemy's per-call compile-cache key.
_INSERT = insert(VerificationLog.__table__)

# PostgreSQL: one INSERT … SELECT over arrays of the varying columns, so a 500-code batch is
# one statement (an executemany would send 500). Log rows need not wait for the disk: the
# set_config makes only this transaction commit asynchronously (a server crash may lose the
# last instants of the log, never other data), and riding in the INSERT it costs no round trip.
_ARRAY_INSERT = text(
    "WITH unflushed AS (SELECT set_config('synchronous_commit', 'off', true))"
    " INSERT INTO verification_log"
    " (created_at, code_queried, certificate_id, outcome, channel, account_id, ip_hash)"
    " SELECT :created_at, batch.code_queried, batch.certificate_id, batch.outcome,"
    " :channel, :account_id, :ip_hash"
    " FROM unflushed, unnest(CAST(:codes AS varchar[]), CAST(:ids AS integer[]),"
    " CAST(:outcomes AS varchar[])) AS batch (code_queried, certificate_id, outcome)"
).bindparams(
    bindparam("created_at", type_=UTCDateTime()), bindparam("channel", type_=String()),
    bindparam("account_id", type_=Integer()), bindparam("ip_hash", type_=String()),
    bindparam("codes", type_=ARRAY(String())), bindparam("ids", type_=ARRAY(Integer())),
    bindparam("outcomes", type_=ARRAY(String())),
)


def log_lookups(session: Session, lookups: Sequence[Logged], *, today: date, now: datetime,
                channel: str, caller: Caller) -> None:
    """Add one VerificationLog row per look-up to the caller's transaction, with one
    statement whatever the number of look-ups."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel!r}")
    if not lookups:
        return
    ip_hash = None if caller.account_id else caller.ip_hash
    codes = [_storable(lookup.code[:_LOGGED_CODE_LENGTH]) for lookup in lookups]
    ids = [lookup.certificate_id for lookup in lookups]
    outcomes = [lookup.outcome(today) for lookup in lookups]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ARRAY_INSERT, {
            "created_at": now, "channel": channel, "account_id": caller.account_id,
            "ip_hash": ip_hash, "codes": codes, "ids": ids, "outcomes": outcomes,
        })
        return
    session.execute(_INSERT, [
        {"created_at": now, "code_queried": code, "certificate_id": certificate_id,
         "outcome": outcome, "channel": channel, "account_id": caller.account_id,
         "ip_hash": ip_hash}
        for code, certificate_id, outcome in zip(codes, ids, outcomes, strict=True)
    ])
