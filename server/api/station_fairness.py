"""Fair shares of the hub between stations (docs/security.md, "Floods"): each station's events run
one at a time (``StationGate``) and at most at a rate (``StationBucket``); a station that ignores
``busy`` is cut off for a while. Used by ``station_ns``; plain Python, no Flask.
"""
from __future__ import annotations

import threading
import time


class StationGate:
    """One event at a time per station, at most ``max_waiting`` queued behind it (fair scheduling).

    A station sends one scan and waits for its ack; a station (or a stolen token) that floods
    gets its events run one by one, holding one database connection like any other station, and
    past ``max_waiting`` each extra event is answered ``server_error`` at once (the station's
    outbox retries it later). The other stations' events never queue behind the flood.
    """

    def __init__(self, max_waiting: int = 16):
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._running: dict[int, threading.Lock] = {}
        self._waiting: dict[int, int] = {}

    def enter(self, station_id: int) -> threading.Lock | None:
        with self._lock:
            if self._waiting.get(station_id, 0) >= self.max_waiting:
                return None
            self._waiting[station_id] = self._waiting.get(station_id, 0) + 1
            running = self._running.setdefault(station_id, threading.Lock())
        running.acquire()
        return running

    def leave(self, station_id: int, running: threading.Lock) -> None:
        running.release()
        with self._lock:
            self._waiting[station_id] -= 1
            if not self._waiting[station_id]:
                del self._waiting[station_id]

    def waiting(self, station_id: int) -> int:
        with self._lock:
            return self._waiting.get(station_id, 0)



class StationBucket:
    """Each station's events drawn from a bucket of ``burst`` tokens refilled at ``rate`` a second;
    an event finding it empty is answered ``busy`` at once, before any database work (the station
    keeps the scan first in its outbox and sends it again after a pause: nothing is lost).

    Why, beside the gate: the gate runs a flooding station's events one at a time, but back to
    back, and on gevent's one hub a scan in progress holds every other station's event until it
    ends (SQLite's calls never yield). A flood of 1,000 scans took most of the hub for seconds and
    another station's p99 to 2-10x its own (bench_security). A real station scans at most a few
    times a second and replays its outbox one scan per ack: ``burst`` covers a replay after an
    outage, ``rate`` is four to ten times what a person can scan. Kept per process: a station has
    one socket, on one process (the newer replaces the older, docs/security.md).
    """

    def __init__(self, rate: float, burst: float, drop_after: int = 0, cool_off: float = 0.0,
                 clock=time.monotonic):
        self.rate, self.burst, self._clock = float(rate), max(1.0, float(burst)), clock
        self.drop_after, self.cool_off_seconds = int(drop_after), float(cool_off)
        self._lock = threading.Lock()
        self._tokens: dict[int, tuple[float, float]] = {}  # station id -> (tokens, when counted)
        self._refused: dict[int, int] = {}  # station id -> busy answers since its last accepted event
        self._cooling: dict[str, float] = {}  # station code -> refused connections until then

    @classmethod
    def from_config(cls, config) -> "StationBucket":
        return cls(float(config.get("STATION_EVENT_RATE") or 0), float(config.get("STATION_EVENT_BURST") or 1),
                   int(config.get("STATION_BUSY_IGNORED") or 0), float(config.get("STATION_FLOOD_COOL_OFF") or 0))

    def take(self, station_id: int) -> bool:
        """One event's token; False when the station has spent its share (answer busy)."""
        if self.rate <= 0:
            return True  # off
        with self._lock:
            now = self._clock()
            tokens, counted = self._tokens.get(station_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - counted) * self.rate)
            taken = tokens >= 1
            self._tokens[station_id] = (tokens - 1 if taken else tokens, now)
            if taken:
                self._refused.pop(station_id, None)
            else:
                self._refused[station_id] = self._refused.get(station_id, 0) + 1
            return taken

    def ignores_busy(self, station_id: int) -> bool:
        """Answered busy ``drop_after`` times in a row: it sends on without the pause a station
        makes after busy (a second, when its bucket refills twenty tokens): broken or hostile.
        Refusing each event still costs the hub a packet's decoding and an answer (thousands a
        second: bench_security), so its socket is ended instead."""
        with self._lock:
            return 0 < self.drop_after <= self._refused.get(station_id, 0)

    def cool_off(self, station_id: int, code: str) -> None:
        """The station's connections refused for ``cool_off_seconds``, its count started again."""
        with self._lock:
            self._refused.pop(station_id, None)
            self._cooling[code] = self._clock() + self.cool_off_seconds

    def cooling(self, code: str) -> bool:
        """Its connections are refused (checked before the database: a reconnect loop is cheap)."""
        with self._lock:
            until = self._cooling.get(code)
            if until is not None and until <= self._clock():
                del self._cooling[code]
                until = None
            return until is not None
