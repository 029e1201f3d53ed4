"""``colis-server serve``: the production server (gunicorn, one gevent worker) as a floor runs it,
on SQLite and PostgreSQL: a station connects over WebSocket, takes a task, scans, and the
process stops cleanly on SIGTERM (systemd's stop)."""
from __future__ import annotations

import os
import time
import uuid

import socketio
from sqlalchemy import select

from server.models import ScanEvent
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station
from tests.processes import ServerProcess


def test_the_production_server_serves_a_station_and_stops_cleanly(floor, database_url, tmp_path):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=3)
        allocate_order(uow, add_order(uow, [(lamp, 1)]).id)
        _, token = add_station(uow, "PICK-05", "pick")
        uow.commit()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLIS_")}
    env.update({"COLIS_DATABASE_URL": database_url, "COLIS_INSTANCE_PATH": str(tmp_path / "instance"),
                "COLIS_SECRET_KEY": uuid.uuid4().hex * 2, "PYTHONUNBUFFERED": "1"})
    server = ServerProcess("serve", env, tmp_path)
    try:
        server.wait_healthy(time.monotonic() + 15)
        assert "Using worker: gevent" in server.output()
        station = socketio.Client(reconnection=False)
        station.connect(server.url, auth={"station": "PICK-05", "token": token}, namespaces=["/station"],
                        transports=["websocket"], wait_timeout=5)
        assert station.transport() == "websocket"
        assert station.call("request_task", {}, namespace="/station", timeout=5)["state"] == "pick"
        scan_id = str(uuid.uuid4())
        reply = station.call("scan", {"uuid": scan_id, "raw": lamp.gtin, "symbology": "]E0"},
                             namespace="/station", timeout=5)
        assert reply["state"] == "idle" and reply["message"]["code"] == "pick_done"
        station.disconnect()
    finally:
        server.stop()
    assert server.proc.returncode == 0, server.output()
    with floor.uow() as uow:
        assert uow.session.scalar(select(ScanEvent.outcome).where(ScanEvent.uuid == scan_id)) == "task_complete"
