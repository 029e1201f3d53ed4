"""Where a packing bench's time goes, step by step: in-process, no socket, one bench (issue 12).

Orders seeded and picked as bench_pack_load.py seeds them (2 + 1 units), packed through the
services as the station would: the order's barcode, each unit, the box, the scale's weight
(which closes the order: booking, label and slip ZPL, parcel contents), the two print results.
For each step: wall time p50, CPU mean and SQL statements per call (counted on the engine,
BEGIN/COMMIT included where the driver sends them); then a cProfile of the closing weighs,
grouped by area as profile_scan.py does. ``--parcels 3`` closes each order in three parcels
(each weighed). Prints figures; asserts nothing.

    python bench/profile_pack_close.py [--orders 100] [--parcels 1] [--top 15]
        [--postgres postgresql+psycopg://127.0.0.1/test]
"""
from __future__ import annotations

import argparse
import cProfile
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_pack_load import BOXES, seed  # noqa: E402
from bench.bench_scan import temporary_database  # noqa: E402
from bench.profile_scan import report  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.models import Station  # noqa: E402
from server.services import operator, printing, scans, sessions  # noqa: E402

STEPS = ("order", "unit", "box", "parcels", "weigh", "close", "print")


def run(url: str, orders: int, parcels: int, top: int) -> None:
    migrate.upgrade(url)
    warm = 5
    bench = seed(url, 1, orders + warm)[0]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PACK_BOXES": BOXES, "PACK_WEIGH": "true",
                      "PACK_SLIP": "true", "PACK_BADGE_REQUIRED": "true"})
    floor = app.extensions["colis"]
    statements = [0]
    event.listen(floor.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    with floor.uow() as uow:
        station_id = uow.session.scalar(select(Station.id).where(Station.code == bench["code"]))
    walls, cpus, sent = defaultdict(list), defaultdict(list), defaultdict(list)
    profile = cProfile.Profile()

    def step(name: str, call, measured: bool, profiled: bool = False) -> dict:
        wall, cpu, before = time.perf_counter(), time.process_time(), statements[0]
        with floor.uow() as uow:
            if profiled:
                profile.enable()
            screen = call(uow, sessions.load_station(uow.session, station_id))
            if profiled:
                profile.disable()
        if measured:
            walls[name].append((time.perf_counter() - wall) * 1000)
            cpus[name].append((time.process_time() - cpu) * 1000)
            sent[name].append(statements[0] - before)
        return screen

    def scan(raw: str):
        return lambda uow, station: scans.record_scan(uow, station, scans.ScanCommand(
            str(uuid.uuid4()), raw, None, datetime.now(timezone.utc)))

    def press(name: str, **params):
        return lambda uow, station: operator.press(uow, station, name, params)

    step("badge", scan(bench["badge"]), False)
    for number, ref in enumerate(bench["orders"]):
        measured = number >= warm  # the first orders warm caches (compiled statements, imports)
        step("order", scan(ref), measured)
        for gtin in bench["units"]:
            screen = step("unit", scan(gtin), measured)
        if parcels > 1:
            step("parcels", press("parcels", count=parcels), measured)
        screen = step("box", scan("BOX-M"), measured)
        for _ in range(parcels - 1):
            screen = step("weigh", press("weigh", grams=screen["pack"]["parcel_expected_g"]), measured)
        grams = screen["pack"]["parcel_expected_g" if parcels > 1 else "expected_g"]
        screen = step("close", press("weigh", grams=grams), measured, profiled=measured)
        if screen.get("state") != "print_label":
            raise SystemExit(f"the weigh did not close the order: {screen.get('message')}")
        for job in screen["print"]:
            step("print", lambda uow, station, job_id=job["job_id"]: printing.confirm_print(uow, station, job_id,
                                                                                             ok=True), measured)
    floor.close()
    print(f"database: {url.split(':', 1)[0]}; {orders} orders packed in-process (no socket), "
          f"{parcels} parcel(s) each; the closing weigh is 'close'")
    for name in STEPS:
        if walls[name]:
            print(f"  {name:8} wall p50 {statistics.median(walls[name]):6.2f} ms  cpu mean "
                  f"{statistics.mean(cpus[name]):6.2f} ms  statements {statistics.mean(sent[name]):5.1f}")
    report(profile, orders, top)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--parcels", type=int, default=1)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None)
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions of the close")
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        run(url, args.orders, args.parcels, args.top)


if __name__ == "__main__":
    main()
