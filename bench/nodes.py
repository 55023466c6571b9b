"""Benchmark: verification throughput through nginx with one and with two web nodes.

    .venv/bin/python -m bench.nodes [--quick] [--database-url URL]

Starts the production layout of deploy/ (deploy/rig: nginx with TLS, gunicorn web nodes of
two workers each, PostgreSQL, the rig's own Redis; no Celery, rate limits off), imports
certificates with `flask certificates import`, then measures GET /api/v1/certificates/<code>
(one look-up and one verification-log row each) with the same concurrent keep-alive clients:
1. straight to one node (plain HTTP, no nginx) — the reference;
2. through nginx in front of one node;
3. through nginx in front of two nodes.
Alternating rounds, medians. There is no target: on a machine with few cores the second node
competes with the first (and with nginx and the clients) for the same cores, so the ratio
shows the cost of the layout, not a speed-up; with a core or more per node it shows the gain.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import private_name  # noqa: E402
from deploy.rig import Rig, RigUnavailable  # noqa: E402

DATABASE = private_name("lifeline_bench_nodes")
CLIENTS = 8
HEADER = "code,holder_name,holder_email,course_code,issued_on\n"


def records_csv(count: int) -> str:
    rows = [f"BENCH-NODES-{n:06d},Holder {n},holder{n}@example.org,BLS-HCP,2025-06-02\n"
            for n in range(count)]
    return HEADER + "".join(rows)


def connect(rig: Rig, direct: bool) -> http.client.HTTPConnection:
    if direct:
        return http.client.HTTPConnection(rig.node(0).split(":")[0], rig.web_ports[0], timeout=30)
    import ssl

    context = ssl.create_default_context(cafile=str(rig.certificate))
    return http.client.HTTPSConnection("127.0.0.1", rig.nginx_port, timeout=30, context=context)


def throughput(rig: Rig, paths: list[str], seconds: float, direct: bool = False) -> float:
    """Answers 200 per second to CLIENTS threads, each on one kept-alive connection."""
    stop_at = time.monotonic() + seconds
    counts, failures = [0] * CLIENTS, []
    headers = {"X-Forwarded-Proto": "https"} if direct else {}

    def client(index: int) -> None:
        connection = connect(rig, direct)
        position = index
        try:
            while time.monotonic() < stop_at:
                connection.request("GET", paths[position % len(paths)], headers=headers)
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    failures.append(answer.status)
                    return
                counts[index] += 1
                position += CLIENTS
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"unexpected answers: {failures[:5]}")
    return sum(counts) / (time.monotonic() - started)


def measure(rig: Rig, paths: list[str], seconds: float, rounds: int) -> list[tuple]:
    """Rounds of (direct, one node, two nodes), nginx restarted in front of one, then two."""
    results = []
    for _ in range(rounds):
        direct = throughput(rig, paths, seconds, direct=True)
        figures = []
        for nodes in ([0], [0, 1]):
            rig.nginx.stop()
            rig.start_nginx(nodes)
            throughput(rig, paths[:50], 0.5)  # warm the TLS connections and nginx up
            figures.append(throughput(rig, paths, seconds))
        results.append((direct, *figures))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args(argv)
    seconds, rounds, count = (1.5, 2, 500) if args.quick else (4.0, 3, 5000)

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-nodes-") as workdir:
        rig = Rig(Path(workdir), args.database_url, DATABASE, web_nodes=2, workers=0, beats=0,
                  settings={"RATELIMIT_ENABLED": "0"})
        try:
            rig.start()
            rig.flask("catalog", "load")
            csv = Path(workdir) / "records.csv"
            csv.write_text(records_csv(count))
            rig.flask("certificates", "import", str(csv))
            paths = [f"/api/v1/certificates/BENCH-NODES-{n:06d}" for n in range(count)]
            throughput(rig, paths[:50], 1.0, direct=True)  # warm every worker up
            results = measure(rig, paths, seconds, rounds)
        except RigUnavailable as missing:
            print(f"cannot build the rig: {missing} is not available", file=sys.stderr)
            return 1
        finally:
            rig.stop()

    direct, one, two = (statistics.median(side) for side in zip(*results, strict=True))
    ratio = statistics.median(two_nodes / one_node for _, one_node, two_nodes in results)
    print(f"PostgreSQL, gunicorn 2 sync workers per node, {CLIENTS} keep-alive clients, "
          f"{count} certificates, rate limits off, verification log on")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before and "
          f"{os.getloadavg()[0]:.1f} after; medians of {rounds} rounds of {seconds:g} s")
    print(f"one node direct (plain HTTP, no nginx): {direct:,.0f} req/s")
    print(f"through nginx (TLS): one web node: {one:,.0f} req/s; two web nodes: {two:,.0f} req/s")
    print(f"ratio two nodes / one node: {ratio:.2f}; nginx / direct: {one / direct:.2f}")
    if (os.cpu_count() or 1) < 4:
        print(f"note: {os.cpu_count()} CPUs shared by nginx, the clients and every gunicorn "
              f"worker: the second node adds processes, not cores, so a ratio near 1 or below is "
              f"the layout's overhead; above 1 on a machine busy with other work (the load "
              f"average) it means more processes won a larger share of it, not that it scales")
    return 0


if __name__ == "__main__":
    sys.exit(main())
