"""Station sessions under attack, on SQLite and PostgreSQL (issue 10, finding 6; docs/security.md).

A spoofed ``disconnect`` or ``connect`` event, two sockets on one station's credentials, presence
left by a process that died, another station's scan uuid, bad bytes at sign-in. Each test fails
on the code before the fix.
"""
from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import socketio
from server.models import AuditEvent, ScanEvent, Station
from tests.factories import add_station
from tests.integration.test_floor_flow import order_ready, request_task, scan  # noqa: F401


@pytest.fixture
def two_stations(floor):
    with floor.uow() as uow:
        one = add_station(uow, "PICK-01", "pick")
        two = add_station(uow, "PACK-02", "pack")
        uow.commit()
    return {"PICK-01": one, "PACK-02": two}


def connect(app, code, token):
    return socketio.test_client(app, namespace="/station", auth={"station": code, "token": token})


def online(floor, station_id) -> bool:
    with floor.uow() as uow:
        return uow.session.get(Station, station_id).online


def hello(client):
    return client.emit("hello", {}, namespace="/station", callback=True)


def test_a_station_emitting_disconnect_does_not_run_the_disconnect_handler(app, floor, two_stations):
    """Before: the spoofed event marked the station offline and every later event went unanswered."""
    station_id, token = two_stations["PICK-01"]
    client = connect(app, "PICK-01", token)
    reply = client.emit("disconnect", {}, namespace="/station", callback=True)
    assert reply["error"]["code"] == "bad_request"
    assert online(floor, station_id)
    assert hello(client)["station"]["code"] == "PICK-01"  # still answered
    client.disconnect(namespace="/station")
    assert not online(floor, station_id)  # the real disconnect still runs


def test_a_station_emitting_connect_cannot_sign_in_again_as_another(app, floor, two_stations):
    _, token = two_stations["PICK-01"]
    client = connect(app, "PICK-01", token)
    other = {"station": "PACK-02", "token": two_stations["PACK-02"][1]}
    reply = client.emit("connect", other, namespace="/station", callback=True)
    assert reply["error"]["code"] == "bad_request"
    assert hello(client)["station"]["code"] == "PICK-01"
    assert not online(floor, two_stations["PACK-02"][0])


def test_two_sockets_on_one_stations_credentials_the_newer_wins(app, floor, two_stations):
    """Before: both were accepted, and both drove the same station session."""
    station_id, token = two_stations["PICK-01"]
    older = connect(app, "PICK-01", token)
    newer = connect(app, "PICK-01", token)
    assert newer.is_connected("/station") and not older.is_connected("/station")
    assert hello(newer)["station"]["code"] == "PICK-01" and online(floor, station_id)
    with floor.uow() as uow:
        replaced = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "station_socket_replaced")).all()
        assert [e.actor for e in replaced] == ["station:PICK-01"]
    newer.disconnect(namespace="/station")
    assert not online(floor, station_id)


def test_the_replaced_sockets_disconnect_leaves_the_station_online(app, floor, two_stations):
    station_id, token = two_stations["PICK-01"]
    connect(app, "PICK-01", token)
    newer = connect(app, "PICK-01", token)
    assert online(floor, station_id)  # the older one's disconnect did not mark it offline
    assert hello(newer)["state"]


def test_a_station_left_online_by_a_process_that_died_is_offline_once_the_server_serves_again(
        app, floor, two_stations):
    """Before: after kill -9 and a restart, a station that never came back stayed online forever."""
    dead_id, _ = two_stations["PICK-01"]
    with floor.uow() as uow:  # what a killed process leaves behind
        uow.session.get(Station, dead_id).online = True
        uow.commit()
    live_id, token = two_stations["PACK-02"]
    client = connect(app, "PACK-02", token)  # the restarted server's first sign-in
    assert not online(floor, dead_id) and online(floor, live_id)
    with floor.uow() as uow:
        swept = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "station_offline")).all()
        assert [(e.actor, e.detail["reason"]) for e in swept] == [("station:PICK-01", "stale at server start")]
    client.disconnect(namespace="/station")


@pytest.mark.parametrize("code", ["PICK\x00-01", "PICK-01\n", "\x00"])
def test_a_control_character_in_the_station_code_is_refused_as_unauthorized(app, two_stations, code, caplog):
    """Before: a NUL byte reached PostgreSQL, failed there and was logged as a server error."""
    caplog.set_level(logging.ERROR)
    client = connect(app, code, two_stations["PICK-01"][1])
    assert not client.is_connected("/station")
    assert not [r for r in caplog.records if "could not connect" in r.getMessage()]


def test_another_stations_scan_uuid_is_not_a_duplicate_but_a_replay_at_the_same_station_is(floor, order_ready):
    """Before: scan_events.uuid was unique floor-wide, so PICK-02 sending PICK-01's uuid got "duplicate"."""
    with floor.uow() as uow:
        other_id, _ = add_station(uow, "PICK-02", "pick")
        uow.commit()
    request_task(floor, order_ready["pick"])
    shared = str(uuid.uuid4())
    first = scan(floor, order_ready["pick"], order_ready["lamp"].gtin, shared)
    assert first["message"]["code"] == "item_ok"
    elsewhere = scan(floor, other_id, order_ready["lamp"].gtin, shared)
    assert not elsewhere["duplicate"] and elsewhere["message"]["code"] != "duplicate_scan"
    replay = scan(floor, order_ready["pick"], order_ready["lamp"].gtin, shared)
    assert replay["duplicate"] and replay["message"]["code"] == "duplicate_scan"
    with floor.uow() as uow:
        rows = uow.session.execute(select(ScanEvent.station_id, func.count()).where(ScanEvent.uuid == shared)
                                   .group_by(ScanEvent.station_id)).all()
    assert sorted(rows) == sorted([(order_ready["pick"], 1), (other_id, 1)])


# --- finding 8: one station's flood does not queue the others -------------------------------------

def test_a_flooding_station_is_answered_busy_past_its_queue_and_others_are_not_held(app, floor, two_stations):
    """Events run one at a time per station, at most gate.max_waiting queued; past that, at once
    busy (the station's outbox retries, never sets it aside). Another station's events pass beside the flood."""
    from server.api.station_ns import gate

    flooder_id, flooder_token = two_stations["PICK-01"]
    flooder = connect(app, "PICK-01", flooder_token)
    other = connect(app, "PACK-02", two_stations["PACK-02"][1])
    held = [gate.enter(flooder_id) for _ in range(1)]  # its event in flight...
    gate._waiting[flooder_id] = gate.max_waiting  # ...and a full queue behind it
    try:
        busy = flooder.emit("hello", {}, namespace="/station", callback=True)
        assert busy["error"]["code"] == "busy" and "too many" in busy["error"]["text"] and busy["error"]["retry"]
        assert hello(other)["station"]["code"] == "PACK-02"  # not behind PICK-01's queue
    finally:
        gate._waiting[flooder_id] = 1
        gate.leave(flooder_id, held[0])
    assert gate.waiting(flooder_id) == 0
    assert hello(flooder)["station"]["code"] == "PICK-01"


def test_the_gate_runs_one_event_at_a_time_per_station():
    import threading

    from server.api.station_ns import StationGate

    gate, inside, most = StationGate(max_waiting=50), [], [0]
    lock = threading.Lock()

    def event():
        running = gate.enter(7)
        with lock:
            inside.append(1)
            most[0] = max(most[0], len(inside))
        with lock:
            inside.pop()
        gate.leave(7, running)

    threads = [threading.Thread(target=event) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1 and gate.waiting(7) == 0


def test_a_socket_that_never_signs_in_is_closed_and_a_station_that_does_is_kept(sqlite_template, tmp_path):
    """Before: 400 idle unauthenticated WebSockets held 1,608 server threads for as long as they liked.
    A real server and a raw Engine.IO client that never opens a namespace (socket-level: SQLite only)."""
    import shutil
    import threading
    import time

    import engineio
    import socketio as socketio_client

    from server import create_app
    from server.devserver import serve_in_thread

    shutil.copy(sqlite_template, tmp_path / "colis.sqlite")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'colis.sqlite'}",
                      "SECRET_KEY": "test-secret", "SOCKET_SIGN_IN_TIMEOUT": 0.5})
    with app.extensions["colis"].uow() as uow:
        _, token = add_station(uow, "PICK-08", "pick")
        uow.commit()
    server = serve_in_thread(app)
    idle, station = engineio.Client(), socketio_client.Client(reconnection=False)
    closed = threading.Event()
    idle.on("disconnect", lambda *args: closed.set())
    try:
        idle.connect(server.url, transports=["websocket"], engineio_path="socket.io")
        station.connect(server.url, auth={"station": "PICK-08", "token": token}, namespaces=["/station"],
                        transports=["websocket"], wait_timeout=5)
        assert closed.wait(10), "the socket that never signed in is still open"
        deadline = time.monotonic() + 1.5  # three sweeps past the station's own deadline
        while time.monotonic() < deadline:
            time.sleep(0.1)
        assert station.connected and station.call("hello", {}, namespace="/station", timeout=5)["state"]
    finally:
        station.disconnect()
        idle.disconnect()
        server.stop()
        app.extensions["colis"].close()
