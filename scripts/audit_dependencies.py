"""Audit the pinned requirements with pip-audit.

Fails (exit 1) on a known vulnerability. When the advisory database cannot be reached (a
closed network), says so plainly and exits 0: an audit that could not run is reported, not
passed off as clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "-r", str(ROOT / "requirements.txt"), "--no-deps", "--disable-pip",
               "-f", "json", "--progress-spinner", "off"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        print("pip-audit: the advisory database could not be reached; dependencies NOT audited.")
        print((completed.stderr or "").strip().splitlines()[-1:] or "")
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"pip-audit: {dependency['name']} {dependency['version']} has known vulnerabilities: {ids}")
    if vulnerable:
        return 1
    if not audited:
        print(f"pip-audit: the advisory database could not be reached; "
              f"{len(dependencies)} dependencies NOT audited.")
        return 0
    print(f"pip-audit: {len(audited)} dependencies audited, no known vulnerabilities "
          f"({len(dependencies) - len(audited)} could not be looked up).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
