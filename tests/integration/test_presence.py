"""Presence with several server processes (issue 10): a station whose process was killed is not
left ``online`` forever; a live station is never swept while it keeps its heartbeats."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import socketio
from sqlalchemy import select

from server.models import AuditEvent, Station
from server.models._types import utcnow
from server.services import dispatch, stations
from tests.conftest import empty_tables
from tests.factories import add_station
from tests.processes import cluster_env, logs_on_failure, require_redis, running_servers, seeding_floor, wait_for


def _set_presence(floor, code: str, online: bool, seen_seconds_ago: float) -> None:
    with floor.uow() as uow:
        station = uow.session.scalars(select(Station).where(Station.code == code)).one()
        station.online, station.last_seen_at = online, utcnow() - timedelta(seconds=seen_seconds_ago)
        uow.commit()


def _online(floor) -> dict[str, bool]:
    with floor.session_factory() as session:
        return {code: online for code, online in session.execute(select(Station.code, Station.online))}


def test_only_stations_silent_past_the_timeout_are_swept_once(floor):
    with floor.uow() as uow:
        for code in ("PICK-01", "PICK-02", "PACK-01"):
            add_station(uow, code, "pick" if code.startswith("PICK") else "pack")
        uow.commit()
    _set_presence(floor, "PICK-01", True, seen_seconds_ago=60)   # its process was killed
    _set_presence(floor, "PICK-02", True, seen_seconds_ago=5)    # heartbeats on time
    _set_presence(floor, "PACK-01", False, seen_seconds_ago=600)  # already offline
    with floor.uow() as uow:
        assert stations.clear_silent_stations(uow, silent_for=45) == ["PICK-01"]
    with floor.uow() as uow:
        assert stations.clear_silent_stations(uow, silent_for=45) == [], "a station is reported once"
    assert _online(floor) == {"PICK-01": False, "PICK-02": True, "PACK-01": False}
    with floor.session_factory() as session:
        swept = session.scalars(select(AuditEvent).where(AuditEvent.action == "station_offline")).all()
    assert [(e.actor, e.detail["reason"]) for e in swept] == [("station:PICK-01", "silent")]


def test_a_swept_station_that_is_in_fact_alive_comes_back_with_its_next_heartbeat(floor):
    with floor.uow() as uow:
        add_station(uow, "PICK-01", "pick")
        uow.commit()
    _set_presence(floor, "PICK-01", True, seen_seconds_ago=60)
    with floor.uow() as uow:
        stations.clear_silent_stations(uow, silent_for=45)
    assert _online(floor) == {"PICK-01": False}
    with floor.uow() as uow:
        station = uow.session.scalars(select(Station).where(Station.code == "PICK-01")).one()
        assert dispatch.heartbeat(uow, station) == {"ok": True}
    assert _online(floor) == {"PICK-01": True}


@pytest.mark.postgres
def test_a_station_of_a_killed_process_goes_offline_while_a_heartbeating_one_stays(postgres_url, tmp_path):
    """Two `serve` processes on PostgreSQL and Redis, a 2 s presence timeout: a station on A
    heartbeats through 3 s and stays online; A is killed with -9 (no disconnect is ever sent);
    B's sweeper marks the station offline."""
    require_redis()
    empty_tables(postgres_url)
    code = f"PICK-{uuid.uuid4().hex[:6].upper()}"
    with seeding_floor(postgres_url) as floor, floor.uow() as uow:
        token = add_station(uow, code, "pick")[1]
        uow.commit()
    env = {**cluster_env(postgres_url, tmp_path), "COLIS_PRESENCE_TIMEOUT_SECONDS": "2",
           "COLIS_PRESENCE_SWEEP_SECONDS": "0.3"}
    with running_servers("AB", env, tmp_path) as servers, seeding_floor(postgres_url) as floor:
        a, b = servers["A"], servers["B"]
        with logs_on_failure(a, b):
            client = socketio.Client(reconnection=False)
            client.connect(a.url, auth={"station": code, "token": token}, namespaces=["/station"],
                           transports=["websocket"], wait_timeout=5)
            beating = threading.Event()

            def heartbeat_every_half_second() -> None:
                while not beating.wait(0.5):
                    try:
                        client.call("heartbeat", {}, namespace="/station", timeout=2)
                    except Exception:  # noqa: BLE001 - process A is killed under it
                        return

            heart = threading.Thread(target=heartbeat_every_half_second, daemon=True)
            heart.start()
            try:
                samples = []
                for _ in range(12):  # 3 s, past the 2 s timeout, sampled every 0.25 s
                    samples.append(_online(floor)[code])
                    threading.Event().wait(0.25)
                assert all(samples), "a heartbeating station was swept offline"
                a.kill_hard()
                assert wait_for(lambda: _online(floor)[code] is False, timeout=20), \
                    "the killed process's station is still online"
            finally:
                beating.set()
                client.disconnect()


def test_a_station_rekeyed_from_the_cli_loses_its_idle_socket_without_redis(sqlite_template, tmp_path):
    """One `serve` process, no Redis: the CLI (another process) re-keys a station that sends
    nothing; the server's sweep closes the station's socket (before: open until its next event)."""
    import shutil
    import subprocess
    import sys

    database = tmp_path / "colis.sqlite"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    with seeding_floor(url) as floor, floor.uow() as uow:
        token = add_station(uow, "PICK-01", "pick")[1]
        uow.commit()
    env = cluster_env(url, tmp_path)
    env.pop("COLIS_REDIS_URL")
    env["COLIS_PRESENCE_SWEEP_SECONDS"] = "0.3"
    with running_servers(["solo"], env, tmp_path) as servers:
        with logs_on_failure(servers["solo"]):
            gone = threading.Event()
            client = socketio.Client(reconnection=False)
            client.on("disconnect", lambda *reason: gone.set(), namespace="/station")
            client.connect(servers["solo"].url, auth={"station": "PICK-01", "token": token},
                           namespaces=["/station"], transports=["websocket"], wait_timeout=5)
            try:
                assert not gone.wait(1.0), "the socket closed before any re-key"
                rekey = subprocess.run([sys.executable, "-c", "import sys; from server.cli import main; main(sys.argv[1:])",
                                        "rekey-station", "PICK-01"], env=env, capture_output=True, text=True,
                                       timeout=60)
                assert rekey.returncode == 0, rekey.stderr
                assert gone.wait(10), "the re-keyed station's idle socket is still open"
            finally:
                client.disconnect()
