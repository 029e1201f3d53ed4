"""Many stations at once on the production server: scan latency under load against an echo floor.

N station clients (python-socketio over WebSocket, as the real station) each send one scan a
second for ``--seconds`` to one ``colis-server serve`` process (gunicorn, one gevent worker);
then the same N clients call an echo handler at the same pace on the same server (the floor:
transport, framework and this machine's load, without the work). Every scan is a real pick:
dedupe, meaning, verification, a stock UPDATE, the audit row, commit, reply. Afterwards the
database is checked: every acknowledged scan recorded exactly once.

    python bench/bench_load.py --stations 50 --seconds 60 [--postgres postgresql+psycopg://127.0.0.1/test]

Prints figures; asserts nothing (issue 13's target: scan p99 within 1.3x the echo's p99).
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import tempfile
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
import socketio
from sqlalchemy import create_engine, func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_scan import percentile, temporary_database  # noqa: E402
from labels import make_gtin13  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.models import Address, Bin, Customer, Order, OrderLine, Product, ScanEvent, Stock  # noqa: E402
from server.services.allocation import allocate_order  # noqa: E402
from server.services.stations import register_station  # noqa: E402
from wire.contract import HEARTBEAT_SECONDS  # noqa: E402

HERE = Path(__file__).resolve().parent
ACK_TIMEOUT = 5.0


def seed(url: str, stations: int, units: int) -> dict[str, str]:
    """One pick station per order, each order one product in its own bin (no shared hot row)."""
    from datetime import datetime, timezone

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    floor, tokens = app.extensions["colis"], {}
    with floor.uow() as uow:
        s = uow.session
        customer = Customer(email="b@exemple.fr", name="Bench")
        s.add(customer)
        s.flush()
        address = Address(customer_id=customer.id, name="Bench", line1="1 rue", postal_code="69001",
                          city="Lyon", country="FR")
        s.add(address)
        s.flush()
        for n in range(stations):
            product = Product(sku=f"SKU-L{n}", gtin=make_gtin13(f"3761235{n:05d}"), name=f"Item {n}",
                              weight_g=100, price_cents=100)
            bin_ = Bin(code=f"A-{n // 40 + 1:02d}-{n % 40 + 1:02d}-1", zone="A", aisle=n // 40 + 1,
                       bay=n % 40 + 1, level=1)
            s.add_all([product, bin_])
            s.flush()
            s.add(Stock(product_id=product.id, bin_id=bin_.id, on_hand=units, reserved=0))
            order = Order(channel="web", external_id=f"LOAD-{n}", customer_id=customer.id,
                          ship_address_id=address.id, promised_ship_by=datetime.now(timezone.utc))
            order.lines.append(OrderLine(product_id=product.id, quantity=units, unit_price_cents=100))
            s.add(order)
            s.flush()
            allocate_order(uow, order.id)
            code = f"PICK-L{n:03d}"
            tokens[code] = register_station(uow, code, "pick")[1]
        uow.commit()
    floor.close()
    return tokens


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Station:
    """One station client: its own connection, one scan (or echo) a second."""

    def __init__(self, url: str, code: str, token: str):
        self.client = socketio.Client(reconnection=False)
        self.client.connect(url, namespaces=["/station", "/echo"], auth={"station": code, "token": token},
                            transports=["websocket"], wait_timeout=10)
        screen = self.client.call("request_task", {}, namespace="/station", timeout=10)
        self.gtin = screen["task"]["next"]["gtin"]
        self.latencies: list[float] = []
        self.acked: list[str] = []
        self.unanswered = 0
        self.next_heartbeat = time.monotonic() + random.random() * HEARTBEAT_SECONDS

    def run(self, kind: str, until: float, interval: float = 1.0) -> None:
        """One call every ``interval`` seconds until ``until``, one in flight at a time (as a station:
        the next scan leaves after the ack); a station that falls behind sends back to back."""
        time.sleep(random.random() * interval)  # spread the stations over the interval
        next_at = time.monotonic()
        while next_at < until:
            self.heartbeat_if_due()
            scan_id = str(uuid.uuid4())
            start = time.perf_counter()
            try:
                if kind == "scan":
                    reply = self.client.call("scan", {"uuid": scan_id, "raw": self.gtin, "symbology": "]E0"},
                                             namespace="/station", timeout=ACK_TIMEOUT)
                    if "error" not in reply:
                        self.acked.append(scan_id)
                    else:
                        self.unanswered += 1
                else:
                    self.client.call("echo", {"raw": self.gtin}, namespace="/echo", timeout=ACK_TIMEOUT)
                self.latencies.append((time.perf_counter() - start) * 1000)
            except socketio.exceptions.TimeoutError:
                self.unanswered += 1
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))


    def heartbeat_if_due(self) -> None:
        """As station/core.py: a heartbeat every HEARTBEAT_SECONDS between scans (it renews leases
        and keeps the station online: the presence sweep marks a silent one offline at 45 s)."""
        if time.monotonic() < self.next_heartbeat:
            return
        self.next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
        try:
            self.client.call("heartbeat", {"outbox": 0, "scanner": "connected"}, namespace="/station",
                             timeout=ACK_TIMEOUT)
        except socketio.exceptions.TimeoutError:
            self.unanswered += 1


def connect_stations(url: str, tokens: dict[str, str], parallel: int = 1) -> list[Station]:
    """One connected Station per (code, token), each holding its pick task."""
    if parallel <= 1:
        return [Station(url, code, token) for code, token in tokens.items()]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda item: Station(url, *item), tokens.items()))


def phase(stations: list[Station], kind: str, seconds: float,
          interval: float = 1.0) -> tuple[list[float], int, int]:
    for station in stations:
        station.latencies, station.unanswered = [], 0
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=s.run, args=(kind, until, interval), daemon=True) for s in stations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    samples = [ms for s in stations for ms in s.latencies]
    return samples, len(samples), sum(s.unanswered for s in stations)


def wait_healthy(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 20
    while server.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the server did not start (see its log above)")


def worker_pid(pid: int) -> str:
    """The gunicorn worker that answers the stations: the master's child that is not its
    background-job worker (`colis-server worker --beside-serve`, server/production.py)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    answering = [child for child in children
                 if b"--beside-serve" not in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")]
    return answering[0] if answering else str(pid)


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the gunicorn worker (the process that does the work)."""
    fields = Path(f"/proc/{worker_pid(pid)}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{worker_pid(pid)}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None)
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        run(url, args.stations, args.seconds)


def server_env(url: str, **settings: str) -> dict[str, str]:
    """The environment of a benchmark server process on database ``url`` (COLIS_* ``settings`` added)."""
    return {**os.environ, "COLIS_DATABASE_URL": url, "COLIS_SECRET_KEY": uuid.uuid4().hex * 2,
            "COLIS_INSTANCE_PATH": tempfile.mkdtemp(prefix="colis-load-"), "PYTHONPATH": str(HERE.parent),
            **settings}


def start_server(env: dict[str, str], port: int | None = None) -> tuple[subprocess.Popen, int]:
    """``load_server.py`` (colis-server serve plus the /echo namespace) on ``port``, healthy."""
    port = port or free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "load_server.py"), "--port", str(port)], env=env,
                              stdin=subprocess.DEVNULL)
    try:
        wait_healthy(server, port)
    except BaseException:
        stop_server(server)
        raise
    return server, port


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        server.wait(15)


def recorded_once(url: str, acked: list[str]) -> tuple[int, int]:
    """(how many of the first 30,000 acknowledged scans have their row, how many rows in all).
    scan_events.uuid is unique: a row each is "recorded once"."""
    engine = create_engine(url)
    with engine.connect() as connection:
        recorded = connection.scalar(select(func.count()).select_from(ScanEvent)
                                     .where(ScanEvent.uuid.in_(acked[:30000])))
        rows = connection.scalar(select(func.count()).select_from(ScanEvent))
    engine.dispose()
    return recorded, rows


def run(url: str, count: int, seconds: float) -> None:
    migrate.upgrade(url)
    tokens = seed(url, count, int(seconds) + 30)
    server, port = start_server(server_env(url))
    try:
        stations = connect_stations(f"http://127.0.0.1:{port}", tokens)
        rss_start, cpu_start, started = server_rss_mb(server.pid), server_cpu_seconds(server.pid), time.monotonic()
        scans, answered, missed = phase(stations, "scan", seconds)
        cpu = server_cpu_seconds(server.pid) - cpu_start
        elapsed, rss_end = time.monotonic() - started, server_rss_mb(server.pid)
        echoes, _, echo_missed = phase(stations, "echo", seconds)
        for station in stations:
            station.client.disconnect()
    finally:
        stop_server(server)
    acked = [scan_id for station in stations for scan_id in station.acked]
    recorded, rows = recorded_once(url, acked)
    sent = answered + missed
    print(f"database: {url.split(':', 1)[0]}; {count} stations x 1 scan/s for {seconds:g} s; "
          f"colis-server serve (gunicorn, 1 gevent worker)")
    print(f"  scans sent {sent}, acknowledged {len(acked)} ({100 * len(acked) / max(sent, 1):.1f} %), "
          f"recorded {rows} rows, acknowledged and recorded once {recorded}/{min(len(acked), 30000)}")
    for name, samples in (("echo (floor)", echoes), ("scan", scans)):
        print(f"  {name:13} p50 {statistics.median(samples):7.2f} ms   p99 {percentile(samples, 99):7.2f} ms"
              f"   ({len(samples)} calls)")
    print(f"  echo unanswered {echo_missed}; scan phase {elapsed:.1f} s, {answered / elapsed:.0f} scans/s")
    print(f"  server worker CPU: {1000 * cpu / max(answered, 1):.2f} ms per scan, "
          f"{100 * cpu / elapsed:.0f} % of one core during the scan phase")
    print(f"  scan p99 / echo p99: {percentile(scans, 99) / percentile(echoes, 99):.2f}x (target 1.3x); "
          f"server memory {rss_start:.0f} MB -> {rss_end:.0f} MB")


if __name__ == "__main__":
    main()
