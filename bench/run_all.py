"""The benchmark suite (`make bench`): every benchmark, then one table of figures and targets.

    .venv/bin/python -m bench.run_all [--quick] [--database-url URL] [--only NAME ...]

Runs, each in its own process with its own private database on the PostgreSQL server
(BENCH_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test): bench/verify.py,
bench/reminders.py, bench/import.py, bench/enrollment_race.py, bench/credentials.py,
bench/payments.py, bench/query_counts.py and bench/nodes.py.
Full sizes by default; `--quick` (CI) runs verify --quick, 50 000 reminder rows, 10 000
rows to import, 5 race runs, credentials over 20 000 certificates (10⁵ at full size) and a
small payments run (20 learners, 2 races, 1 000 holds), and leaves out nodes (the multi-node
rig, which tests/deploy already runs in CI).
Each benchmark's own report is echoed as it runs.

Result per row: PASS; MISS — a timing target missed (timings on a shared, small machine are
noisy, so a miss is reported but does not fail the suite); FAIL — a correctness check failed
(a race run overbooked or lost a learner, a page's statement count grew with its rows, the
sweep queued other rows than the due set, the export lost rows); ERROR — a benchmark did not
run to its report; INFO — a figure without a target (nodes: on a machine with few cores the
second web node shows the layout's overhead, not a speed-up). Exit status 1 on any FAIL or ERROR, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import RUN_ID_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
HOUR = 3600


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, its target, the value measured and the verdict."""

    benchmark: str
    figure: str
    target: str
    value: str
    result: str  # PASS, MISS, FAIL, ERROR or INFO


def timing(benchmark: str, figure: str, target: str, value: float, met: bool,
           unit: str = "") -> Row:
    return Row(benchmark, figure, target, f"{value:.2f}{unit}", "PASS" if met else "MISS")


def check(benchmark: str, figure: str, target: str, value: str, held: bool) -> Row:
    return Row(benchmark, figure, target, value, "PASS" if held else "FAIL")


class Unreadable(Exception):
    """The benchmark's report lacks a figure the table needs."""


def find(pattern: str, text: str) -> re.Match:
    match = re.search(pattern, text)
    if match is None:
        raise Unreadable(f"no line matching {pattern!r}")
    return match


def number(text: str) -> float:
    return float(text.replace(",", ""))


# --- reading each benchmark's report ----------------------------------------------------------

def verify_rows(out: str) -> list[Row]:
    lookups = find(r"single look-ups: ([\d,.]+) req/s; no-database route \S+: ([\d,.]+) req/s",
                   out)
    ratio = number(find(r"ratio look-up / no-database route: ([\d.]+)", out)[1])
    bulk = find(r"bulk of (\d+): ([\d.]+) ms; single: ([\d.]+) ms", out)
    bulk_ratio = number(find(r"ratio bulk-\d+ / single: ([\d.]+)", out)[1])
    return [
        timing("verify", f"look-ups {lookups[1]} vs no-DB route {lookups[2]} req/s",
               "≥ 0.8", ratio, ratio >= 0.8),
        timing("verify", f"bulk-{bulk[1]} {bulk[2]} ms vs one {bulk[3]} ms", "≤ 10",
               bulk_ratio, bulk_ratio <= 10),
    ]


def reminders_rows(out: str) -> list[Row]:
    seeded = find(r"PostgreSQL, ([\d,]+) certificates .*due set: ([\d,]+) reminders", out)
    bare = find(r"reference bare SQL \(best of \d+\): ([\d,]+) ms", out)[1]
    sweep = find(r"sweep: ([\d,]+) ms", out)[1]
    ratio = number(find(r"ratio sweep / reference: ([\d.]+)", out)[1])
    growth = number(find(r"peak memory growth during the sweep: ([\d.]+) MB", out)[1])
    mismatch = re.search(r"MISMATCH: (.*)", out)
    return [
        timing("reminders", f"sweep {sweep} ms vs bare SQL {bare} ms ({seeded[1]} certs)",
               "≤ 5", ratio, ratio <= 5),
        timing("reminders", "peak memory growth during the sweep", "< 150 MB", growth,
               growth < 150, " MB"),
        check("reminders", "sweep queued exactly the due set", "same rows",
              mismatch[1] if mismatch else f"{seeded[2]} rows", mismatch is None),
    ]


def import_rows(out: str) -> list[Row]:
    rows = int(find(r"rows: (\d+)", out)[1])
    reference = find(r"reference Core insert: ([\d.]+) s", out)[1]
    imported = find(r"import: ([\d.]+) s \(([\d,]+) rows/s\)", out)
    ratio = number(find(r"ratio import / reference: ([\d.]+)", out)[1])
    export = find(r"export: (\d+) rows in ([\d.]+) s \(([\d,]+) rows/s\)", out)
    return [
        timing("import", f"import {imported[1]} s vs bare Core {reference} s ({rows:,} rows)",
               "≤ 5", ratio, ratio <= 5),
        check("import", f"export {export[1]} rows in {export[2]} s", "every row",
              f"{export[3]} rows/s", int(export[1]) == rows),
    ]


def race_rows(out: str) -> list[Row]:
    table = []
    for database in ("sqlite", "postgresql"):
        held = find(rf"{database}: (\d+) of (\d+) runs held .*overbooked sessions: (\d+)", out)
        times = find(rf"{database}: race median ([\d.]+)s, p95 ([\d.]+)s.*sequential "
                     rf"reference ([\d.]+)s", out)
        table.append(check(
            "enrollment race", f"{database}: 50 into 10 seats, race median {times[1]} s "
            f"(sequential {times[3]} s)", "every run holds",
            f"{held[1]}/{held[2]} held, {held[3]} overbooked",
            held[1] == held[2] and held[3] == "0"))
    return table


def nodes_rows(out: str) -> list[Row]:
    direct = find(r"one node direct \(plain HTTP, no nginx\): ([\d,]+) req/s", out)[1]
    through = find(r"one web node: ([\d,]+) req/s; two web nodes: ([\d,]+) req/s", out)
    ratio = find(r"ratio two nodes / one node: ([\d.]+); nginx / direct: ([\d.]+)", out)
    cpus = os.cpu_count()
    return [
        Row("nodes", f"via nginx: two nodes {through[2]} vs one {through[1]} req/s ({cpus} CPUs)",
            "reported", ratio[1], "INFO"),
        Row("nodes", f"one node via nginx {through[1]} vs direct {direct} req/s", "reported",
            ratio[2], "INFO"),
    ]


def payments_rows(out: str) -> list[Row]:
    table = []
    for database in ("sqlite", "postgresql"):
        rates = find(rf"{database}: holds created ([\d,]+)/s; free-class enrollments ([\d,]+)/s;"
                     rf" ratio holds / free ([\d.]+)", out)
        held = find(rf"{database}: race with holds: (\d+) of (\d+) runs held", out)
        release = find(rf"{database}: release of ([\d,]+) lapsed holds ([\d,]+) ms \(with its"
                       rf" commit\); bare SQL selecting them ([\d,.]+) ms, ratio release / select"
                       rf" ([\d.]+) \(target \d+\); bare SQL doing the same writes ([\d,]+) ms,"
                       rf" ratio release / bare writes ([\d.]+)", out)
        ratio, over_writes = number(release[4]), number(release[6])
        table += [
            timing("payments", f"{database}: holds {rates[1]}/s beside free-class enrollments "
                   f"{rates[2]}/s", "≥ 0.5", number(rates[3]), number(rates[3]) >= 0.5),
            check("payments", f"{database}: race with holds, 50 into 10 seats", "every run holds",
                  f"{held[1]}/{held[2]} held", held[1] == held[2]),
            timing("payments", f"{database}: release {release[2]} ms vs bare select "
                   f"{release[3]} ms ({release[1]} holds)", "≤ 5", ratio, ratio <= 5),
            timing("payments", f"{database}: release {release[2]} ms vs bare UPDATEs "
                   f"{release[5]} ms ({release[1]} holds)", "≤ 3", over_writes, over_writes <= 3),
            check("payments", f"{database}: release left no hold behind", "none left",
                  "MISMATCH" if re.search(rf"{database}: .*MISMATCH", out) else "none",
                  not re.search(rf"{database}: .*MISMATCH", out)),
        ]
    return table


def query_count_rows(out: str) -> list[Row]:
    try:
        report = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError) as error:
        raise Unreadable("no JSON report") from error
    rows = report["rows"]
    return [check("query counts", f"{page}: statements at 1 / {rows} rows", "equal",
                  f"{one} / {many}", one == many)
            for page, (one, many) in report["pages"].items()]


def credentials_rows(out: str) -> list[Row]:
    size = find(r"PostgreSQL, ([\d,]+) certificates", out)[1]
    rates = find(r"credentials signed: ([\d,]+)/s; plain JSON serialisation: ([\d,]+)/s; "
                 r"verified: ([\d,]+)/s", out)
    times = find(r"status list regeneration: ([\d.]+) ms; cached poll: ([\d.]+) ms; "
                 r"single look-up: ([\d.]+) ms", out)
    poll_ratio = number(find(r"ratio cached poll / single look-up: ([\d.]+)", out)[1])
    return [
        timing("credentials", f"signed/s (JSON alone {rates[2]}/s, verified {rates[3]}/s)",
               "≥ 300", number(rates[1]), number(rates[1]) >= 300),
        timing("credentials", f"status list over {size} certs vs look-up {times[3]} ms",
               "≤ 250 ms", number(times[1]), number(times[1]) <= 250, " ms"),
        timing("credentials", f"cached poll {times[2]} ms vs look-up {times[3]} ms", "≤ 2",
               poll_ratio, poll_ratio <= 2),
    ]


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    read: Callable[[str], list[Row]]
    takes_database: bool = True
    in_quick: bool = True


BENCHMARKS = (
    Benchmark("verify", "bench.verify", (), ("--quick",), verify_rows),
    Benchmark("reminders", "bench.reminders", (), ("--rows", "50000"), reminders_rows),
    Benchmark("import", "bench.import", (), ("--rows", "10000"), import_rows),
    Benchmark("enrollment race", "bench.enrollment_race", (), ("--runs", "5"), race_rows),
    Benchmark("credentials", "bench.credentials", (), ("--certificates", "20000"),
              credentials_rows),
    Benchmark("payments", "bench.payments", (),
              ("--learners", "20", "--runs", "2", "--holds", "1000"), payments_rows),
    Benchmark("query counts", "bench.query_counts", ("--json",), ("--json",), query_count_rows,
              takes_database=False),
    Benchmark("nodes", "bench.nodes", (), ("--quick",), nodes_rows, in_quick=False),
)


def run(benchmark: Benchmark, quick: bool, database_url: str, run_id: str) -> list[Row]:
    """Run one benchmark in its own process, echoing its report; its table rows."""
    command = [sys.executable, "-m", benchmark.module,
               *(benchmark.quick if quick else benchmark.full)]
    if benchmark.takes_database:
        command += ["--database-url", database_url]
    print(f"\n== {benchmark.name}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors,
                                   text=True, env={**os.environ, "PYTHONUNBUFFERED": "1",
                                                         RUN_ID_VARIABLE: run_id})
        lines = []
        for line in process.stdout:
            lines.append(line)
            print(f"   {line}", end="", flush=True)
        status = process.wait()
        errors.seek(0)
        error_text = errors.read()
    print(f"   ({time.monotonic() - started:.0f} s, exit status {status})", flush=True)
    try:
        return benchmark.read("".join(lines))
    except (Unreadable, KeyError, ValueError) as problem:
        tail = [line for line in error_text.splitlines() if line.strip()][-8:]
        print(f"   no report: {problem}; its last error lines:", flush=True)
        print("   " + "\n   ".join(tail), flush=True)
        return [Row(benchmark.name, "did not report (its errors are above)", "a report",
                    f"exit status {status}", "ERROR")]


def drop_databases(server_url: str, run_id: str) -> None:
    """Drop the databases the benchmarks of this run made on the server."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from config import sqlalchemy_url

    url = make_url(sqlalchemy_url(server_url)).set(database="postgres")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            names = connection.scalars(sa.text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'lifeline_bench_%'"))
            for name in [n for n in names if re.search(rf"_{run_id}(_|$)", n)]:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except sa.exc.OperationalError as error:
        print(f"could not drop this run's databases: {error.orig}", flush=True)
    finally:
        engine.dispose()


def table(rows: list[Row]) -> str:
    headings = Row("benchmark", "figure", "target", "value", "result")
    widths = [max(len(getattr(row, field)) for row in [headings, *rows])
              for field in Row.__dataclass_fields__]
    lines = []
    for index, row in enumerate([headings, *rows]):
        cells = [getattr(row, field) for field in Row.__dataclass_fields__]
        lines.append(" | ".join(cell.ljust(width) for cell, width in zip(cells, widths,
                                                                        strict=True)).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="reduced sizes, for CI (a few minutes instead of ~10)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or DEFAULT_DATABASE_URL,
                        help="PostgreSQL server; each benchmark makes its own database there")
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHMARKS],
                        metavar="NAME", help="run only these benchmarks")
    args = parser.parse_args(argv)

    if args.only:
        chosen = [b for b in BENCHMARKS if b.name in args.only]
    else:
        chosen = [b for b in BENCHMARKS if b.in_quick or not args.quick]
    load_before, started = os.getloadavg()[0], time.monotonic()
    run_id = f"run{os.getpid()}"
    try:
        rows = [row for benchmark in chosen
                for row in run(benchmark, args.quick, args.database_url, run_id)]
    finally:
        if args.database_url.startswith("postgres"):
            drop_databases(args.database_url, run_id)
    minutes = (time.monotonic() - started) / 60
    print(f"\nLifeline benchmarks ({'quick' if args.quick else 'full'} size), {minutes:.1f} min;"
          f" {os.cpu_count()} CPUs, load average {load_before:.1f} before and "
          f"{os.getloadavg()[0]:.1f} after")
    print(table(rows))
    failed = [row for row in rows if row.result in ("FAIL", "ERROR")]
    missed = [row for row in rows if row.result == "MISS"]
    print("MISS = a timing target missed: timings on a shared machine with few cores are noisy, so a "
          "miss is reported, not failed. FAIL/ERROR = a correctness check failed or a "
          "benchmark did not report: exit status 1.")
    print(f"{len(rows)} rows: {len(failed)} failed, {len(missed)} timing targets missed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
