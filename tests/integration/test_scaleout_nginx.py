"""Two server processes behind nginx, as a floor runs them, and one of them killed with ``kill -9``.

nginx (Debian's, started here with its own prefix, never the system service) serves
deploy/nginx/colis.conf, the config docs/deployment.md documents, in front of two
``colis-server serve`` processes sharing PostgreSQL and Redis. A real station (StationCore,
ServerLink, its SQLite outbox) is placed on each process through the ``colis_node`` query
argument of its server_url; a supervisor's dashboard long-polls through nginx (so every poll
must reach the process holding its Engine.IO session) and sees both stations' scans. Then
process A is killed, master and worker, with SIGKILL: its station reconnects by itself, through
nginx, to process B within seconds, keeps its task (the station's session is in PostgreSQL),
and its scans, one of them read while it was cut off, are acknowledged and recorded once.
nginx's access log says which process served each connection.
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select

from server.models import ScanEvent, Station
from server.services.allocation import allocate_order
from station.core import StationCore
from station.drivers import MemoryPrinter
from station.link import ServerLink
from station.outbox import Outbox
from tests.conftest import empty_tables, require
from tests.factories import add_item, add_order, add_station, add_user
from tests.processes import (NGINX_SITE, REPO, NginxProcess, cluster_env, dashboard,
                             disconnect_all, login, logs_on_failure, nginx_binary, require_redis,
                             running_servers, seeding_floor, wait_for)

PASSWORD = "correct horse battery"
UNITS = 3  # each station's task: one line of 3 units
FAILOVER_WITHIN = 10.0  # seconds from kill -9 to the moved station's scan acknowledged (issue 13)


def test_the_documented_nginx_config_is_the_one_tested():
    documented = (REPO / "docs" / "deployment.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", documented, flags=re.DOTALL)
    assert NGINX_SITE.read_text() in blocks, (
        "docs/deployment.md must show deploy/nginx/colis.conf verbatim in an ```nginx block")


@pytest.fixture
def proxied(postgres_url, tmp_path):
    binary = nginx_binary()
    require(binary is not None, "nginx is not installed (Debian: apt-get install nginx; .ci/run does)")
    require_redis()
    empty_tables(postgres_url)
    tokens = {}
    with seeding_floor(postgres_url) as floor, floor.uow() as uow:
        for code in ("PICK-A1", "PICK-B1"):
            item = add_item(uow, f"Lampe {code}", on_hand=UNITS)
            allocate_order(uow, add_order(uow, [(item, UNITS)]).id)
            tokens[code] = add_station(uow, code, "pick", locale="en")[1]
        username = f"sup-{uuid.uuid4().hex[:6]}"
        add_user(uow, username, "supervisor", password=PASSWORD)
        uow.commit()
    with running_servers("AB", cluster_env(postgres_url, tmp_path), tmp_path) as servers:
        nginx = NginxProcess(binary, tmp_path, [server.port for server in servers.values()])
        try:
            with logs_on_failure(nginx):
                nginx.wait_ready(time.monotonic() + 5)
            yield {"servers": servers, "nginx": nginx, "tokens": tokens, "username": username,
                   "database": postgres_url, "tmp": tmp_path}
        finally:
            nginx.stop()


def _upstream_of(nginx: NginxProcess, key: str) -> str:
    """Which process nginx sends ``colis_node=key`` to (read from its access log)."""
    probe = uuid.uuid4().hex
    assert requests.get(f"{nginx.url}/api/v1/health", params={"colis_node": key, "probe": probe},
                        timeout=5).ok

    def logged():
        return [entry for entry in nginx.requests_logged() if probe in entry["request"]]

    assert wait_for(logged, 5), f"probe {probe} never reached the access log"
    return logged()[0]["upstream"]


def _keys_for(nginx: NginxProcess, addresses: list[str]) -> dict[str, str]:
    """A ``colis_node`` key that hashes to each of ``addresses``."""
    found: dict[str, str] = {}
    for n in range(64):
        upstream = _upstream_of(nginx, f"node-{n}")
        found.setdefault(upstream, f"node-{n}")
        if all(address in found for address in addresses):
            return {address: found[address] for address in addresses}
    raise AssertionError(f"64 keys never reached every process: {found}")


class FloorStation:
    """The station program's core and link (as colis-station builds them), a memory printer."""

    def __init__(self, server_url: str, code: str, token: str, tmp: Path):
        self.code = code
        self.outbox = Outbox(str(tmp / f"outbox-{code}.sqlite"))
        self.link = ServerLink(server_url, code, token)
        self.core = StationCore(self.link, MemoryPrinter(), self.outbox, station_code=code, locale="en")
        self.core.start()
        self.drops = 0
        on_disconnected = self.link.on_disconnected  # the core's handler, set by start()

        def count_drop():
            self.drops += 1
            on_disconnected()

        self.link.on_disconnected = count_drop

    def screen(self) -> dict:
        return self.core.screen()

    def scan(self) -> str:
        """Scan the unit the screen asks for; returns the scan's uuid (it is in the outbox now)."""
        return self.core.submit_typed(self.screen()["task"]["next"]["gtin"]).uuid

    def acknowledged(self, scan_uuid: str) -> bool:
        return all(waiting.uuid != scan_uuid for waiting in self.outbox.pending())

    def stop(self) -> None:
        self.core.stop()
        self.outbox.close()


def _websockets_of(nginx: NginxProcess, key: str) -> list[dict]:
    return [entry for entry in nginx.requests_logged()
            if f"colis_node={key}&" in entry["request"] and "transport=websocket" in entry["request"]]


@pytest.mark.postgres
def test_a_station_on_a_killed_process_carries_on_through_nginx_on_the_other(proxied):
    servers, nginx = proxied["servers"], proxied["nginx"]
    with logs_on_failure(nginx, *servers.values()):
        _carry_on_through_a_kill(proxied)


def _carry_on_through_a_kill(proxied):
    servers, nginx = proxied["servers"], proxied["nginx"]
    address = {name: f"127.0.0.1:{server.port}" for name, server in servers.items()}
    keys = _keys_for(nginx, [address["A"], address["B"]])
    key = {"A": keys[address["A"]], "B": keys[address["B"]]}
    on = {"A": "PICK-A1", "B": "PICK-B1"}
    stations = {name: FloorStation(f"{nginx.url}/?colis_node={key[name]}", on[name], proxied["tokens"][on[name]],
                                   proxied["tmp"]) for name in "AB"}
    board = None
    try:
        for station in stations.values():
            assert wait_for(lambda: station.screen()["state"] == "pick", 10), station.screen()
        task_of_a = stations["A"].screen()["task"]["id"]

        # A supervisor signs in through nginx and opens the dashboard there, long-polling (the
        # transport that needs stickiness), on process B (its cookie's key hashes to B).
        web = requests.Session()
        web.cookies.set("colis_node", key["B"])
        login(nginx.url, proxied["username"], PASSWORD, web)
        board, seen, board_gone = dashboard(nginx.url, transports=["polling"], web=web)

        def seen_scans(code: str) -> int:
            return sum(1 for e in list(seen) if e["type"] == "scan_recorded" and e.get("station") == code)

        made = {name: [station.scan()] for name, station in stations.items()}
        for name, station in stations.items():
            assert wait_for(lambda: station.acknowledged(made[name][0]), 5), station.screen()
        assert wait_for(lambda: seen_scans(on["A"]) == 1 and seen_scans(on["B"]) == 1, 5), (
            f"the dashboard on B did not see both stations' scans: {seen}")

        # kill -9 process A. Its station's next scan is read at once, while it is cut off.
        killed_at = time.monotonic()
        servers["A"].kill_hard()
        made["A"].append(stations["A"].scan())
        assert wait_for(lambda: stations["A"].acknowledged(made["A"][-1]), FAILOVER_WITHIN, every=0.05), (
            f"station on A not back through nginx within {FAILOVER_WITHIN} s: {stations['A'].screen()}")
        failover = time.monotonic() - killed_at
        made["A"].append(stations["A"].scan())
        made["B"].append(stations["B"].scan())
        for name, station in stations.items():
            assert wait_for(lambda: station.acknowledged(made[name][-1]), 5), station.screen()

        # The station on A lost its socket and found B; the one on B never noticed anything.
        assert stations["A"].drops >= 1 and stations["B"].drops == 0, (stations["A"].drops, stations["B"].drops)
        # Its task survived the process: the third unit finished the task it had before the kill.
        assert stations["A"].screen()["message"]["code"] == "pick_done", stations["A"].screen()
        assert stations["A"].outbox.dead_count() == 0 and stations["B"].outbox.dead_count() == 0
        assert wait_for(lambda: seen_scans(on["A"]) == 3 and seen_scans(on["B"]) == 2, 5), (
            f"the dashboard on B did not see every scan: {seen}")
        assert not board_gone.is_set(), "the dashboard's long-polling session broke"
    finally:
        for station in stations.values():
            station.stop()  # closes the sockets: nginx logs each WebSocket as it ends
        if board is not None:
            disconnect_all(board)

    # PostgreSQL: every acknowledged scan recorded exactly once, on the task it was read for.
    engine = create_engine(proxied["database"])
    with engine.connect() as connection:
        rows = connection.execute(
            select(ScanEvent.uuid, Station.code, ScanEvent.task_id, ScanEvent.outcome)
            .join(Station, Station.id == ScanEvent.station_id).order_by(ScanEvent.id)).all()
        assert connection.scalar(select(func.count()).select_from(ScanEvent)) == len(rows)
    engine.dispose()
    assert sorted(row.uuid for row in rows) == sorted(made["A"] + made["B"]), rows
    of_a = [row for row in rows if row.code == on["A"]]
    assert [row.uuid for row in of_a] == made["A"] and {row.task_id for row in of_a} == {task_of_a}, of_a
    assert of_a[-1].outcome == "task_complete", of_a

    # nginx's access log: where each connection went.
    assert wait_for(lambda: len(_websockets_of(nginx, key["A"])) >= 2 and _websockets_of(nginx, key["B"]), 5), (
        nginx.requests_logged())
    first, *later = _websockets_of(nginx, key["A"])
    assert first["upstream"] == address["A"], first  # station A's first socket was on A ...
    assert later[-1]["upstream"].split(", ")[-1] == address["B"], later  # ... its last one on B
    assert {e["upstream"] for e in _websockets_of(nginx, key["B"])} == {address["B"]}
    assert not [e for e in nginx.requests_logged() if e["status"] in ("502", "504")], (
        "a client got an error from nginx: a dead process's requests must go to the living one")
    polls = [e for e in nginx.requests_logged() if e["node_key"] == key["B"] and "/socket.io/" in e["request"]
             and "transport=polling" in e["request"]]
    assert len(polls) >= 3 and {(e["upstream"], e["status"]) for e in polls} == {(address["B"], "200")}, polls
    print(f"kill -9 of process A -> its station's scan acknowledged through nginx on B in {failover:.2f} s")


def test_nginx_refuses_a_sign_in_burst_before_it_reaches_python(proxied):
    """30 sign-ins at once from one address: past the burst of 10, nginx answers 429 itself
    (limit_req in deploy/nginx/colis.conf), so the server never spends a scrypt on them; the
    sign-in page itself is not limited."""
    import threading

    nginx, statuses, lock = proxied["nginx"], [], threading.Lock()

    def guess() -> None:
        reply = requests.post(f"{nginx.url}/login", data={"username": "guess", "password": "wrong password"},
                              timeout=10)
        with lock:
            statuses.append((reply.status_code, "nginx" in reply.text))

    guesses = [threading.Thread(target=guess) for _ in range(30)]
    for thread in guesses:
        thread.start()
    for thread in guesses:
        thread.join(15)
    refused_by_nginx = [status for status, from_nginx in statuses if status == 429 and from_nginx]
    assert len(statuses) == 30
    assert len(refused_by_nginx) >= 30 - 11, statuses  # 1 at the rate plus a burst of 10 pass at most
    assert requests.get(f"{nginx.url}/login", timeout=5).status_code == 200
