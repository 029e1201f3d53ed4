"""The only code that pushes domain events to sockets.

Events are coalesced: a burst of 200 scans becomes a few batches, at most
``max_rate`` per second (200 single emits took 250-450 ms to arrive in DESIGN.md's
measurement). The floor snapshot (counts over whole tables) is recomputed at most every
``snapshot_every`` seconds, and once more after a burst ends, so a busy floor with a
million orders does not spend a core counting them ten times a second. Stations idle in
a role room are nudged when work of their kind appears.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)


class FloorBroadcaster:
    def __init__(self, socketio, max_rate: float = 10, snapshot: Callable[[], dict] | None = None,
                 snapshot_every: float = 2.0, describe: Callable[[dict], dict | None] | None = None):
        self._socketio = socketio
        # The feed's sentence for an event (server/feed.py), made once here for every page.
        self._describe = describe
        self._interval = 1.0 / max_rate
        self._snapshot = snapshot
        self._snapshot_every = snapshot_every
        self._last_snapshot = float("-inf")
        self._snapshot_due = False
        self._pending: list[dict] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._started = False
        self._task = None

    def publish(self, events: list[dict]) -> None:
        with self._lock:
            self._pending.extend(events)
            if not self._started:
                self._started = True
                self._task = self._socketio.start_background_task(self._run)
        self._wake.set()

    def stop(self) -> None:
        """Stop after the batch in flight (so no query runs once the database is closed)."""
        self._stopped.set()
        self._wake.set()
        if self._task is not None:
            self._task.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(timeout=self._snapshot_every if self._snapshot_due else None)
            self._wake.clear()
            self._flush_and_survive()
            self._stopped.wait(self._interval)  # the rate limit: at most one batch per interval

    def _flush_and_survive(self) -> None:
        # The loop outlives any one failure (a database timeout during a snapshot, say): a dead
        # broadcaster would leave every dashboard frozen and every idle station un-nudged.
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - logged, and the next batch is tried on time
            log.exception("dashboard broadcast failed; the next batch will be tried")
            self._snapshot_due = True

    def flush(self) -> None:
        with self._lock:
            events, self._pending = self._pending, []
        for kind in sorted({e["kind"] for e in events if e["type"] == "tasks_waiting"}):
            self._socketio.emit("tasks_waiting", {"kind": kind}, namespace="/station", to=f"role:{kind}")
        shown = [self._with_sentence(e) for e in events if e["type"] != "tasks_waiting"]
        snapshot = self._take_snapshot(bool(events))
        if shown or snapshot is not None:
            self._socketio.emit("floor_update", {"events": shown, "snapshot": snapshot},
                                namespace="/dashboard", to="supervisors")

    def _with_sentence(self, event: dict) -> dict:
        if self._describe is None:
            return event
        try:
            line = self._describe(event)
        except Exception:  # noqa: BLE001 - a sentence that cannot be made never stops the batch
            log.exception("no feed sentence for a %s event", event.get("type"))
            line = None
        return {**event, "feed": line} if line else event

    def _take_snapshot(self, something_happened: bool) -> dict | None:
        if self._snapshot is None or not (something_happened or self._snapshot_due):
            return None
        now = time.monotonic()
        if now - self._last_snapshot < self._snapshot_every:
            self._snapshot_due = True  # the run loop comes back for it after the interval
            return None
        self._last_snapshot, self._snapshot_due = now, False
        return self._snapshot()
