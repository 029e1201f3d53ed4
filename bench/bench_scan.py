"""Scan round trip through the real server, against a floor measured in the same run.

floor: a Socket.IO call to an echo handler on the same server (transport + framework cost),
       and a bare durable commit (one row inserted and committed, same engine settings).
scan:  the ``scan`` call of a pick station: validation, dedupe, meaning, verification,
       audit row, commit, broadcast, reply.
Prints p50/p99 of each and the ratio; the server's share of the 100 ms "instant" budget is
what the ratio adds on top of the floor. No assertion: figures are for people to read.

    python bench/bench_scan.py [--scans 500] [--postgres postgresql+psycopg://127.0.0.1/test]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import socketio
from flask_socketio import Namespace
from sqlalchemy import create_engine, text

from labels import make_gtin13
from server import create_app, migrate
from server.devserver import serve_in_thread
from server.extensions import socketio as server_socketio
from server.models import Address, Bin, Customer, Order, OrderLine, Product, Stock
from server.services.allocation import allocate_order
from server.services.stations import register_station


class Echo(Namespace):
    def on_echo(self, data):
        return data


def seed(floor, units: int) -> tuple[str, str]:
    from datetime import datetime, timezone

    with floor.uow() as uow:
        s = uow.session
        product = Product(sku="SKU-BENCH", gtin=make_gtin13("376123499999"), name="Bench", weight_g=100,
                          price_cents=100)
        bin_ = Bin(code="A-01-01-1", zone="A", aisle=1, bay=1, level=1)
        customer = Customer(email="b@exemple.fr", name="Bench")
        s.add_all([product, bin_, customer])
        s.flush()
        s.add(Stock(product_id=product.id, bin_id=bin_.id, on_hand=units, reserved=0))
        address = Address(customer_id=customer.id, name="Bench", line1="1 rue", postal_code="69001",
                          city="Lyon", country="FR")
        s.add(address)
        s.flush()
        order = Order(channel="web", external_id="BENCH-1", customer_id=customer.id, ship_address_id=address.id,
                      promised_ship_by=datetime.now(timezone.utc))
        order.lines.append(OrderLine(product_id=product.id, quantity=units, unit_price_cents=100))
        s.add(order)
        s.flush()
        allocate_order(uow, order.id)
        _, token = register_station(uow, "PICK-B", "pick")
        uow.commit()
    return product.gtin, token


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def measure(call, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=500)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None,
                        help="run on a temporary PostgreSQL database created (and dropped) through this URL, "
                             "e.g. postgresql+psycopg://127.0.0.1/test; default: a temporary SQLite file")
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        run(url, args.scans)


@contextmanager
def temporary_database(admin_url: str | None):
    if admin_url is None:
        yield f"sqlite:///{Path(tempfile.mkdtemp(prefix='colis-bench-')) / 'bench.sqlite'}"
        return
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"colis_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def measure_bare_commit(url: str, count: int) -> list[float]:
    """One one-row INSERT + COMMIT per sample, with the server's own engine settings (WAL and
    BEGIN IMMEDIATE on SQLite): the least a durable scan can cost on this database."""
    from server.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, v VARCHAR(40))"))
    insert = text("INSERT INTO bench_commit (id, v) VALUES (:id, :v)")

    def commit_one(counter=iter(range(1, 10**9))):
        with engine.begin() as connection:
            connection.execute(insert, {"id": next(counter), "v": str(uuid.uuid4())})

    samples = measure(commit_one, count)
    engine.dispose()
    return samples


def run(url: str, count: int) -> None:
    migrate.upgrade(url)
    # One station's scans back to back, each after the last one's ack, to time the scan itself: far
    # above the 20 a second a station may send on a floor (issue 10's bucket would answer busy).
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "STATION_EVENT_RATE": 0})
    server_socketio.on_namespace(Echo("/echo"))
    gtin, token = seed(app.extensions["colis"], count + 10)
    running = serve_in_thread(app)
    client = socketio.Client()
    client.connect(running.url, namespaces=["/station", "/echo"], auth={"station": "PICK-B", "token": token},
                   transports=["websocket"])
    client.call("request_task", {}, namespace="/station", timeout=5)
    payload = {"raw": gtin, "symbology": "]E0"}
    floor = measure(lambda: client.call("echo", payload, namespace="/echo", timeout=5), count)
    scans = measure(lambda: client.call("scan", {**payload, "uuid": str(uuid.uuid4())}, namespace="/station",
                                        timeout=5), count)
    commits = measure_bare_commit(url, count)
    replay_id = str(uuid.uuid4())
    client.call("scan", {**payload, "uuid": replay_id}, namespace="/station", timeout=5)
    replays = measure(lambda: client.call("scan", {**payload, "uuid": replay_id}, namespace="/station",
                                          timeout=5), min(200, count))
    client.disconnect()
    running.stop()
    app.extensions["colis"].close()
    backend = url.split(":", 1)[0]
    print(f"database: {backend}; {count} calls each; threading mode, WebSocket, one client")
    for name, samples in (("floor (echo)", floor), ("bare commit", commits), ("scan", scans),
                          ("replayed scan", replays)):
        print(f"  {name:14} p50 {statistics.median(samples):6.2f} ms   p99 {percentile(samples, 99):6.2f} ms")
    print(f"  scan / floor (p50): {statistics.median(scans) / statistics.median(floor):.1f}x; "
          f"server share of a scan ≈ {statistics.median(scans) - statistics.median(floor):.2f} ms")
    both = statistics.median(floor) + statistics.median(commits)
    print(f"  scan / (echo + bare commit) (p50): {statistics.median(scans) / both:.1f}x (issue 13's target: 1.5x)")


if __name__ == "__main__":
    main()
