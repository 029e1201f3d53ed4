"""The only code that pushes domain events to sockets.

Events are coalesced: a burst of 200 scans becomes a few batches, at most
``max_rate`` per second (200 single emits took 250-450 ms to arrive in DESIGN.md's
measurement). The floor snapshot (counts over whole tables) is recomputed at most every
``snapshot_every`` seconds, and once more after a burst ends, so a busy floor with a
million orders does not spend a core counting them ten times a second; it is computed and
sent by a loop of its own, after the events, so no event waits for its queries. Stations idle in
a role room are nudged when work of their kind appears.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)
BURST_BATCHES = 5  # batches that may leave back to back before the rate limit coalesces


class FloorBroadcaster:
    """Two loops: one sends the events as they come (coalesced, at most ``max_rate`` batches a
    second), the other the snapshot after them (at most every ``snapshot_every`` s, and once
    more after a burst ends). An event never waits for a snapshot's queries: on a large floor
    they take tens of milliseconds (bench/bench_dashboard_fanout.py)."""

    def __init__(self, socketio, max_rate: float = 10, snapshot: Callable[[], dict] | None = None,
                 snapshot_every: float = 2.0, describe: Callable[[dict], dict | None] | None = None):
        self._socketio = socketio
        # The feed's sentence for an event (server/feed.py), made once here for every page.
        self._describe = describe
        self._interval = 1.0 / max_rate
        self._snapshot = snapshot
        self._snapshot_every = snapshot_every
        self._pending: list[dict] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._snapshot_wanted = threading.Event()
        self._stopped = threading.Event()
        self._started = False
        self._tasks: list = []

    def publish(self, events: list[dict]) -> None:
        with self._lock:
            self._pending.extend(events)
            if not self._started:
                self._started = True
                self._tasks = [self._socketio.start_background_task(self._run)]
                if self._snapshot is not None:
                    self._tasks.append(self._socketio.start_background_task(self._run_snapshots))
        self._wake.set()

    def stop(self) -> None:
        """Stop after the batch in flight (so no query runs once the database is closed)."""
        self._stopped.set()
        self._wake.set()
        self._snapshot_wanted.set()
        for task in self._tasks:
            task.join(timeout=5)

    def _run(self) -> None:
        # A token bucket, not a fixed pause after each batch: events that come now and then leave
        # at once (a pause would hold one that follows another closely for up to a whole
        # interval); a burst spends the budget and is then coalesced, ``max_rate`` batches a second.
        rate, budget = 1.0 / self._interval, float(BURST_BATCHES)
        tokens, last = budget, time.monotonic()
        while not self._stopped.is_set():
            self._wake.wait()
            self._wake.clear()
            now = time.monotonic()
            tokens, last = min(budget, tokens + (now - last) * rate), now
            if tokens < 1:
                self._stopped.wait((1 - tokens) / rate)  # the budget is spent: coalesce meanwhile
                now = time.monotonic()
                tokens, last = min(budget, tokens + (now - last) * rate), now
            tokens -= 1
            self._flush_and_survive()

    def _flush_and_survive(self) -> None:
        # The loop outlives any one failure: a dead broadcaster would leave every dashboard
        # frozen and every idle station un-nudged.
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - logged, and the next batch is tried on time
            log.exception("dashboard broadcast failed; the next batch will be tried")

    def flush(self) -> None:
        with self._lock:
            events, self._pending = self._pending, []
        for kind in sorted({e["kind"] for e in events if e["type"] == "tasks_waiting"}):
            self._socketio.emit("tasks_waiting", {"kind": kind}, namespace="/station", to=f"role:{kind}")
        shown = [self._with_sentence(e) for e in events if e["type"] != "tasks_waiting"]
        if shown:
            self._socketio.emit("floor_update", {"events": shown, "snapshot": None},
                                namespace="/dashboard", to="supervisors")
        if events:
            self._snapshot_wanted.set()  # the counts follow, from the other loop

    def _run_snapshots(self) -> None:
        while not self._stopped.is_set():
            self._snapshot_wanted.wait()
            if self._stopped.is_set():
                return
            self._snapshot_wanted.clear()
            try:
                snapshot = self._snapshot()
                self._socketio.emit("floor_update", {"events": [], "snapshot": snapshot},
                                    namespace="/dashboard", to="supervisors")
            except Exception:  # noqa: BLE001 - a database timeout: logged, asked again next round
                log.exception("dashboard broadcast failed; the next snapshot will be tried")
                self._snapshot_wanted.set()
            self._stopped.wait(self._snapshot_every)  # the snapshot's own rate limit
            if self._snapshot_wanted.is_set():
                # Events came meanwhile: start just after the next batch goes out (or after two
                # batch intervals), not in the middle of one — its queries would hold up the send.
                self._snapshot_wanted.clear()
                self._snapshot_wanted.wait(timeout=2 * self._interval)
                self._snapshot_wanted.set()

    def _with_sentence(self, event: dict) -> dict:
        if self._describe is None:
            return event
        try:
            line = self._describe(event)
        except Exception:  # noqa: BLE001 - a sentence that cannot be made never stops the batch
            log.exception("no feed sentence for a %s event", event.get("type"))
            line = None
        return {**event, "feed": line} if line else event
