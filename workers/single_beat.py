"""One active beat among several (API-2 §7): RedBeat keeps the schedule and a lock in Redis,
and only the beat holding the lock sends periodic tasks; the others stand by.

RedBeat's own scheduler takes the lock once at start-up and crashes when it cannot extend it
(Redis restarted empty, or unreachable for a moment). This one instead goes back to standing
by: each tick it extends its lock, or tries to take a free one, and schedules nothing while it
holds none. Having just taken the lock it writes the schedule back into Redis, since a Redis
that came back empty has lost it. The schedule's last run times live in Redis too, so the beat
that takes over does not run again what the previous one already ran.
"""

from __future__ import annotations

import logging

from celery.signals import beat_init
from redbeat.schedulers import (
    LUA_EXTEND_TO_SCRIPT,
    RedBeatScheduler,
    acquire_distributed_beat_lock,
    get_redis,
)
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)
# RedBeat takes its lock when beat starts, and writes no schedule after it; here the first
# tick takes it (and writes the schedule), like every later take-over.
beat_init.disconnect(acquire_distributed_beat_lock)


class SingleBeatScheduler(RedBeatScheduler):
    """RedBeat's scheduler that survives losing its lock or Redis: it stands by instead."""

    def setup_schedule(self):
        # Called when beat starts, too: with Redis down then, the schedule is written when
        # this beat takes the lock, once Redis is back.
        try:
            super().setup_schedule()
        except RedisError as error:
            log.warning("beat: Redis unavailable, the schedule waits for it: %s", error)

    def tick(self, min=min, **kwargs):
        try:
            if not self._holds_lock():
                return self.max_interval
            return super().tick(min=min, **kwargs)
        except RedisError as error:
            log.warning("beat: Redis unavailable, scheduling nothing until it is back: %s", error)
            return self.max_interval

    def _holds_lock(self) -> bool:
        if self.lock is not None:
            try:
                self.lock.extend(int(self.lock_timeout))
                return True
            except LockError:
                log.warning("beat: lost the lock (Redis restarted or the lock expired); "
                            "standing by")
                self.lock = None
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        if not lock.acquire(blocking=False):
            return False
        try:
            super().setup_schedule()
        except RedisError:
            self._give_up(lock)
            raise
        log.info("beat: Acquired lock")
        self.lock = lock
        return True

    @staticmethod
    def _give_up(lock) -> None:
        """Release a lock taken without a schedule written, so that it is taken again."""
        try:
            lock.release()
        except (LockError, RedisError):
            pass  # Redis is down: the lock expires by itself
