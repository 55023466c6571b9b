"""The benchmark suite at its reduced (CI) size: it runs to its table, every check holds."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import query_counts
from tests.support import services

ROOT = Path(__file__).resolve().parents[2]
ROWS_PER_BENCHMARK = {"verify": 2, "reminders": 3, "import": 2, "enrollment race": 2,
                      "credentials": 3, "payments": 10, "query counts": len(query_counts.PAGES)}


def table_rows(report: str) -> list[list[str]]:
    """The cells of the final table's rows (after its heading and rule)."""
    lines = report.splitlines()
    start = max(index for index, line in enumerate(lines) if line.startswith("benchmark "))
    rows = []
    for line in lines[start + 2:]:
        cells = [cell.strip() for cell in line.split(" | ")]
        if len(cells) != 5:
            break
        rows.append(cells)
    return rows


@pytest.mark.slow
def test_quick_benchmark_suite_reports_every_figure_and_every_check_holds():
    server = services.postgres_url()
    if server is None:
        services.unavailable("PostgreSQL")
    finished = subprocess.run(
        [sys.executable, "-m", "bench.run_all", "--quick", "--database-url", server],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    report = finished.stdout
    assert finished.returncode == 0, report[-4000:] + finished.stderr[-2000:]
    rows = table_rows(report)
    assert Counter(row[0] for row in rows) == ROWS_PER_BENCHMARK, report[-4000:]
    assert {row[4] for row in rows} <= {"PASS", "MISS"}, report[-4000:]
