"""Scale-out: two real server processes share PostgreSQL and use Redis as Flask-SocketIO's queue.

DESIGN.md ("Scale"): an event raised in one process must reach every dashboard connected to
any process. Each server here is the production server (``colis-server serve --port N``:
gunicorn, one gevent worker) in its own OS process, with
the same COLIS_SECRET_KEY (a session cookie signed by one is valid on the other) and a
pub/sub channel of its own (COLIS_SOCKETIO_CHANNEL) so parallel runs on one Redis never
hear each other.
"""
from __future__ import annotations

import uuid

import pytest
import socketio

from server.services.allocation import allocate_order
from tests.conftest import empty_tables
from tests.factories import add_item, add_order, add_station, add_user
from tests.processes import (cluster_env, cookie_header, csrf, dashboard, disconnect_all, login,
                             logs_on_failure, require_redis, running_servers, seeding_floor, wait_for)

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):
    require_redis()
    empty_tables(postgres_url)
    with seeding_floor(postgres_url) as floor, floor.uow() as uow:
        lamp = add_item(uow, "Lampe Émeraude", on_hand=4)
        order = add_order(uow, [(lamp, 2)])
        allocate_order(uow, order.id)
        station_code = f"PICK-{uuid.uuid4().hex[:6].upper()}"
        _, token = add_station(uow, station_code, "pick")
        username = f"sup-{uuid.uuid4().hex[:6]}"
        add_user(uow, username, "supervisor", password=PASSWORD)
        uow.commit()

    tmp = tmp_path_factory.mktemp("scaleout")
    with running_servers("AB", cluster_env(postgres_url, tmp), tmp) as servers:
        yield {"servers": servers, "station": station_code, "token": token, "gtin": lamp.gtin,
               "username": username}


def _show_logs_on_failure(cluster):
    return logs_on_failure(*cluster["servers"].values())


def _login(base_url: str, username: str):
    return login(base_url, username, PASSWORD)


def test_a_scan_on_process_a_reaches_a_dashboard_on_process_b(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    with _show_logs_on_failure(cluster):
        board, seen, _ = dashboard(b.url, cookie_header(_login(b.url, cluster["username"])))
        station = socketio.Client(reconnection=False)
        try:
            station.connect(a.url, namespaces=["/station"], transports=["websocket"], wait_timeout=5,
                            auth={"station": cluster["station"], "token": cluster["token"]})
            screen = station.call("request_task", {}, namespace="/station", timeout=5)
            assert screen["state"] == "pick", screen
            reply = station.call("scan", {"uuid": str(uuid.uuid4()), "raw": cluster["gtin"]},
                                 namespace="/station", timeout=5)
            assert reply["message"]["level"] == "ok", reply

            def scan_seen():
                return any(e["type"] == "scan_recorded" and e.get("station") == cluster["station"]
                           for e in seen)

            assert wait_for(scan_seen, 5), f"dashboard on B never saw the scan made on A: {seen}"
        finally:
            disconnect_all(station, board)


def test_logging_out_on_process_b_disconnects_a_dashboard_socket_held_on_process_a(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    with _show_logs_on_failure(cluster):
        web = _login(b.url, cluster["username"])
        cookie = cookie_header(web)
        on_b, _, gone_b = dashboard(b.url, cookie)
        on_a, _, gone_a = dashboard(a.url, cookie)
        try:
            page = web.get(f"{b.url}/dashboard", timeout=5)
            assert page.status_code == 200
            out = web.post(f"{b.url}/logout", data={"csrf_token": csrf(page)}, allow_redirects=False,
                           timeout=5)
            assert out.status_code == 302, f"logout on B: {out.status_code}"

            # Same process: logging out closes the socket (the control).
            assert gone_b.wait(3), "logout on B did not even disconnect the dashboard socket on B"
            # The bumped session version is in PostgreSQL: the old cookie is refused on A too.
            # (Polling: a refused WebSocket would wait 3 s for the dev server's close frame.)
            with pytest.raises(socketio.exceptions.ConnectionError):
                dashboard(a.url, cookie, transports=["polling"])
            # Across processes: the socket already open on A must be closed as well (the queue
            # takes milliseconds; 2 s is generous).
            assert gone_a.wait(2), "the dashboard socket on A survived a logout on B"
        finally:
            disconnect_all(on_a, on_b)
