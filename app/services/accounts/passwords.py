"""Password hashing with argon2id. The hasher is a value the edge passes in (the app keeps one
built from its configuration in `app.extensions`); STANDARD is the production strength."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

STANDARD = PasswordHasher()


def hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    """An argon2id hasher of the given cost (the test configuration makes it cheap)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def hash_password(password: str, hasher: PasswordHasher = STANDARD) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str,
                    hasher: PasswordHasher = STANDARD) -> bool:
    """True when the password matches; never raises for a bad or missing hash."""
    if not password_hash:
        # Spend the same effort as a real check so unknown accounts are not told apart.
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
