"""The returns desk's lookup on PostgreSQL: latency by key beside a bare primary-key select.

floor:    ``SELECT id FROM returns WHERE id = :id`` in a new session: the least a lookup of a
          return can cost through the same engine.
product:  ``return_desk.find_for_desk(session, text)`` in a new session, for each key the desk
          accepts: the RMA, the original parcel's tracking number and SSCC, the order number
          typed (``CO-0000042``), and a customer's name with one item scanned (no paperwork).
          It classifies the text, finds the return(s) and loads their lines, products and
          order: what the desk needs to draw the parcel.

Data: ``--orders`` demo orders (server/demo_data, COPY), one parcel each (SSCC and tracking
number), a return for every third order. Keys and floor alternate sample by sample (a shared
machine's load drifts), p50/p99 in ms and the ratio to the floor's are printed. Asserts nothing.

    python bench/bench_returns_lookup.py [--postgres postgresql+psycopg://127.0.0.1/test] [--orders 1000000]

The issue's figure is at 1,000,000 orders (``make bench``: about 4 minutes of seeding, most of it
the demo data's COPY); ``--orders 100000`` for a quicker look.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.bench_scan import temporary_database  # noqa: E402
from server import migrate  # noqa: E402
from server.db import make_engine, make_session_factory  # noqa: E402
from server.demo_data import DemoSize, generate  # noqa: E402
from server.services.return_desk import find_for_desk  # noqa: E402

# Set-based seeding, one statement per table (1,000,000 orders: parcels and returns in about a
# minute on top of the demo data's COPY). A return's id is its order's id / 3, so its RMA is
# written with it (no second pass over the table); its sequence is moved past them after.
PARCELS = """
INSERT INTO packages (order_id, carrier, service, weight_g, status, created_at, sscc, tracking_number)
SELECT id, 'DEMO', 'STANDARD', 900, 'shipped', now(), '3' || lpad(id::text, 17, '0'), '6A' || lpad(id::text, 11, '0')
FROM orders"""
RETURNS = """
INSERT INTO returns (id, order_id, status, reason, created_at, created_by, source, rma)
SELECT id / 3, id, 'authorized', 'wrong_size', now(), 'bench', 'bench', 'RMA' || lpad((id / 3)::text, 8, '0')
FROM orders WHERE id % 3 = 0"""
RETURNS_SEQUENCE = "SELECT setval(pg_get_serial_sequence('returns', 'id'), (SELECT max(id) FROM returns))"
RETURN_LINES = """
INSERT INTO return_lines (return_id, order_line_id, quantity, reason, note, extra)
SELECT r.id, first.id, 1, 'wrong_size', '', false
FROM returns r JOIN (SELECT order_id, min(id) AS id FROM order_lines GROUP BY order_id) first
  ON first.order_id = r.order_id"""
SAMPLE = """
SELECT r.id, r.rma, o.id, p.sscc, p.tracking_number, c.name, pr.gtin
FROM returns r JOIN orders o ON o.id = r.order_id JOIN packages p ON p.order_id = o.id
JOIN customers c ON c.id = o.customer_id JOIN return_lines rl ON rl.return_id = r.id
JOIN order_lines ol ON ol.id = rl.order_line_id JOIN products pr ON pr.id = ol.product_id
WHERE r.id % :step = 0 LIMIT :n"""


def seed(url: str, orders: int) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    generate(engine, DemoSize(products=500, bins=1000, customers=max(300, orders // 4), orders=orders))
    print(f"demo data: {orders} orders in {time.perf_counter() - started:.1f} s", flush=True)
    analyze(engine)  # statistics first: the planner must know the tables are big
    for name, statement in (("parcels", PARCELS), ("returns", RETURNS), ("sequence", RETURNS_SEQUENCE),
                            ("return lines", RETURN_LINES)):
        step = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text(statement))
        print(f"{name}: {time.perf_counter() - step:.1f} s", flush=True)
    analyze(engine)
    with engine.connect() as connection:
        returns = connection.execute(text("SELECT count(*) FROM returns")).scalar()
    engine.dispose()
    print(f"{orders} orders, {orders} parcels, {returns} returns in {time.perf_counter() - started:.1f} s", flush=True)


def analyze(engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def keys_of(row, with_name: bool) -> dict[str, tuple[str, tuple[str, ...]]]:
    return_id, rma, order_id, sscc, tracking, name, gtin = row
    keys = {"rma": (rma, ()), "tracking": (tracking, ()), "sscc": (sscc, ()), "order": (f"CO-{order_id:07d}", ())}
    if with_name:
        keys["name+item"] = (max(name.split(), key=len), (gtin.zfill(14),))
    return keys


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(url: str, samples: int, with_name: bool) -> dict[str, list[float]]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        total = session.execute(text("SELECT count(*) FROM returns")).scalar()
        rows = session.execute(text(SAMPLE), {"step": max(1, total // samples), "n": samples}).all()
    random.Random(8).shuffle(rows)
    times: dict[str, list[float]] = {"floor": []}
    found = 0
    for row in rows:
        def floor():
            with sessions() as session:
                session.execute(text("SELECT id FROM returns WHERE id = :id"), {"id": row[0]}).scalar()
        times["floor"].append(timed(floor))
        for kind, (key, items) in keys_of(row, with_name).items():
            def product():
                nonlocal found
                with sessions() as session:
                    found += find_for_desk(session, key, items) is not None
            times.setdefault(kind, []).append(timed(product))
    engine.dispose()
    print(f"{len(rows)} returns looked up by each key, {found} of {len(rows) * (len(times) - 1)} found")
    return times


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="ADMIN_URL", default="postgresql+psycopg://127.0.0.1/test",
                        help="a temporary database is created (and dropped) through this URL")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--no-name", action="store_true", help="skip the name + item lookup")
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        migrate.upgrade(url)
        seed(url, args.orders)
        times = measure(url, args.samples, not args.no_name)
    floor50, floor99 = p(times["floor"], 50), p(times["floor"], 99)
    print(f"{'key':>10} {'p50 ms':>8} {'p99 ms':>8} {'p50/floor':>10} {'p99/floor':>10}")
    for kind, values in times.items():
        p50, p99 = p(values, 50), p(values, 99)
        print(f"{kind:>10} {p50:>8.2f} {p99:>8.2f} {p50 / floor50:>9.1f}x {p99 / floor99:>9.1f}x")


if __name__ == "__main__":
    main()
