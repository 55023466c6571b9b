"""`make check`'s dependency audit never passes without auditing: an unreachable advisory
database fails it unless AUDIT_OFFLINE_OK=1 says this closed network accepts that."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "audit_dependencies.py"

pytestmark = pytest.mark.skipif(not Path(sys.executable).with_name("pip-audit").exists(),
                                reason="pip-audit is not installed")


def run_audit(**env: str) -> subprocess.CompletedProcess:
    """The script with the advisory database unreachable (every request to a closed port)."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("AUDIT_OFFLINE_OK", "NO_PROXY", "no_proxy")}
    environment.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
                       https_proxy="http://127.0.0.1:9", http_proxy="http://127.0.0.1:9", **env)
    return subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          env=environment, timeout=120, cwd=ROOT)


def test_an_unreachable_advisory_database_fails_the_audit_and_says_so():
    completed = run_audit()
    assert completed.returncode == 2
    assert "NOT audited" in completed.stdout and "AUDIT_OFFLINE_OK=1" in completed.stdout


def test_audit_offline_ok_accepts_the_unaudited_run_and_still_says_so():
    completed = run_audit(AUDIT_OFFLINE_OK="1")
    assert completed.returncode == 0
    assert "NOT audited" in completed.stdout and "accepts this unaudited run" in completed.stdout


def test_any_other_value_of_audit_offline_ok_does_not_accept_it():
    assert run_audit(AUDIT_OFFLINE_OK="yes").returncode == 2
