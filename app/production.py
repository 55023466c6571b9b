"""What production refuses to start without (API-2 §1): each refusal is one line on standard
error and exit status 1. The settings are checked first; the database, for demo accounts
(app/demo/data.py, whose password is published), last."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError

from app.services import credentials
from config import DEFAULT_SECRET_KEY

MIN_SECRET_KEY_BYTES = 32
MAX_HOLD_MINUTES = 24 * 60


def refuse(reason: str) -> None:
    raise SystemExit(f"Refusing to start: {reason}")


def check_settings(config) -> None:
    """Refuse a weak SECRET_KEY, a database other than PostgreSQL, no Redis, or no signing
    key for credentials."""
    secret = config.get("SECRET_KEY")
    if secret in (None, "", DEFAULT_SECRET_KEY):
        refuse("set SECRET_KEY to a long random value in production.")
    if len(str(secret).encode()) < MIN_SECRET_KEY_BYTES:
        refuse(f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production "
               f"(use a long random value).")
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        refuse("set DATABASE_URL to a PostgreSQL database (postgresql://…) in production.")
    if not config.get("REDIS_URL") or not config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        refuse("set REDIS_URL in production: rate limits and the login throttle count there.")
    check_credential_keys(config)


def check_payment_settings(config) -> None:
    """In every environment: a provider Lifeline knows, and Stripe's keys when it is chosen (a
    Stripe provider without them would take enrollments whose every Checkout then fails)."""
    provider = config.get("PAYMENT_PROVIDER", "manual")
    if provider not in ("manual", "stripe"):
        refuse(f"PAYMENT_PROVIDER must be manual or stripe, not {provider!r}.")
    if provider == "stripe":
        for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
            if not str(config.get(name) or "").strip():
                refuse(f"set {name} when PAYMENT_PROVIDER=stripe (README, \"Payments\").")
    if not 1 <= int(config.get("SEAT_HOLD_MINUTES", 30)) <= MAX_HOLD_MINUTES:
        refuse(f"SEAT_HOLD_MINUTES must be 1 to {MAX_HOLD_MINUTES} (a Stripe Checkout Session "
               "lasts at most 24 hours).")


def check_credential_keys(config) -> None:
    """Refuse production without an Ed25519 signing key, or with keys that do not parse: a
    key made on one web node would differ from the next node's and never be kept."""
    if not config.get("CREDENTIAL_SIGNING_KEY", "").strip():
        refuse("set CREDENTIAL_SIGNING_KEY to an Ed25519 private key (PEM) in production: "
               "portable credentials are signed with it.")
    for name, read in (("CREDENTIAL_SIGNING_KEY", credentials.keys.private_key_from_pem),
                       ("CREDENTIAL_PREVIOUS_KEYS", credentials.keys.public_keys_from_pem)):
        try:
            read(config.get(name, ""))
        except credentials.InvalidKey as error:
            refuse(f"{name} {error} (it must hold Ed25519 keys in PEM form).")


def check_database(app: Flask) -> None:
    """Refuse a database that holds any demo account (a new, unmigrated one holds none)."""
    from app.demo.data import PEOPLE
    from app.extensions import db
    from app.models import User

    demo_emails = [person.email for person in PEOPLE]
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(User.__tablename__):
                return
            found = db.session.scalar(select(User.email).where(User.email.in_(demo_emails))
                                      .limit(1))
        except SQLAlchemyError as error:
            refuse(f"cannot check the database for demo accounts ({type(error).__name__}).")
        finally:
            db.session.remove()
    if found is not None:
        refuse(f"the database holds demo accounts ({found}); production needs a database "
               f"without them.")

