"""Running the same work in several threads at once, for the race tests."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_together(work: Callable[[], object], count: int, timeout: float = 60) -> None:
    """Start `count` threads running `work`, then wait for each (up to `timeout` seconds)."""
    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
