"""Whether the task broker is reachable: Redis in production, embedded otherwise."""

from __future__ import annotations


def status(config) -> str:
    redis_url = config.get("REDIS_URL")
    if not redis_url:
        return "embedded"
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - unreachable for any reason
        return "unavailable"
    return "ok"
