"""Audit the pinned requirements with pip-audit.

Exit 1 on a known vulnerability. When the advisory database cannot be reached, or pip-audit
could look nothing up, the audit did not happen: the script says so plainly and exits 2,
unless AUDIT_OFFLINE_OK=1 (a closed network, such as this project's CI) accepts an unaudited
run, which is still reported as NOT audited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_AUDITED = 2


def _pip_audit() -> subprocess.CompletedProcess | str:
    """pip-audit's run, or why it could not run at all."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "-r", str(ROOT / "requirements.txt"), "--no-deps", "--disable-pip",
               "-f", "json", "--progress-spinner", "off"]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"pip-audit did not run: {error}"


def _not_audited(why: str) -> int:
    print(f"pip-audit: the advisory database could not be reached; dependencies NOT audited ({why}).")
    if os.environ.get("AUDIT_OFFLINE_OK") == "1":
        print("pip-audit: AUDIT_OFFLINE_OK=1 accepts this unaudited run (closed network).")
        return 0
    print("pip-audit: failing; set AUDIT_OFFLINE_OK=1 to accept an unaudited run on a closed network.")
    return NOT_AUDITED


def main() -> int:
    completed = _pip_audit()
    if isinstance(completed, str):
        return _not_audited(completed)
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        last_line = ((completed.stderr or "").strip().splitlines() or ["no report"])[-1]
        return _not_audited(last_line[:300])
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"pip-audit: {dependency['name']} {dependency['version']} has known vulnerabilities: {ids}")
    if vulnerable:
        return 1
    if not audited:
        return _not_audited(f"none of {len(dependencies)} dependencies could be looked up")
    print(f"pip-audit: {len(audited)} dependencies audited, no known vulnerabilities "
          f"({len(dependencies) - len(audited)} could not be looked up).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
