"""Login throttling (API.md RATELIMIT_LOGIN): failed sign-ins are counted per account and per
IP address in the rate limiter's storage (Redis when configured); once either budget is spent,
sign-in is refused — even with the right password — until its window ends.

Only failures count, so a learner who signs in correctly many times is never locked out, and
the account key is the e-mail as typed (normalised), so unknown addresses are throttled the
same way as real ones and the answer tells nothing about which accounts exist."""

from __future__ import annotations

import logging
import math
import time

from flask import current_app
from limits import parse

from app.extensions import limiter
from app.web.access import client_ip

log = logging.getLogger(__name__)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED")) and limiter.enabled


def _keys(email: str) -> tuple[tuple[str, str], ...]:
    return (("login-account", (email or "").strip().lower()), ("login-ip", client_ip()))


def seconds_blocked(email: str) -> int | None:
    """Seconds until sign-in for this e-mail from this address is allowed again, or None."""
    if not _enabled():
        return None
    item = parse(current_app.config["RATELIMIT_LOGIN"])
    waits = []
    try:
        for scope, key in _keys(email):
            if not limiter.limiter.test(item, scope, key):
                reset_at = limiter.limiter.get_window_stats(item, scope, key).reset_time
                waits.append(max(1, math.ceil(reset_at - time.time())))
    except Exception:  # noqa: BLE001  (a counter store outage must not stop every sign-in)
        log.warning("login throttle storage unavailable; not checking", exc_info=True)
        return None
    return max(waits) if waits else None


def record_failure(email: str) -> None:
    """Count one failed sign-in against the account and the address."""
    if not _enabled():
        return
    item = parse(current_app.config["RATELIMIT_LOGIN"])
    try:
        for scope, key in _keys(email):
            limiter.limiter.hit(item, scope, key)
    except Exception:  # noqa: BLE001  (as above: degrade to unthrottled, never to a 500)
        log.warning("login throttle storage unavailable; failure not counted", exc_info=True)


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (f"Too many failed sign-ins. For your safety, sign-in is paused; "
            f"try again in {minutes} {unit}, or reset your password.")
