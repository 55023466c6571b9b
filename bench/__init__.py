"""Benchmarks, each printing its figures and the ratio to its reference."""

import os

# Set by bench.run_all for the benchmarks it starts, and unique to that run.
RUN_ID_VARIABLE = "BENCH_RUN_ID"


def private_name(name: str) -> str:
    """The benchmark's database name, made unique to the suite run that started it (if any):
    two runs at once (CI's quick suite and a `make bench`) never drop each other's database."""
    run = os.environ.get(RUN_ID_VARIABLE, "")
    return f"{name}_{run}" if run else name
