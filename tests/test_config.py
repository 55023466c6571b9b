"""Configuration: the embedded default, production's refusal of a weak SECRET_KEY, REMINDER_WINDOWS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from config import BASE_DIR, DEFAULT_SECRET_KEY, ProductionConfig, parse_windows, sqlalchemy_url

CONFIG_VARIABLES = (
    "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
    "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM", "CENTER_NAME", "CENTER_TIMEZONE",
    "PUBLIC_BASE_URL", "REMINDER_WINDOWS", "API_TOKEN_DAYS", "RATELIMIT_ENABLED",
    "RATELIMIT_PUBLIC", "RATELIMIT_LOGIN", "RATELIMIT_BULK", "LIFELINE_ENV", "PORT",
    "TRUSTED_PROXIES", "MAX_REQUEST_BYTES", "IMPORT_MAX_BYTES", "RATELIMIT_ACCOUNT_MAIL",
    "RATELIMIT_ACCOUNT_MAIL_IP", "CREDENTIAL_SIGNING_KEY", "CREDENTIAL_PREVIOUS_KEYS",
    "CREDENTIAL_KEY_FILE", "CREDENTIAL_HOLDER_SALT", "PAYMENT_PROVIDER", "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "SEAT_HOLD_MINUTES",
)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh interpreter with none of the app's variables set except `env`."""
    clean = {name: value for name, value in os.environ.items() if name not in CONFIG_VARIABLES}
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_no_configuration_means_sqlite_in_the_instance_folder_and_the_default_zone():
    result = run_python(
        "from config import config_from_env as c; k = c();"
        "print(k.ENV_NAME); print(k.SQLALCHEMY_DATABASE_URI); print(k.CENTER_TIMEZONE);"
        "print(k.REMINDER_WINDOWS); print(k.API_TOKEN_DAYS); print(k.PUBLIC_BASE_URL)"
    )
    assert result.returncode == 0, result.stderr
    env_name, url, zone, windows, token_days, base_url = result.stdout.split("\n")[:6]
    assert env_name == "development"
    assert url == f"sqlite:///{Path(BASE_DIR) / 'instance' / 'lifeline.db'}"
    assert zone == "America/New_York"
    assert windows == "(90, 30, 7, 0)"
    assert token_days == "30"
    assert base_url == "http://127.0.0.1:5000"


def test_production_without_a_secret_key_refuses_to_start_with_one_line():
    result = run_python("import wsgi", LIFELINE_ENV="production",
                        DATABASE_URL="sqlite:////tmp/lifeline-unused.db")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("INFO:")]
    assert lines == ["Refusing to start: set SECRET_KEY to a long random value in production."]


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY])
def test_production_refuses_a_missing_or_default_secret_key(secret):
    weak = type("WeakProduction", (ProductionConfig,), {"SECRET_KEY": secret})
    with pytest.raises(SystemExit) as refusal:
        create_app(weak)
    message = str(refusal.value.code)
    assert "SECRET_KEY" in message and "\n" not in message


def test_an_unknown_environment_name_is_refused_with_one_line():
    result = run_python("import config; config.config_from_env()", LIFELINE_ENV="staging")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "LIFELINE_ENV must be one of development, test, production, not 'staging'"]


def test_environment_variables_override_the_defaults():
    result = run_python(
        "from config import Config as k;"
        "print(k.CENTER_TIMEZONE, k.REMINDER_WINDOWS, k.API_TOKEN_DAYS, k.RATELIMIT_ENABLED,"
        " k.SQLALCHEMY_DATABASE_URI, k.PUBLIC_BASE_URL, sep='|')",
        CENTER_TIMEZONE="America/Chicago", REMINDER_WINDOWS="60,14", API_TOKEN_DAYS="7",
        RATELIMIT_ENABLED="off", DATABASE_URL="postgres://u@db.example/lifeline", PORT="8080",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "America/Chicago", "(60, 14)", "7", "False",
        "postgresql+psycopg://u@db.example/lifeline", "http://127.0.0.1:8080",
    ]


@pytest.mark.parametrize("raw, windows", [
    ("90,30,7,0", (90, 30, 7, 0)),
    ("7, 30 ,90,0", (90, 30, 7, 0)),
    ("30,30,7", (30, 7)),
    ("14,", (14,)),
])
def test_reminder_windows_parse_to_distinct_days_largest_first(raw, windows):
    assert parse_windows(raw) == windows


@pytest.mark.parametrize("raw", ["90,-1", "ninety", "30;7"])
def test_reminder_windows_refuse_what_is_not_a_day_count(raw):
    with pytest.raises(ValueError):
        parse_windows(raw)


def test_database_urls_route_postgresql_to_psycopg_3():
    assert sqlalchemy_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
