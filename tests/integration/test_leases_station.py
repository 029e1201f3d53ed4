"""The station's side of leases: heartbeats go out while it is synced, and a screen in a
heartbeat's ack (a task taken away while the station was silent) is drawn at once."""
from __future__ import annotations

import pytest

from station.core import StationCore
from station.drivers import MemoryPrinter
from station.drivers.scale import ScaleStatus
from station.outbox import Outbox
from tests.stationkit import FakeLink, screen, wait_screen
from wire.texts import text


@pytest.fixture
def core_and_link(tmp_path):
    link, outbox = FakeLink(), Outbox(str(tmp_path / "outbox.sqlite"))
    link.replies["heartbeat"] = lambda payload: {"ok": True}
    core = StationCore(link, MemoryPrinter(), outbox, station_code="PICK-01", retry_interval=0.1,
                       heartbeat_interval=0.05).start()
    yield core, link
    core.stop()
    outbox.close()


def test_heartbeats_go_out_while_synced_and_carry_only_the_devices_report(core_and_link):
    core, link = core_and_link
    beats = link.wait_calls("heartbeat", 3)
    # The scans queued and the scanner's state, for the supervisors' dashboard (issue 9).
    assert all(payload == {"outbox": 0, "scanner": None, "scale": None} for _, payload in beats)
    assert link.events()[0][0] == "hello"  # never before the station is synced


class ReportingScale:
    """A scale that only says whether it is there (as SerialScale.check does through on_status)."""

    def __init__(self, connected: bool, port: str):
        self.connected, self.port, self.on_status = connected, port, None

    def check(self) -> bool:
        self.on_status(ScaleStatus(self.connected, self.port, "" if self.connected else "unplugged"))
        return self.connected

    def weigh(self, timeout: float) -> int:
        raise AssertionError("never asked to weigh: no screen says weigh here")

    def close(self) -> None:
        pass


@pytest.mark.parametrize("connected, state", [(True, "connected"), (False, "disconnected")])
def test_the_scales_state_and_port_go_out_with_the_next_heartbeat_at_once(tmp_path, connected, state):
    """Issue 12: the bench's scale on the dashboard. The heartbeat is an hour away, yet the
    scale's report (plugged or not, its port) goes out as soon as the scale said it."""
    link, outbox = FakeLink(), Outbox(str(tmp_path / "outbox.sqlite"))
    link.replies["heartbeat"] = lambda payload: {"ok": True}
    core = StationCore(link, MemoryPrinter(), outbox, station_code="PACK-01", retry_interval=0.1,
                       heartbeat_interval=3600)
    core.attach_scale(ReportingScale(connected, "/dev/ttyUSB1"))
    core.start()
    try:
        beats = link.wait_calls("heartbeat", 2)  # the first at sync, the next for the scale's report
        reports = [payload for _, payload in beats]
        assert {"outbox": 0, "scanner": None, "scale": state, "scale_port": "/dev/ttyUSB1"} in reports
    finally:
        core.stop()
        outbox.close()


def test_a_task_taken_away_is_said_plainly_from_the_heartbeats_ack(core_and_link):
    core, link = core_and_link
    link.wait_calls("heartbeat", 1)
    lost = {"level": "error", "code": "task_lost", "text": text("task_lost", "fr")}
    link.replies["heartbeat"] = lambda payload: screen("idle", lost)
    view = wait_screen(core, lambda view: (view.get("message") or {}).get("code") == "task_lost")
    assert view["message"]["text"].startswith("Cette tâche n'est plus la vôtre")


def test_over_the_station_namespace_a_comeback_is_refused_and_told(app, floor):
    """Two stations on /station: A goes silent (its lease is made to have run out: no sleep),
    B asks for work and gets A's task; A's scan is refused and its heartbeat says why."""
    import uuid
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from server.extensions import socketio
    from server.models import Task
    from server.services.allocation import allocate_order
    from tests.factories import add_item, add_order, add_station

    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=4)
        allocate_order(uow, add_order(uow, [(lamp, 2)]).id)
        tokens = {code: add_station(uow, code, "pick")[1] for code in ("PICK-A", "PICK-B")}
        uow.commit()
    clients = {code: socketio.test_client(app, namespace="/station", auth={"station": code, "token": token})
               for code, token in tokens.items()}

    def call(code, event, payload=None):
        return clients[code].emit(event, payload or {}, namespace="/station", callback=True)

    def scan(code):
        return call(code, "scan", {"uuid": str(uuid.uuid4()), "raw": lamp.gtin, "symbology": None,
                                   "scanned_at": datetime.now(timezone.utc).isoformat()})

    try:
        task_id = call("PICK-A", "request_task")["task"]["id"]
        assert scan("PICK-A")["message"]["code"] == "item_ok"
        assert call("PICK-A", "heartbeat") == {"ok": True}
        with floor.engine.begin() as connection:  # A falls silent past its lease
            connection.execute(update(Task).where(Task.id == task_id)
                               .values(lease_expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
        taken = call("PICK-B", "request_task")
        assert taken["task"]["id"] == task_id and taken["task"]["progress"]["done"] == 1

        refused = scan("PICK-A")
        assert refused["message"]["level"] == "error" and refused["task"] is None
        told = call("PICK-A", "heartbeat")
        assert (told["state"], told["message"]["code"]) == ("idle", "task_lost")
        assert scan("PICK-B")["message"]["code"] == "pick_done"  # B finishes it: 2 of 2
    finally:
        for client in clients.values():
            client.disconnect(namespace="/station")
