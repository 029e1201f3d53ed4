"""Which dashboard sockets belong to which user, across every server process.

python-socketio only lists the sockets of its own process, but its message queue can
disconnect any socket by id. So each process records its users' socket ids in Redis
(the queue it already needs once several processes run); logging out on any process then
disconnects them everywhere. With no Redis there is one process, and a dict is enough.
"""
from __future__ import annotations

import threading
from collections import defaultdict

KEY_TTL_SECONDS = 7 * 24 * 3600  # bounds what a crashed process can leave behind


class LocalSocketRegistry:
    def __init__(self):
        self._sids: dict[int, set[str]] = defaultdict(set)
        self._lock = threading.Lock()

    def add(self, user_id: int, sid: str) -> None:
        with self._lock:
            self._sids[user_id].add(sid)

    def remove(self, user_id: int, sid: str) -> None:
        with self._lock:
            self._sids[user_id].discard(sid)

    def sids(self, user_id: int) -> list[str]:
        with self._lock:
            return sorted(self._sids[user_id])


class RedisSocketRegistry:
    def __init__(self, redis_url: str, prefix: str):
        import redis

        self._redis = redis.Redis.from_url(redis_url)
        self._prefix = prefix

    def _key(self, user_id: int) -> str:
        return f"{self._prefix}:dashboard-sockets:{user_id}"

    def add(self, user_id: int, sid: str) -> None:
        key = self._key(user_id)
        self._redis.pipeline().sadd(key, sid).expire(key, KEY_TTL_SECONDS).execute()

    def remove(self, user_id: int, sid: str) -> None:
        self._redis.srem(self._key(user_id), sid)

    def sids(self, user_id: int) -> list[str]:
        return sorted(sid.decode() for sid in self._redis.smembers(self._key(user_id)))


def make_registry(redis_url: str | None, prefix: str):
    return RedisSocketRegistry(redis_url, prefix) if redis_url else LocalSocketRegistry()
