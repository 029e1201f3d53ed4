"""``colis-server serve``: the production server (gunicorn, one gevent worker) as a floor runs it,
on SQLite and PostgreSQL: a station connects over WebSocket, takes a task, scans, and the
process stops cleanly on SIGTERM (systemd's stop)."""
from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from pathlib import Path

import requests
import socketio
from sqlalchemy import select

from server import migrate
from server.domain.intake import sign
from server.models import ChannelOrder, ScanEvent
from server.services.allocation import allocate_order
from server.services.intake.integrations import create_integration
from tests.factories import add_item, add_order, add_station
from tests.processes import ServerProcess, wait_for

SHOPIFY_SAMPLE = (Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "shopify_order.json").read_bytes()


def test_the_production_server_serves_a_station_and_stops_cleanly(floor, database_url, tmp_path):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=3)
        allocate_order(uow, add_order(uow, [(lamp, 1)]).id)
        _, token = add_station(uow, "PICK-05", "pick")
        uow.commit()
    server = ServerProcess("serve", serve_env(database_url, tmp_path), tmp_path)
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


def serve_env(database_url: str, tmp_path) -> dict:
    """A floor's one `serve` without Redis: jobs on the instance folder's queue file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLIS_")}
    env.update({"COLIS_DATABASE_URL": database_url, "COLIS_INSTANCE_PATH": str(tmp_path / "instance"),
                "COLIS_SECRET_KEY": uuid.uuid4().hex * 2, "PYTHONUNBUFFERED": "1"})
    return env


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def job_worker_of(server: ServerProcess) -> int:
    workers = [pid for pid in children(server.proc.pid) if "--beside-serve" in cmdline(pid).split()]
    assert len(workers) == 1, f"one `colis-server worker` child expected\n{server.output()}"
    return workers[0]


def gone(pid: int) -> bool:
    """Exited and reaped, or a zombie waiting for a parent that is itself gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_serve_runs_background_jobs_in_a_worker_process_of_its_own(floor, database_url, tmp_path):
    """Without Redis, `serve` is still one command: it starts one `colis-server worker` on the
    queue file, so no job ever runs on the gevent hub that answers the stations' scans (a job
    there held every scan: bench_load 50 stations p99 324 ms against 16 ms). A Shopify webhook
    answered by the server is applied by that worker; SIGTERM stops both."""
    with floor.uow() as uow:
        create_integration(uow, "boutique", "shopify", webhook_secret="s" * 32)
        uow.commit()
    server = ServerProcess("serve", serve_env(database_url, tmp_path), tmp_path)
    try:
        server.wait_healthy(time.monotonic() + 15)
        worker = job_worker_of(server)
        answer = requests.post(f"{server.url}/api/v1/webhooks/shopify/boutique", data=SHOPIFY_SAMPLE, timeout=5,
                               headers={"Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
                                        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
                                        "X-Shopify-Hmac-Sha256": sign("s" * 32, SHOPIFY_SAMPLE)})
        assert answer.status_code == 200, answer.text

        def applied():
            with floor.session_factory() as session:
                return session.scalar(select(ChannelOrder.id).limit(1)) is not None
        assert wait_for(applied, timeout=20), f"the webhook was never applied\n{server.output()}"
    finally:
        server.stop()
    assert server.proc.returncode == 0, server.output()
    assert wait_for(lambda: gone(worker), timeout=5), "the job worker outlived `serve`"


def test_a_job_worker_does_not_outlive_a_serve_killed_hard(tmp_path):
    """`kill -9` of serve's master alone (the OOM killer picks one process): its job worker
    stops too (Linux parent-death signal), so a restarted serve never finds two workers."""
    url = f"sqlite:///{tmp_path / 'floor.sqlite'}"
    migrate.upgrade(url)
    server = ServerProcess("serve", serve_env(url, tmp_path), tmp_path)
    try:
        server.wait_healthy(time.monotonic() + 15)
        worker = job_worker_of(server)
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(5)
        assert wait_for(lambda: gone(worker), timeout=10), f"job worker {worker} still running\n{server.output()}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)  # gunicorn's orphaned worker, if still there
