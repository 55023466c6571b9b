"""Two beats, one schedule (workers/single_beat.py): only the beat holding the Redis lock sends
periodic tasks, so no periodic job runs twice; when it dies the other takes over."""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

from deploy.rig.processes import wait_until

pytestmark = pytest.mark.deploy
SENT = re.compile(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] "
                  r"Scheduler: Sending due task (\S+)")
WATCH_SECONDS = 6


def sends(rig) -> list[tuple[float, int, str]]:
    """Every periodic task the beats sent: (time, which beat, job), in time order."""
    found = []
    for index, beat in rig.beats.items():
        for stamp, job in SENT.findall(beat.output()):
            at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
            found.append((at, index, job))
    return sorted(found)


def since(rig, moment: float) -> list[tuple[float, int, str]]:
    return [send for send in sends(rig) if send[0] >= moment]


def assert_one_schedule(sent: list[tuple[float, int, str]], interval: float) -> None:
    """Each job's sends are an interval apart: none doubled by a second beat."""
    for job in {job for _, _, job in sent}:
        times = [at for at, _, name in sent if name == job]
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert all(gap > interval / 2 for gap in gaps), (job, gaps)


def test_of_two_beats_one_schedules_and_the_other_takes_over_when_it_dies(rig):
    interval = float(rig.env["OUTBOX_PASS_SECONDS"])
    started = time.time()
    time.sleep(WATCH_SECONDS)
    watched = since(rig, started)
    active = {index for _, index, _ in watched}
    assert len(active) == 1, f"beats that sent tasks: {active}"
    assert WATCH_SECONDS / interval - 2 <= len(watched) <= WATCH_SECONDS / interval + 1
    assert_one_schedule(watched, interval)

    (dead,) = active
    rig.beats[dead].kill()
    killed = time.time()
    lock_seconds = float(rig.env["BEAT_LOCK_SECONDS"])
    wait_until(lambda: any(index != dead for _, index, _ in since(rig, killed)),
               lock_seconds + 10, "the standby beat sending tasks")
    taken_over = [at for at, index, _ in since(rig, killed) if index != dead][0]
    assert taken_over - killed <= lock_seconds + 2
    time.sleep(3)
    assert {index for _, index, _ in since(rig, killed)} == {1 - dead}
    assert_one_schedule(since(rig, started), interval)
    rig.start_beat(dead)  # back as the standby
    time.sleep(2)
    assert {index for _, index, _ in since(rig, time.time() - 2)} == {1 - dead}
