"""Login throttling (API-2 §1): failed sign-ins are counted per (account, client address) —
the RATELIMIT_LOGIN budget — and per client address, with a budget ten times larger. Once
either is spent, sign-in is refused, even with the right password, until its window ends;
failures against one account never lock out another account signing in from that address.

Counting is atomic: each attempt is counted first (the store increments and answers the new
count in one step) and refused when the count is over the budget; an attempt that succeeds is
then given back, so only failures stay counted. The counters live in the limit store
(RATELIMIT_STORAGE_URI, Redis in production); when it cannot be reached, sign-in is refused
with a 503 rather than left unthrottled. A successful password reset clears the account's
counters (a new generation of its keys), so its holder is never locked out of their own account.

The account key is a hash of the e-mail as typed (trimmed, lower-cased), so unknown addresses
are throttled like real ones and the answer tells nothing about which accounts exist."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass, field

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string

from app.client_address import client_key
from app.services.language.text import N_

log = logging.getLogger(__name__)

ADDRESS_BUDGET_FACTOR = 10
GENERATION_SECONDS = 30 * 24 * 3600  # longer than any login window: see _generation
UNAVAILABLE_MESSAGE = N_("Sign-in is unavailable for a moment (we cannot check sign-in attempts "
                         "right now). Please try again in a minute.")
_EXTENSION = "login_throttle_storage"


class SignInRefused(Exception):
    """Sign-in is refused before the password is checked: paused (429) or unavailable (503)."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


@dataclass
class Attempt:
    """One counted sign-in attempt; `succeeded()` gives its counts back."""

    storage: Storage | None = None
    counted: list[tuple[str, int]] = field(default_factory=list)  # (key, window seconds)

    def succeeded(self) -> None:
        for key, expiry in self.counted:
            try:
                self.storage.incr(key, expiry, amount=-1)
            except StorageError:  # the sign-in stands; the attempt stays counted, no harm
                log.warning("login throttle store unavailable; success not given back")
        self.counted = []


def init_app(app: Flask) -> None:
    """Open the throttle's own handle on the limit store (never Flask-Limiter's in-memory
    fallback: a per-process count is no throttle)."""
    app.extensions[_EXTENSION] = storage_from_string(
        app.config["RATELIMIT_STORAGE_URI"], wrap_exceptions=True,
        **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def _storage() -> Storage:
    return current_app.extensions[_EXTENSION]


def _account(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


def _generation(storage: Storage, account: str) -> int:
    # Bumped by clear_account; when it expires (after far longer than any window) it restarts
    # at 0, and every counter of the old generations has long expired by then.
    return storage.get(f"login-generation/{account}")


def _budgets() -> tuple[RateLimitItem, RateLimitItem]:
    per_account = parse(current_app.config["RATELIMIT_LOGIN"])
    per_address = type(per_account)(per_account.amount * ADDRESS_BUDGET_FACTOR,
                                    per_account.multiples)
    return per_account, per_address


def count_attempt(email: str) -> Attempt:
    """Count a sign-in attempt for this e-mail from this address, or refuse it (SignInRefused)."""
    if not _enabled():
        return Attempt()
    storage = _storage()
    per_account, per_address = _budgets()
    address = client_key()
    try:
        account = _account(email)
        keys = ((per_account.key_for("login-pair", account, str(_generation(storage, account)),
                                     address), per_account),
                (per_address.key_for("login-ip", address), per_address))
        attempt = Attempt(storage)
        waits = []
        for key, budget in keys:
            count = storage.incr(key, budget.get_expiry())
            attempt.counted.append((key, budget.get_expiry()))
            if count > budget.amount:
                waits.append(max(1, math.ceil(storage.get_expiry(key) - time.time())))
    except StorageError as error:
        log.error("login throttle store unavailable; refusing sign-in: %s", error)
        raise SignInRefused(503, "unavailable", UNAVAILABLE_MESSAGE) from error
    if waits:
        wait = max(waits)
        raise SignInRefused(429, "rate_limited", wait_message(wait), retry_after=wait)
    return attempt


def clear_account(email: str) -> None:
    """Forget the failed sign-ins of this account from every address (after a reset)."""
    if not _enabled():
        return
    try:
        _storage().incr(f"login-generation/{_account(email)}", GENERATION_SECONDS)
    except StorageError:
        log.warning("login throttle store unavailable; account lock not cleared")


def wait_message(seconds: int) -> str:
    """The refusal's words (N_: a page shows them in its language, the API in English)."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes == 1:
        return N_("Too many failed sign-ins. For your safety, sign-in is paused; "
                  "try again in 1 minute, or reset your password.")
    return N_("Too many failed sign-ins. For your safety, sign-in is paused; "
              "try again in %(minutes)d minutes, or reset your password.", minutes=minutes)
