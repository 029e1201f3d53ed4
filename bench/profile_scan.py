"""Where a scan's server time goes: in-process, no socket, one pick station, N scans.

For each backend: wall and CPU time per scan, SQL statements per scan (counted on the
engine), and a cProfile of the scans grouped by who spends the time (SQLAlchemy ORM,
SQLAlchemy Core, the database driver, Colis code, the rest). A replayed scan (same uuid) is
measured too. Prints figures; asserts nothing.

    python bench/profile_scan.py [--scans 300] [--postgres postgresql+psycopg://127.0.0.1/test] [--top 15] [--lot]

``--lot`` then scans a GS1-128 code naming a lot and an expiry (issue 6: one more INSERT,
picked_lots) instead of the plain EAN, on a fresh database, so the two compare in one run.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_scan import seed, temporary_database  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.models import Station  # noqa: E402
from server.services import dispatch, scans, sessions  # noqa: E402

AREAS = (("sqlalchemy/orm", "SQLAlchemy ORM"), ("sqlalchemy/", "SQLAlchemy Core/engine"),
         ("psycopg", "driver (psycopg)"), ("sqlite3", "driver (sqlite3)"), ("/server/", "Colis server"),
         ("/wire/", "Colis wire"), ("biip", "biip (GS1 parsing)"))


def area_of(filename: str, function: str) -> str:
    if filename == "~" and "sqlite3" in function:
        return "driver (sqlite3)"
    for needle, name in AREAS:
        if needle in filename:
            return name
    return "other (stdlib, builtins)"


def run(url: str, count: int, top: int, lot: bool = False) -> None:
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    floor = app.extensions["colis"]
    gtin, _ = seed(floor, 2 * count + 20)
    statements = [0]
    event.listen(floor.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    with floor.uow() as uow:
        station_id = uow.session.query(Station.id).filter_by(code="PICK-B").scalar()
        dispatch.request_task(uow, uow.session.get(Station, station_id))

    code, symbology = (f"01{gtin.zfill(14)}10LOT-BENCH\x1d17{date.today().year % 100 + 1:02d}1231", "]C1") \
        if lot else (gtin, "]E0")

    def scan(scan_uuid: str) -> dict:
        with floor.uow() as uow:
            cmd = scans.ScanCommand(scan_uuid, code, symbology, datetime.now(timezone.utc))
            return scans.record_scan(uow, sessions.load_station(uow.session, station_id), cmd)

    for _ in range(10):  # warm caches (compiled statements, imports)
        scan(str(uuid.uuid4()))
    walls, cpus = [], []
    statements[0] = 0
    for _ in range(count):
        scan_uuid = str(uuid.uuid4())
        wall, cpu = time.perf_counter(), time.process_time()
        screen = scan(scan_uuid)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    assert screen.get("state") == "pick", screen  # the bench measured real scans, not errors
    per_scan = statements[0] / count
    profile = cProfile.Profile()  # a second pass, so the timings above carry no profiler cost
    profile.enable()
    for _ in range(count):
        scan(str(uuid.uuid4()))
    profile.disable()
    statements[0] = 0
    replay_id = str(uuid.uuid4())
    scan(replay_id)
    statements[0] = 0
    replay_walls = []
    for _ in range(min(count, 100)):
        wall = time.perf_counter()
        scan(replay_id)
        replay_walls.append((time.perf_counter() - wall) * 1000)
    per_replay = statements[0] / len(replay_walls)
    floor.close()

    backend = url.split(":", 1)[0]
    print(f"database: {backend}; {count} scans in-process (no socket){'; GS1-128 with lot and expiry' if lot else ''}")
    print(f"  scan      wall p50 {statistics.median(walls):5.2f} ms  cpu mean {statistics.mean(cpus):5.2f} ms  "
          f"statements {per_scan:.1f} (incl. BEGIN/COMMIT where the driver sends them)")
    print(f"  replayed  wall p50 {statistics.median(replay_walls):5.2f} ms  statements {per_replay:.1f}")
    report(profile, count, top)


def report(profile: cProfile.Profile, count: int, top: int) -> None:
    stats = pstats.Stats(profile)
    by_area: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():
        by_area[area_of(filename, function)] += own
        total += own
    print("  own time by area (cProfile; profiling inflates Python-heavy areas):")
    for area, seconds in sorted(by_area.items(), key=lambda item: -item[1]):
        print(f"    {area:26} {seconds / count * 1000:6.2f} ms/scan  {seconds / total:5.1%}")
    if top:
        print(f"  top {top} functions by cumulative time:")
        stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None)
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    parser.add_argument("--lot", action="store_true", help="then the same with a GS1-128 code naming a lot")
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        run(url, args.scans, args.top)
    if args.lot:
        with temporary_database(args.postgres) as url:
            run(url, args.scans, args.top, lot=True)


if __name__ == "__main__":
    main()
