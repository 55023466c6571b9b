"""Issue 14 item 7 / API-2 §1: production refuses to start — one line on standard error, exit
status 1 — without PostgreSQL, without Redis, with a short SECRET_KEY, or on a database that
holds demo accounts; the settings are checked before anything connects."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.demo.data import ADMIN_EMAIL
from app.services.credentials import keys
from tests import factories
from tests.test_config import BASE_DIR, CONFIG_VARIABLES, run_python

STRONG_KEY = "k" * 48
POSTGRES = "postgresql://nobody@127.0.0.1:1/never"  # never reached: a setting fails first
REDIS = "redis://127.0.0.1:1/0"
SIGNING_KEY = keys.private_pem(Ed25519PrivateKey.generate())


def start(**env: str):
    return run_python("import wsgi; print('started')", LIFELINE_ENV="production", **env)


def refusal(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("Refusing to start: ")
    return lines[0]


@pytest.mark.parametrize("env, named", [
    ({"DATABASE_URL": POSTGRES, "REDIS_URL": REDIS}, "SECRET_KEY"),
    ({"SECRET_KEY": "x", "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS}, "SECRET_KEY"),
    ({"SECRET_KEY": "y" * 31, "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS}, "32 bytes"),
    ({"SECRET_KEY": STRONG_KEY, "REDIS_URL": REDIS}, "DATABASE_URL"),
    ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": "sqlite:////tmp/lifeline-prod.db",
      "REDIS_URL": REDIS}, "PostgreSQL"),
    ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": POSTGRES}, "REDIS_URL"),
    ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS},
     "CREDENTIAL_SIGNING_KEY"),
    ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS,
      "CREDENTIAL_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\nnot a key\n"}, "Ed25519"),
    ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS,
      "CREDENTIAL_SIGNING_KEY": SIGNING_KEY, "CREDENTIAL_PREVIOUS_KEYS": "garbage"},
     "CREDENTIAL_PREVIOUS_KEYS"),
    ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS,
      "CREDENTIAL_SIGNING_KEY": SIGNING_KEY}, "cannot check the database"),
])
def test_production_refuses_each_missing_or_weak_setting_with_one_line(env, named):
    assert named in refusal(start(**env))


def test_production_refuses_a_database_with_demo_accounts_and_starts_without(app_factory):
    app = app_factory("postgresql")
    env = {"SECRET_KEY": STRONG_KEY, "REDIS_URL": REDIS, "CREDENTIAL_SIGNING_KEY": SIGNING_KEY,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    started = start(**env)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().endswith("started")
    with factories.within(app):
        factories.learner(email=ADMIN_EMAIL)
    assert ADMIN_EMAIL in refusal(start(**env))


def test_flask_commands_refuse_too():
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    env.update(LIFELINE_ENV="production", SECRET_KEY="short")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert "SECRET_KEY" in refusal(result)


@pytest.mark.parametrize("env, named", [
    ({"PAYMENT_PROVIDER": "stripe"}, "STRIPE_SECRET_KEY"),
    ({"PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "sk_test_x"}, "STRIPE_WEBHOOK_SECRET"),
    ({"PAYMENT_PROVIDER": "paypal"}, "manual or stripe"),
    ({"SEAT_HOLD_MINUTES": "2000"}, "SEAT_HOLD_MINUTES"),
])
def test_any_environment_refuses_payment_settings_that_cannot_work(env, named):
    """Stripe switched on without its keys would hold seats whose every Checkout fails."""
    result = run_python("import wsgi; print('started')", LIFELINE_ENV="development", **env)
    assert named in refusal(result)


def test_stripe_with_its_keys_starts_in_development():
    result = run_python("import wsgi; print('started')", LIFELINE_ENV="development",
                        PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_x",
                        STRIPE_WEBHOOK_SECRET="whsec_x")
    assert result.returncode == 0, result.stderr
