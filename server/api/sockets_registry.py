"""Which dashboard sockets belong to which user, across every server process.

python-socketio only lists the sockets of its own process, but its message queue can
disconnect any socket by id. So each process records its users' socket ids in Redis
(the queue it already needs once several processes run); logging out on any process then
disconnects them everywhere. With no Redis there is one process, and a dict is enough.

Stations have one socket each: ``claim_station`` records a station's newest socket and returns
the one it replaces (which the caller disconnects, wherever it is); ``release_station`` forgets
a socket only if it is still the station's current one, so the replaced socket's disconnect
does not mark the station offline under its successor (docs/security.md, "One socket a station").
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

KEY_TTL_SECONDS = 7 * 24 * 3600  # bounds what a crashed process can leave behind


class LocalSocketRegistry:
    def __init__(self):
        self._sids: dict[int, set[str]] = defaultdict(set)
        self._stations: dict[int, str] = {}
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

    def claim_station(self, station_id: int, sid: str) -> str | None:
        with self._lock:
            old = self._stations.get(station_id)
            self._stations[station_id] = sid
            return old if old != sid else None

    def release_station(self, station_id: int, sid: str) -> bool:
        with self._lock:
            if self._stations.get(station_id) != sid:
                return False
            del self._stations[station_id]
            return True

    def station_sid(self, station_id: int) -> str | None:
        with self._lock:
            return self._stations.get(station_id)


# Delete the key only if it still holds this socket (another process may have replaced it).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


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

    def _station_key(self, station_id: int) -> str:
        return f"{self._prefix}:station-socket:{station_id}"

    def claim_station(self, station_id: int, sid: str) -> str | None:
        old = self._redis.set(self._station_key(station_id), sid, ex=KEY_TTL_SECONDS, get=True)
        old = old.decode() if old is not None else None
        return old if old != sid else None

    def release_station(self, station_id: int, sid: str) -> bool:
        return bool(self._redis.eval(_RELEASE, 1, self._station_key(station_id), sid))

    def station_sid(self, station_id: int) -> str | None:
        sid = self._redis.get(self._station_key(station_id))
        return sid.decode() if sid is not None else None


def make_registry(redis_url: str | None, prefix: str):
    return RedisSocketRegistry(redis_url, prefix) if redis_url else LocalSocketRegistry()


log = logging.getLogger(__name__)


class IdleSocketCloser:
    """Closes Engine.IO connections that have not signed in to any namespace within ``timeout``
    seconds (docs/security.md, "Floods"). A station or dashboard signs in with its first packet;
    a socket that only holds a connection open (and answers pings) costs the server a thread
    or greenlet for as long as it likes, 400 of them 1,608 threads in issue 10's probe.
    """

    def __init__(self, server, timeout: float, every: float | None = None):
        self._server, self._timeout = server, timeout
        self._every = every if every is not None else max(0.05, min(timeout / 2, 5.0))
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()
        self._running = False
        self._handle_connect = server._handle_eio_connect
        server.eio.on("connect", self._on_connect)

    def _on_connect(self, eio_sid, environ, *args):
        with self._lock:
            self._pending[eio_sid] = time.monotonic()
            start = not self._running
            self._running = True
        if start:
            self._server.start_background_task(self._loop)
        return self._handle_connect(eio_sid, environ, *args)

    def _signed_in(self, eio_sid: str) -> bool:
        namespaces = set(self._server.handlers) | set(self._server.namespace_handlers) | {"/"}
        return any(self._server.manager.sid_from_eio_sid(eio_sid, ns) is not None for ns in namespaces)

    def sweep(self) -> list[str]:
        """Close the connections past their time without a namespace; returns their ids."""
        now, closed = time.monotonic(), []
        with self._lock:
            pending = dict(self._pending)
        for eio_sid, since in pending.items():
            if eio_sid not in self._server.eio.sockets or self._signed_in(eio_sid):
                with self._lock:
                    self._pending.pop(eio_sid, None)
            elif now - since >= self._timeout:
                with self._lock:
                    self._pending.pop(eio_sid, None)
                closed.append(eio_sid)
                self._server.eio.disconnect(eio_sid)
        if closed:
            log.warning("closed %d connection(s) that did not sign in within %.0f s", len(closed), self._timeout)
        return closed

    def _loop(self) -> None:
        while True:
            self._server.sleep(self._every)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("idle socket sweep failed")
            with self._lock:
                if not self._pending:
                    self._running = False
                    return
