"""Revocation and one-socket-a-station across processes (issue 10, findings 5 and 6): two real
``colis-server serve`` processes sharing PostgreSQL and Redis, and the CLI as a third process.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import uuid

import pytest
import socketio

from tests.conftest import empty_tables
from tests.factories import add_station, add_user
from tests.processes import (cluster_env, cookie_header, dashboard, disconnect_all, login, logs_on_failure,
                             require_redis, running_servers, seeding_floor)

pytestmark = pytest.mark.postgres
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):
    require_redis()
    empty_tables(postgres_url)
    codes = [f"PICK-{uuid.uuid4().hex[:6].upper()}" for _ in range(2)]
    with seeding_floor(postgres_url) as floor, floor.uow() as uow:
        tokens = {code: add_station(uow, code, "pick")[1] for code in codes}
        username = f"sup-{uuid.uuid4().hex[:6]}"
        add_user(uow, username, "supervisor", password=PASSWORD)
        uow.commit()
    tmp = tmp_path_factory.mktemp("security-cluster")
    env = cluster_env(postgres_url, tmp)
    with running_servers("AB", env, tmp) as servers:
        yield {"servers": servers, "env": env, "tokens": tokens, "username": username}


def _station(url: str, code: str, token: str):
    gone = threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("disconnect", lambda *reason: gone.set(), namespace="/station")
    client.connect(url, auth={"station": code, "token": token}, namespaces=["/station"], transports=["websocket"],
                   wait_timeout=5)
    return client, gone


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    colis_server = "import sys; from server.cli import main; main(sys.argv[1:])"  # what colis-server runs
    done = subprocess.run([sys.executable, "-c", colis_server, *args], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def test_the_same_station_on_another_process_replaces_the_first_socket(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    code, token = list(cluster["tokens"].items())[0]
    with logs_on_failure(a, b):
        older, older_gone = _station(a.url, code, token)
        newer, _ = _station(b.url, code, token)
        try:
            assert older_gone.wait(10), "the older socket on process A is still open"
            assert newer.call("hello", {}, namespace="/station", timeout=5)["station"]["code"] == code
        finally:
            disconnect_all(older, newer)


def test_a_rekey_from_the_cli_drops_the_stations_socket_on_its_process(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    code, token = list(cluster["tokens"].items())[1]
    with logs_on_failure(a, b):
        live, gone = _station(b.url, code, token)
        try:
            new_token = _cli(cluster["env"], "rekey-station", code).stdout.strip().splitlines()[-1]
            assert gone.wait(10), "the re-keyed station's socket is still open"
            again, _ = _station(a.url, code, new_token)
            assert again.call("hello", {}, namespace="/station", timeout=5)["station"]["code"] == code
            disconnect_all(again)
        finally:
            disconnect_all(live)


def test_deactivating_a_user_from_the_cli_ends_their_dashboards_on_every_process(cluster):
    a, b = cluster["servers"]["A"], cluster["servers"]["B"]
    with logs_on_failure(a, b):
        boards = [dashboard(server.url, cookie_header(login(server.url, cluster["username"], PASSWORD)))
                  for server in (a, b)]
        try:
            _cli(cluster["env"], "deactivate-user", cluster["username"])
            assert all(gone.wait(10) for _, _, gone in boards), "a dashboard outlived its user's deactivation"
        finally:
            disconnect_all(*(client for client, _, _ in boards))
