"""Dashboard updates are coalesced; stations are nudged once per kind of work."""
from __future__ import annotations

import threading
import time

from server.broadcast import BURST_BATCHES, FloorBroadcaster


class RecordingSocketIO:
    """Stands in for Flask-SocketIO: records emits, runs background tasks as threads."""

    def __init__(self):
        self.emits: list[tuple[str, dict, str, str]] = []
        self.lock = threading.Lock()

    def emit(self, event, data, namespace, to):
        with self.lock:
            self.emits.append((event, data, namespace, to))

    def start_background_task(self, target):
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread

    def updates(self):
        with self.lock:
            return [data for event, data, _, _ in self.emits if event == "floor_update"]


def wait_until(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.01)
    return predicate()


def test_a_burst_of_events_arrives_in_few_batches_in_order():
    sio, snapshots = RecordingSocketIO(), []
    caster = FloorBroadcaster(sio, max_rate=10, snapshot=lambda: snapshots.append(1) or {"n": len(snapshots)},
                              snapshot_every=0.5)
    for n in range(200):
        caster.publish([{"type": "scan_recorded", "n": n}])
    assert wait_until(lambda: sum(len(u["events"]) for u in sio.updates()) == 200)
    caster.stop()
    updates = sio.updates()
    # Not 200: after its budget of back-to-back batches, a burst is coalesced.
    assert len([u for u in updates if u["events"]]) <= BURST_BATCHES + 2
    assert [e["n"] for u in updates for e in u["events"]] == list(range(200))
    assert len(snapshots) <= 3 and len([u for u in updates if u["snapshot"]]) == len(snapshots)


def test_the_snapshot_follows_the_end_of_a_burst_even_inside_the_interval():
    sio = RecordingSocketIO()
    caster = FloorBroadcaster(sio, max_rate=50, snapshot=lambda: {"at": time.monotonic()}, snapshot_every=0.3)
    caster.publish([{"type": "scan_recorded"}])
    assert wait_until(lambda: len(sio.updates()) == 2)  # the event, then the counts after it
    caster.publish([{"type": "order_shipped"}])  # within the interval: events now, counts later
    assert wait_until(lambda: len(sio.updates()) == 4, timeout=2)
    caster.stop()
    first, counts, second, later = sio.updates()
    assert first["events"] and first["snapshot"] is None and counts == {"events": [], "snapshot": counts["snapshot"]}
    assert second["events"] == [{"type": "order_shipped"}] and second["snapshot"] is None
    assert later == {"events": [], "snapshot": later["snapshot"]} and later["snapshot"] is not None


def test_waiting_work_nudges_the_role_room_once_and_is_not_shown_on_dashboards():
    sio = RecordingSocketIO()
    caster = FloorBroadcaster(sio, max_rate=10)
    caster.publish([{"type": "tasks_waiting", "kind": "pack"}] * 5 + [{"type": "task_completed"}])
    assert wait_until(lambda: len(sio.emits) == 2)
    caster.stop()
    nudges = [(event, data, ns, to) for event, data, ns, to in sio.emits if event == "tasks_waiting"]
    assert nudges == [("tasks_waiting", {"kind": "pack"}, "/station", "role:pack")]
    assert [e["type"] for e in sio.updates()[0]["events"]] == ["task_completed"]


def test_a_failed_snapshot_is_logged_and_the_broadcaster_keeps_delivering(caplog):
    sio, calls = RecordingSocketIO(), []

    def snapshot():
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("QueuePool limit of size 5 overflow 10 reached")
        return {"n": len(calls)}

    caster = FloorBroadcaster(sio, max_rate=50, snapshot=snapshot, snapshot_every=0.05)
    caster.publish([{"type": "scan_recorded", "n": 1}])
    assert wait_until(lambda: len(calls) >= 1)
    caster.publish([{"type": "scan_recorded", "n": 2}])
    assert wait_until(lambda: any(update["snapshot"] for update in sio.updates())), "the loop died"
    caster.stop()
    assert "dashboard broadcast failed" in caplog.text
