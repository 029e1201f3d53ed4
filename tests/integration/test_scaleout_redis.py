"""Scale-out: two real server processes share PostgreSQL and use Redis as Flask-SocketIO's queue.

DESIGN.md ("Scale"): an event raised in one process must reach every dashboard connected to
any process. Each server here is the production server (``colis-server serve --port N``:
gunicorn, one gevent worker) in its own OS process, with
the same COLIS_SECRET_KEY (a session cookie signed by one is valid on the other) and a
pub/sub channel of its own (COLIS_SOCKETIO_CHANNEL) so parallel runs on one Redis never
hear each other.
"""
from __future__ import annotations

import os
import re
import threading
import time
import uuid

import pytest
import requests
import socketio

from server.services.allocation import allocate_order
from tests.conftest import empty_tables, require
from tests.factories import add_item, add_order, add_station, add_user
from tests.processes import ServerProcess

pytestmark = pytest.mark.postgres

REDIS_URL = os.environ.get("COLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"




@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        require(False, f"Redis unreachable at {REDIS_URL}: {exc.__class__.__name__}")

    empty_tables(postgres_url)
    from server import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "SECRET_KEY": "seed-only"})
    floor = app.extensions["colis"]
    try:
        with floor.uow() as uow:
            lamp = add_item(uow, "Lampe Émeraude", on_hand=4)
            order = add_order(uow, [(lamp, 2)])
            allocate_order(uow, order.id)
            station_code = f"PICK-{uuid.uuid4().hex[:6].upper()}"
            _, token = add_station(uow, station_code, "pick")
            username = f"sup-{uuid.uuid4().hex[:6]}"
            add_user(uow, username, "supervisor", password=PASSWORD)
            uow.commit()
    finally:
        floor.close()

    tmp = tmp_path_factory.mktemp("scaleout")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLIS_")}
    env.update({
        "COLIS_DATABASE_URL": postgres_url,
        "COLIS_REDIS_URL": REDIS_URL,
        "COLIS_SOCKETIO_CHANNEL": f"colis-test-{uuid.uuid4().hex}",
        "COLIS_SECRET_KEY": f"test-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "COLIS_INSTANCE_PATH": str(tmp / "instance"),
        "PYTHONUNBUFFERED": "1",
    })
    servers = {"A": ServerProcess("A", env, tmp), "B": ServerProcess("B", env, tmp)}
    try:
        deadline = time.monotonic() + 10
        for server in servers.values():
            server.wait_healthy(deadline)
        yield {"servers": servers, "station": station_code, "token": token, "gtin": lamp.gtin,
               "username": username}
    finally:
        for server in servers.values():
            server.stop()


def _show_logs_on_failure(cluster):
    """Context: on any error, print both servers' output (pytest shows it with the failure)."""
    class _Ctx:
        def __enter__(self):
            return self

        def __exit__(self, kind, exc, tb):
            if kind is not None:
                for server in cluster["servers"].values():
                    print(f"----- server {server.name} ({server.url}) -----\n{server.output()}")
            return False

    return _Ctx()


def _csrf(page: requests.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no csrf_token in {page.url}"
    return found.group(1)


def _login(base_url: str, username: str) -> requests.Session:
    web = requests.Session()
    form = web.get(f"{base_url}/login", timeout=5)
    answer = web.post(f"{base_url}/login", allow_redirects=False, timeout=5,
                      data={"username": username, "password": PASSWORD, "csrf_token": _csrf(form)})
    assert answer.status_code == 302, f"login on {base_url}: {answer.status_code}"
    return web


def _cookie(web: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in web.cookies)


def _dashboard(server_url: str, cookie: str, transport: str = "websocket"):
    events: list[dict] = []
    gone = threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("floor_update", lambda update: events.extend(update["events"]), namespace="/dashboard")
    client.on("disconnect", lambda *reason: gone.set(), namespace="/dashboard")
    client.connect(server_url, namespaces=["/dashboard"], headers={"Cookie": cookie},
                   transports=[transport], wait_timeout=5)
    return client, events, gone


def _disconnect_all(*clients: socketio.Client) -> None:
    """In parallel: each WebSocket close waits up to 3 s for the dev server's close frame."""
    closers = [threading.Thread(target=client.disconnect) for client in clients]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join(timeout=10)


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_scan_on_process_a_reaches_a_dashboard_on_process_b(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    with _show_logs_on_failure(cluster):
        dashboard, seen, _ = _dashboard(b.url, _cookie(_login(b.url, cluster["username"])))
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

            assert _wait_for(scan_seen, 5), f"dashboard on B never saw the scan made on A: {seen}"
        finally:
            _disconnect_all(station, dashboard)


def test_logging_out_on_process_b_disconnects_a_dashboard_socket_held_on_process_a(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    with _show_logs_on_failure(cluster):
        web = _login(b.url, cluster["username"])
        cookie = _cookie(web)
        on_b, _, gone_b = _dashboard(b.url, cookie)
        on_a, _, gone_a = _dashboard(a.url, cookie)
        try:
            page = web.get(f"{b.url}/dashboard", timeout=5)
            assert page.status_code == 200
            out = web.post(f"{b.url}/logout", data={"csrf_token": _csrf(page)}, allow_redirects=False,
                           timeout=5)
            assert out.status_code == 302, f"logout on B: {out.status_code}"

            # Same process: logging out closes the socket (the control).
            assert gone_b.wait(3), "logout on B did not even disconnect the dashboard socket on B"
            # The bumped session version is in PostgreSQL: the old cookie is refused on A too.
            # (Polling: a refused WebSocket would wait 3 s for the dev server's close frame.)
            with pytest.raises(socketio.exceptions.ConnectionError):
                _dashboard(a.url, cookie, transport="polling")
            # Across processes: the socket already open on A must be closed as well (the queue
            # takes milliseconds; 2 s is generous).
            assert gone_a.wait(2), "the dashboard socket on A survived a logout on B"
        finally:
            _disconnect_all(on_a, on_b)
