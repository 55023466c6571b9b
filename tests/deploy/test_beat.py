"""Two beats, one schedule (workers/single_beat.py): only the beat holding the Redis lock sends
periodic tasks, so no periodic job runs twice; when it dies the other takes over."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.deploy
SENT = "Sending due task "  # Celery beat's line for each periodic task it sends
WATCH_SECONDS = 6
POLL_SECONDS = 0.1


class Watch:
    """The sends of each beat as seen in its log, timed by polling (whatever the log format)."""

    def __init__(self, rig):
        self.rig = rig
        self.seen = {index: beat.output().count(SENT) for index, beat in rig.beats.items()}
        self.sends: list[tuple[float, int]] = []

    def poll(self, seconds: float, until=None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until()):
            for index, beat in self.rig.beats.items():
                count = beat.output().count(SENT)
                self.sends += [(time.monotonic(), index)] * (count - self.seen.get(index, 0))
                self.seen[index] = count
            time.sleep(POLL_SECONDS)

    def senders(self, since: float) -> set[int]:
        return {index for at, index in self.sends if at >= since}


def assert_one_schedule(sends: list[tuple[float, int]], interval: float) -> None:
    """The outbox pass is the only job due in seconds: its sends are an interval apart, none
    doubled by a second beat."""
    times = [at for at, _ in sends]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert all(gap > interval / 2 for gap in gaps), gaps


def test_of_two_beats_one_schedules_and_the_other_takes_over_when_it_dies(rig):
    interval = float(rig.env["OUTBOX_PASS_SECONDS"])
    lock_seconds = float(rig.env["BEAT_LOCK_SECONDS"])
    watch = Watch(rig)
    started = time.monotonic()
    watch.poll(WATCH_SECONDS)
    active = watch.senders(started)
    assert len(active) == 1, f"beats that sent tasks: {active}"
    assert WATCH_SECONDS / interval - 2 <= len(watch.sends) <= WATCH_SECONDS / interval + 1
    assert_one_schedule(watch.sends, interval)

    (dead,) = active
    rig.beats[dead].kill()
    killed = time.monotonic()
    watch.poll(lock_seconds + 10, until=lambda: watch.senders(killed))
    assert watch.senders(killed) == {1 - dead}, "the standby did not take over"
    assert min(at for at, _ in watch.sends if at >= killed) - killed <= lock_seconds + 5
    rig.start_beat(dead)  # back, as the standby
    restarted = time.monotonic()
    watch.poll(3)
    assert watch.senders(restarted) == {1 - dead}
    assert_one_schedule(watch.sends, interval)
