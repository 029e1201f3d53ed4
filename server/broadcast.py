"""The only code that pushes domain events to sockets.

Events are coalesced: a burst of 200 scans becomes a few batches, at most
``max_rate`` per second, each with a fresh floor snapshot (200 single emits took
250-450 ms to arrive in DESIGN.md's measurement). Stations idle in a role room are
nudged when work of their kind appears.
"""
from __future__ import annotations

import threading
from typing import Callable


class FloorBroadcaster:
    def __init__(self, socketio, max_rate: float = 10, snapshot: Callable[[], dict] | None = None):
        self._socketio = socketio
        self._interval = 1.0 / max_rate
        self._snapshot = snapshot
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
            self._wake.wait()
            self._wake.clear()
            self.flush()
            self._stopped.wait(self._interval)  # the rate limit: at most one batch per interval

    def flush(self) -> None:
        with self._lock:
            events, self._pending = self._pending, []
        if not events:
            return
        for kind in sorted({e["kind"] for e in events if e["type"] == "tasks_waiting"}):
            self._socketio.emit("tasks_waiting", {"kind": kind}, namespace="/station", to=f"role:{kind}")
        shown = [e for e in events if e["type"] != "tasks_waiting"]
        update = {"events": shown, "snapshot": self._snapshot() if self._snapshot else None}
        self._socketio.emit("floor_update", update, namespace="/dashboard", to="supervisors")
