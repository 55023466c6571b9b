"""Sign-up: a learner registers; the answer never tells whether the address had an account.

A new address gets its account and a welcome mail; an address that has an account gets no
new one, and its holder is mailed instead ("someone tried to register with your address"),
at most once an hour, so the form cannot be used to find out who has an account."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from app.database import one_transaction
from app.models import User
from app.services import notifications
from app.services.accounts import passwords
from app.services.accounts.users import create_user, normalise_email, user_by_email
from app.services.errors import Conflict

ATTEMPT_MAIL_SECONDS = 3600  # one "someone tried to register" mail per holder per hour


@one_transaction
def register(session: Session, *, email: str, full_name: str, password: str, now: datetime,
             job_title: str | None = None, preferred_language: str = "en",
             hasher: PasswordHasher = passwords.STANDARD) -> User | None:
    """Create a learner account and mail a welcome; when the e-mail has an account already,
    mail its holder instead and answer None (the caller shows the same answer either way)."""
    try:
        user = create_user(session, email=email, full_name=full_name, password=password,
                           roles=["learner"], job_title=(job_title or "").strip() or None,
                           hasher=hasher, preferred_language=preferred_language)
    except Conflict:
        holder = user_by_email(session, normalise_email(email))
        if holder is not None and holder.active:
            window = int(now.timestamp() // ATTEMPT_MAIL_SECONDS)
            notifications.enqueue(session, kind="registration_attempt", recipient=holder,
                                  event_key=f"registration_attempt:{holder.id}:{window}",
                                  context={"login_path": "/login",
                                           "reset_path": "/forgot-password"},
                                  subject=("user", holder.id))
        return None
    notifications.enqueue(session, kind="account_created", recipient=user,
                          event_key=f"account_created:{user.id}",
                          context={"login_path": "/login"}, subject=("user", user.id))
    return user
