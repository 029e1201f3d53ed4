"""Many packing benches at once on the production server, through the whole pack flow (issue 12),
against an echo floor measured in the same run.

N pack station clients (python-socketio over WebSocket, as the real station) each sign in with a
packer's badge, then pack order after order, one input a second as a packer works: the order's
barcode, each unit, the box, the scale's weight, then the print results of the shipping label and
the packing slip. The server (one ``colis-server serve`` process: gunicorn, one gevent worker)
runs with box types, the weight check, packing slips and badges required, so every step does its
real work (take the task, count units, propose the box, check the weight, book the carrier, draw
the label and slip ZPL, record parcel contents, ship). Then the same N clients call an echo
handler at the same pace (the floor: transport, framework and this machine's load, without the
work). Afterwards the database is checked: every acknowledged scan recorded exactly once, every
order packed shipped.

    python bench/bench_pack_load.py --stations 10 --seconds 60 [--postgres postgresql+psycopg://127.0.0.1/test]

Prints figures per step and the ratios to the echo's; asserts nothing (issue 13's target for
scans: p99 within 1.3x the echo's p99).
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import socketio
from sqlalchemy import create_engine, func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_load import (ACK_TIMEOUT, server_cpu_seconds, server_env, start_server,  # noqa: E402
                              stop_server)
from bench.bench_scan import percentile, temporary_database  # noqa: E402
from labels import make_gtin13  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.models import (Address, Bin, Customer, Order, OrderLine, Package, Product, ScanEvent,  # noqa: E402
                           Station, Stock)
from server.services import badges, dispatch, scans  # noqa: E402
from server.services.allocation import allocate_order  # noqa: E402
from server.services.stations import register_station  # noqa: E402
from server.services.users import create_user  # noqa: E402

BOXES = "BOX-S:200x150x100:100:2000,BOX-M:400x300x200:250"
UNITS = ((0, 2), (1, 1))  # each order: 2 of its bench's first product, 1 of its second
CALLS_PER_ORDER = 8  # order, 3 units, box, weight, 2 print results
HEARTBEAT_SECONDS = 15.0  # wire.contract.HEARTBEAT_SECONDS: as a station
STEPS = ("order", "unit", "box", "weigh", "print")


def seed(url: str, stations: int, orders_each: int) -> list[dict]:
    """Per bench: a pack station, a packer with a badge, ``orders_each`` orders picked through the
    services (their pack tasks wait). Returns each bench's code, token, badge and orders."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    floor, benches = app.extensions["colis"], []
    with floor.uow() as uow:
        s = uow.session
        customer = Customer(email="p@exemple.fr", name="Bench")
        s.add(customer)
        s.flush()
        address = Address(customer_id=customer.id, name="Bench", line1="1 rue", postal_code="69001",
                          city="Lyon", country="FR")
        s.add(address)
        picker_id = register_station(uow, "PICK-P", "pick")[0].id
        for n in range(stations):
            products = []
            for k in range(2):
                product = Product(sku=f"SKU-P{n}-{k}", gtin=make_gtin13(f"37612{n:05d}{k:02d}"), name=f"Item {n}/{k}",
                                  weight_g=300 + 100 * k, price_cents=100)
                bin_ = Bin(code=f"B-{n // 40 + 1:02d}-{n % 40 + 1:02d}-{k + 1}", zone="B", aisle=n // 40 + 1,
                           bay=n % 40 + 1, level=k + 1)
                s.add_all([product, bin_])
                s.flush()
                s.add(Stock(product_id=product.id, bin_id=bin_.id, on_hand=10 * orders_each, reserved=0))
                products.append(product)
            refs = []
            for m in range(orders_each):
                order = Order(channel="web", external_id=f"PACK-{n}-{m}", customer_id=customer.id,
                              ship_address_id=address.id, promised_ship_by=datetime.now(timezone.utc))
                for index, quantity in UNITS:
                    order.lines.append(OrderLine(product_id=products[index].id, quantity=quantity, unit_price_cents=100))
                s.add(order)
                s.flush()
                allocate_order(uow, order.id)
                refs.append(order.reference)
            code = f"PACK-L{n:03d}"
            token = register_station(uow, code, "pack")[1]
            user = create_user(uow, f"packer{n}", "correct horse battery", "packer")
            badge = badges.issue_badge(uow, user.id, actor="bench")
            units = [products[index].gtin for index, quantity in UNITS for _ in range(quantity)]
            benches.append({"code": code, "token": token, "badge": badge, "orders": refs, "units": units})
        uow.commit()
    _pick_everything(floor, picker_id)
    floor.close()
    return benches


def _pick_everything(floor, picker_id: int) -> None:
    """Every order picked, as a picker would at the pick station (their pack tasks then wait)."""
    while True:
        with floor.uow() as uow:
            screen = dispatch.request_task(uow, uow.session.get(Station, picker_id))
        if not screen.get("task"):
            return
        while ((screen.get("task") or {}).get("next") or {}).get("gtin"):
            command = scans.ScanCommand(str(uuid.uuid4()), screen["task"]["next"]["gtin"], None,
                                        datetime.now(timezone.utc))
            with floor.uow() as uow:
                screen = scans.record_scan(uow, uow.session.get(Station, picker_id), command)
            if (screen.get("message") or {}).get("level") == "error":
                raise SystemExit(f"seeding: a pick was refused: {screen['message']}")


class PackBench:
    """One pack station client: signs its packer in, then packs its orders, one input a second."""

    def __init__(self, url: str, bench: dict):
        self.bench = bench
        self.client = socketio.Client(reconnection=False)
        self.client.connect(url, namespaces=["/station", "/echo"], auth={"station": bench["code"],
                                                                          "token": bench["token"]},
                            transports=["websocket"], wait_timeout=10)
        self.client.call("hello", {}, namespace="/station", timeout=10)
        signed = self._scan(bench["badge"])
        if (signed.get("operator") or {}).get("name") is None:
            raise SystemExit(f"{bench['code']}: the badge did not sign the packer in: {signed.get('message')}")
        self.latencies: dict[str, list[float]] = {step: [] for step in STEPS}
        self.echoes: list[float] = []
        self.acked: list[str] = []
        self.packed: list[str] = []
        self.unanswered = 0
        self.refused: list[str] = []
        self.orders = iter(bench["orders"])
        self.next_heartbeat = 0.0

    def _scan(self, raw: str, scan_id: str | None = None) -> dict:
        return self.client.call("scan", {"uuid": scan_id or str(uuid.uuid4()), "raw": raw, "symbology": None},
                                namespace="/station", timeout=ACK_TIMEOUT)

    def _timed(self, step: str, call) -> dict | None:
        start = time.perf_counter()
        try:
            reply = call()
        except socketio.exceptions.TimeoutError:
            self.unanswered += 1
            return None
        self.latencies[step].append((time.perf_counter() - start) * 1000)
        if "error" in reply or (reply.get("message") or {}).get("level") == "error":
            self.refused.append(f"{step}: {(reply.get('error') or reply.get('message'))}")
        return reply

    def _steps(self, ref: str):
        """The calls of one order, each a (step, call) made when its turn comes."""
        def scan(raw: str):
            scan_id = str(uuid.uuid4())

            def call():
                reply = self._scan(raw, scan_id)
                if "error" not in reply:
                    self.acked.append(scan_id)
                return reply
            return call

        yield "order", scan(ref)
        for gtin in self.bench["units"]:
            yield "unit", scan(gtin)
        screen = yield "box", scan("BOX-S")
        grams = (screen or {}).get("pack", {}).get("expected_g") or 1
        screen = yield "weigh", lambda: self.client.call("action", {"name": "weigh", "params": {"grams": grams}},
                                                         namespace="/station", timeout=ACK_TIMEOUT)
        for job in list((screen or {}).get("print") or []):
            yield "print", lambda job=job: self.client.call("print_result", {"job_id": job["job_id"], "ok": True},
                                                            namespace="/station", timeout=ACK_TIMEOUT)
        self.packed.append(ref)

    def _heartbeat_if_due(self) -> None:
        """As a station: a heartbeat every 15 s (leases, presence), untimed."""
        if time.monotonic() >= self.next_heartbeat:
            self.next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
            try:
                self.client.call("heartbeat", {"outbox": 0, "scanner": "connected", "scale": "connected"},
                                 namespace="/station", timeout=ACK_TIMEOUT)
            except socketio.exceptions.TimeoutError:
                self.unanswered += 1

    def run(self, kind: str, until: float, interval: float = 1.0) -> None:
        """One call every ``interval`` seconds until ``until``, one in flight at a time; the order
        in hand is finished even past ``until`` (a packer does not leave a parcel half done)."""
        time.sleep(random.random() * interval)
        next_at = time.monotonic()
        while next_at < until:
            self._heartbeat_if_due()
            if kind == "echo":
                start = time.perf_counter()
                try:
                    self.client.call("echo", {"raw": "x" * 13}, namespace="/echo", timeout=ACK_TIMEOUT)
                    self.echoes.append((time.perf_counter() - start) * 1000)
                except socketio.exceptions.TimeoutError:
                    self.unanswered += 1
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))
                continue
            ref = next(self.orders, None)
            if ref is None:
                return
            steps, reply = self._steps(ref), None
            try:
                step, call = next(steps)
                while True:
                    reply = self._timed(step, call)
                    self._heartbeat_if_due()
                    next_at += interval
                    time.sleep(max(0.0, next_at - time.monotonic()))
                    step, call = steps.send(reply)
            except StopIteration:
                pass


def phase(benches: list[PackBench], kind: str, seconds: float) -> float:
    until, started = time.monotonic() + seconds, time.monotonic()
    threads = [threading.Thread(target=bench.run, args=(kind, until), daemon=True) for bench in benches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return time.monotonic() - started


def checked(url: str, acked: list[str], packed: list[str]) -> tuple[int, int, int]:
    """(acknowledged scans with their row, scan rows in all, packed orders shipped)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        recorded = connection.scalar(select(func.count()).select_from(ScanEvent).where(ScanEvent.uuid.in_(acked)))
        rows = connection.scalar(select(func.count()).select_from(ScanEvent))
        ids = [Order.id_from_reference(ref) for ref in packed]
        shipped = connection.scalar(select(func.count(func.distinct(Package.order_id)))
                                    .where(Package.order_id.in_(ids or [-1]), Package.status == "shipped"))
    engine.dispose()
    return recorded, rows, shipped


def run(url: str, count: int, seconds: float, slices: int = 3) -> None:
    migrate.upgrade(url)
    orders_each = math.ceil(seconds / CALLS_PER_ORDER) + 2 * slices + 1  # an order started ends past its slice
    seeded_at = time.monotonic()
    benches_seed = seed(url, count, orders_each)
    seeding = time.monotonic() - seeded_at
    env = server_env(url, COLIS_PACK_BOXES=BOXES, COLIS_PACK_WEIGH="true", COLIS_PACK_SLIP="true",
                     COLIS_PACK_BADGE_REQUIRED="true")
    server, port = start_server(env)
    try:
        benches = [PackBench(f"http://127.0.0.1:{port}", bench) for bench in benches_seed]
        # Pack and echo slices in turn, so both see the same machine (others' load comes and goes).
        elapsed = cpu = 0.0
        for _ in range(slices):
            cpu_start = server_cpu_seconds(server.pid)
            elapsed += phase(benches, "pack", seconds / slices)
            cpu += server_cpu_seconds(server.pid) - cpu_start
            phase(benches, "echo", seconds / slices)
        for bench in benches:
            bench.client.disconnect()
    finally:
        stop_server(server)
    acked = [scan_id for bench in benches for scan_id in bench.acked]
    packed = [ref for bench in benches for ref in bench.packed]
    recorded, rows, shipped = checked(url, acked, packed)
    echoes = [ms for bench in benches for ms in bench.echoes]
    steps = {step: [ms for bench in benches for ms in bench.latencies[step]] for step in STEPS}
    every = [ms for samples in steps.values() for ms in samples]
    scans_only = steps["order"] + steps["unit"] + steps["box"]
    refused = [why for bench in benches for why in bench.refused]
    echo_p99 = percentile(echoes, 99)
    print(f"database: {url.split(':', 1)[0]}; {count} pack benches x 1 input/s for {seconds:g} s in {slices} slices "
          f"between echo slices "
          f"(badge, order, 3 units, box, weight, label + slip printed); colis-server serve "
          f"(gunicorn, 1 gevent worker); seeded {count * orders_each} picked orders in {seeding:.0f} s")
    print(f"  orders packed {len(packed)} (shipped {shipped}); scans acknowledged {len(acked)}, recorded once "
          f"{recorded}/{len(acked)} ({rows} scan rows with the picks and badges); unanswered "
          f"{sum(b.unanswered for b in benches)}; refused {len(refused)}{': ' + refused[0] if refused else ''}")
    print(f"  {'echo (floor)':16} p50 {statistics.median(echoes):7.2f} ms   p99 {echo_p99:7.2f} ms   ({len(echoes)} calls)")
    for name, samples in [(step, steps[step]) for step in STEPS] + [("scans (o+u+box)", scans_only),
                                                                    ("every call", every)]:
        if not samples:
            continue
        p99 = percentile(samples, 99)
        print(f"  {name:16} p50 {statistics.median(samples):7.2f} ms   p99 {p99:7.2f} ms   ({len(samples)} calls)"
              f"   p99 / echo p99 {p99 / echo_p99:5.2f}x")
    print(f"  pack phase {elapsed:.1f} s, {len(every) / elapsed:.1f} calls/s; server worker CPU "
          f"{1000 * cpu / max(len(every), 1):.2f} ms per call, {1000 * cpu / max(len(packed), 1):.0f} ms per order, "
          f"{100 * cpu / elapsed:.0f} % of one core")
    print(f"  scan p99 / echo p99: {percentile(scans_only, 99) / echo_p99:.2f}x (issue 13's target for scans: 1.3x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--slices", type=int, default=3, help="pack and echo phases in turn, each seconds/slices")
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None)
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        run(url, args.stations, args.seconds, args.slices)


if __name__ == "__main__":
    main()
