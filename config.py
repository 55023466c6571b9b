"""Configuration classes, read from the environment (see API.md "Configuration")."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-insecure-change-me"


def env_flag(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def parse_windows(raw: str) -> tuple[int, ...]:
    """Turn "90,30,7,0" into (90, 30, 7, 0), largest first, without duplicates."""
    windows = {int(part) for part in raw.split(",") if part.strip()}
    if any(window < 0 for window in windows):
        raise ValueError("REMINDER_WINDOWS must hold non-negative day counts")
    return tuple(sorted(windows, reverse=True))


def sqlalchemy_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Embedded default: SQLite in instance/, mail to files, a broker that needs no server."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lifeline.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    BROKER_DIR = os.environ.get("BROKER_DIR", str(INSTANCE_DIR / "broker"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Lifeline <no-reply@lifeline.test>")
    MAIL_DIR = os.environ.get("MAIL_DIR", str(INSTANCE_DIR / "mail"))
    CENTER_NAME = os.environ.get("CENTER_NAME", "Lifeline Training Center")
    CENTER_TIMEZONE = os.environ.get("CENTER_TIMEZONE", "America/New_York")
    PORT = env_int("PORT", 5000)
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
    REMINDER_WINDOWS = parse_windows(os.environ.get("REMINDER_WINDOWS", "90,30,7,0"))
    API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
    # Request bodies: refused with a 413 before they are read (app/request_size.py).
    MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 2**20)
    MAX_CONTENT_LENGTH = MAX_REQUEST_BYTES
    IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 2**20)
    # An online part's completion PDF may be 2 MiB (API-2 §4), and the form's other fields ride
    # along in the same body.
    ONLINE_PART_MAX_BYTES = 2 * 2**20 + 2**16
    # How many proxies in front append to X-Forwarded-For (0: the socket's peer is the client).
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    RATELIMIT_ENABLED = env_flag("RATELIMIT_ENABLED", True)
    RATELIMIT_PUBLIC = os.environ.get("RATELIMIT_PUBLIC", "60 per minute")
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per 15 minutes")
    RATELIMIT_BULK = os.environ.get("RATELIMIT_BULK", "30 per minute")
    # Reset and registration requests: per target e-mail, and per client address.
    RATELIMIT_ACCOUNT_MAIL = os.environ.get("RATELIMIT_ACCOUNT_MAIL", "3 per hour")
    RATELIMIT_ACCOUNT_MAIL_IP = os.environ.get("RATELIMIT_ACCOUNT_MAIL_IP", "20 per hour")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis outage must not turn every rate-limited page into a 500: count in memory
    # (per process) until Redis is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # argon2id parameters; the test configuration lowers them so the suite stays fast.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_DAYS = env_int("REMEMBER_DAYS", 14)  # the app sets REMEMBER_COOKIE_DURATION from it
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    FORCE_HTTPS = False
    CELERY_ALWAYS_EAGER = False
    # Background work (workers/): outbox lease, retries and the beat's schedule.
    CELERY_BEAT_SCHEDULE = os.environ.get("CELERY_BEAT_SCHEDULE", str(INSTANCE_DIR / "celerybeat-schedule"))
    OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 30)
    OUTBOX_PASS_SECONDS = env_int("OUTBOX_PASS_SECONDS", 60)
    # With Redis, the active beat's lock lasts this long: a standby beat takes over once it expires.
    BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 60)
    REMINDER_SWEEP_HOUR = env_int("REMINDER_SWEEP_HOUR", 6)
    # Retention: settled outbox rows and verification look-ups older than these are deleted
    # by the daily sweep; audit events are kept.
    OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 90)
    VERIFICATION_LOG_DAYS = env_int("VERIFICATION_LOG_DAYS", 365)
    RETENTION_SWEEP_HOUR = env_int("RETENTION_SWEEP_HOUR", 3)
    # Observability (app/observability): who may read GET /metrics (addresses or networks,
    # comma-separated; empty: nobody), and how log lines look ("json" or "text").
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW", "127.0.0.1/8,::1")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # Blended courses and class operations (API-2.md §4).
    KEYCODES_LOW = env_int("KEYCODES_LOW", 5)
    CLASS_REMINDER_HOURS = env_int("CLASS_REMINDER_HOURS", 24)
    # How often beat runs the class sweep (reminders, rosters, alerts, keycode levels).
    CLASS_SWEEP_SECONDS = env_int("CLASS_SWEEP_SECONDS", 900)
    LOW_ENROLLMENT_DAYS = env_int("LOW_ENROLLMENT_DAYS", 3)
    LOW_ENROLLMENT_SEATS = env_int("LOW_ENROLLMENT_SEATS", 4)
    # Lost-card look-ups: per target e-mail (per address they share RATELIMIT_PUBLIC).
    RATELIMIT_CARD_LOOKUP = os.environ.get("RATELIMIT_CARD_LOOKUP", "3 per hour")
    # Portable credentials (API-2 §5): the Ed25519 signing key (PEM); the public (or private)
    # keys used before it, oldest first, so credentials signed with them still verify; where a
    # key is made when none is set (outside production only); the holder-hash secret (else
    # derived from SECRET_KEY).
    CREDENTIAL_SIGNING_KEY = os.environ.get("CREDENTIAL_SIGNING_KEY", "")
    CREDENTIAL_PREVIOUS_KEYS = os.environ.get("CREDENTIAL_PREVIOUS_KEYS", "")
    CREDENTIAL_KEY_FILE = os.environ.get("CREDENTIAL_KEY_FILE",
                                         str(INSTANCE_DIR / "credential-signing-key.pem"))
    CREDENTIAL_HOLDER_SALT = os.environ.get("CREDENTIAL_HOLDER_SALT", "")
    # Payments (API-2.md §2): "manual" (pay at class, staff record it) or "stripe" (Checkout).
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "manual").strip().lower()
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
    CURRENCY = os.environ.get("CURRENCY", "usd").strip().lower()
    SEAT_HOLD_MINUTES = env_int("SEAT_HOLD_MINUTES", 30)
    REFUND_CUTOFF_HOURS = env_int("REFUND_CUTOFF_HOURS", 48)
    HOLD_SWEEP_SECONDS = env_int("HOLD_SWEEP_SECONDS", 60)
    # Employers' orders (API-2.md §3): when an invoice falls due, and how to pay it.
    INVOICE_DUE_DAYS = env_int("INVOICE_DUE_DAYS", 30)
    INVOICE_PAYMENT_INSTRUCTIONS = os.environ.get(
        "INVOICE_PAYMENT_INSTRUCTIONS",
        "Pay by bank transfer or check, quoting the invoice number.").strip()


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    REDIS_URL = ""
    MAIL_SERVER = ""
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    WTF_CSRF_ENABLED = False
    PUBLIC_BASE_URL = "http://lifeline.test"
    CENTER_NAME = "Lifeline Training Center"
    CENTER_TIMEZONE = "America/New_York"
    REMINDER_WINDOWS = (90, 30, 7, 0)
    # One key for every test process on this machine (made once, atomically, like instance/'s).
    CREDENTIAL_SIGNING_KEY = ""
    CREDENTIAL_PREVIOUS_KEYS = ""
    CREDENTIAL_KEY_FILE = str(Path(tempfile.gettempdir()) / "lifeline-test-credential-key.pem")
    CREDENTIAL_HOLDER_SALT = ""
    PAYMENT_PROVIDER = "manual"
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    # Nothing listens there: a test that forgot its local Stripe server fails, never leaves.
    STRIPE_API_BASE = "http://127.0.0.1:9"
    CURRENCY = "usd"
    SEAT_HOLD_MINUTES = 30
    REFUND_CUTOFF_HOURS = 48


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # one JSON object a line


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by LIFELINE_ENV (default: development)."""
    name = os.environ.get("LIFELINE_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise SystemExit(f"LIFELINE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
