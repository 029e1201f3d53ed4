"""Routing decisions per second on PostgreSQL: 3 warehouses, 100,000 orders, beside a bare SELECT.

The database holds the demo data set (``--orders`` new orders, 100,000 by default, over 200
products in 600 bins), the bins dealt over three warehouses (MAIN in Lyon, PARIS, LILLE) with a
zone/distance table for France by département and Belgium, Germany, Spain and Italy.

bare:    for one order, ``SELECT`` its lines joined to the stock of their products and the bins'
         warehouse (what routing weighs), in its own transaction: the least a decision can read.
product: ``services.routing.route_order`` for one order, committed: stock locked FOR UPDATE,
         warehouses and zones read, the decision taken (whole, split, held, short) and recorded,
         the carrier service chosen and recorded, units reserved and the pick task(s) created.

Bare and product alternate for ``--rounds`` rounds over distinct orders (oldest first), the
median of each printed with its p99 and the product/bare ratio, and how the orders went.
Asserts nothing.

    python bench/bench_routing.py [--postgres postgresql+psycopg://127.0.0.1/test] [--orders 100000]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_scan import percentile, temporary_database  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.demo_data import DemoSize, generate  # noqa: E402
from server.models import Bin, Order, Stock  # noqa: E402
from server.services import routing  # noqa: E402
from server.services.warehouses import add_warehouse, set_zone  # noqa: E402

BARE = text("SELECT l.id, l.product_id, l.quantity, s.id, s.on_hand - s.reserved, b.warehouse_id "
            "FROM order_lines l JOIN stock s ON s.product_id = l.product_id JOIN bins b ON b.id = s.bin_id "
            "WHERE l.order_id = :order ORDER BY s.id")
ZONES = {"MAIN": [("FR", "", 450), ("FR", "69", 10), ("FR", "13", 300), ("FR", "75", 460), ("BE", "", 800),
                  ("DE", "", 900), ("ES", "", 1000), ("IT", "", 700)],
         "PARIS": [("FR", "", 400), ("FR", "75", 15), ("FR", "69", 460), ("BE", "", 300), ("DE", "", 1000),
                   ("ES", "", 1300), ("IT", "", 1100)],
         "LILLE": [("FR", "", 500), ("FR", "59", 10), ("FR", "75", 220), ("BE", "", 110), ("DE", "", 600),
                   ("ES", "", 1500), ("IT", "", 1200)]}


def seed(app, orders: int) -> None:
    floor = app.extensions["colis"]
    summary = generate(floor.engine, DemoSize(products=200, bins=600, customers=5000, orders=orders), 7,
                       now=datetime.now(timezone.utc))
    print(f"  demo data: {summary.orders} orders, {summary.products} products in {summary.bins} bins "
          f"({summary.elapsed_s:.0f} s)", flush=True)
    with floor.uow() as uow:
        ids = {"MAIN": 1}
        for code, city in (("PARIS", "Paris"), ("LILLE", "Lille")):
            ids[code] = add_warehouse(uow, code, f"Entrepôt {city}", city=city).id
        for code, zones in ZONES.items():
            for country, prefix, km in zones:
                set_zone(uow, code, country, prefix, km)
        uow.commit()
    with floor.engine.begin() as connection:  # the bins dealt over the three warehouses
        connection.execute(update(Bin).where(Bin.id % 3 == 1).values(warehouse_id=ids["PARIS"]))
        connection.execute(update(Bin).where(Bin.id % 3 == 2).values(warehouse_id=ids["LILLE"]))
        connection.execute(update(Stock).values(on_hand=Stock.on_hand + 40))  # enough to route most orders
    with floor.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def bare_round(floor, order_ids: list[int]) -> list[float]:
    times = []
    for order_id in order_ids:
        start = time.perf_counter()
        with floor.engine.begin() as connection:
            connection.execute(BARE, {"order": order_id}).all()
        times.append((time.perf_counter() - start) * 1000)
    return times


def product_round(floor, order_ids: list[int], outcomes: Counter) -> list[float]:
    times = []
    for order_id in order_ids:
        start = time.perf_counter()
        with floor.uow() as uow:
            outcomes[routing.route_order(uow, order_id, top_up=False).outcome] += 1
            uow.commit()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="ADMIN_URL", default="postgresql+psycopg://127.0.0.1/test")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--per-round", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["COLIS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="colis-bench-routing-")
    print(f"Routing over 3 warehouses, {args.orders} orders in PostgreSQL:", flush=True)
    with temporary_database(args.postgres) as url:
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40, "QUEUE": "immediate"})
        floor = app.extensions["colis"]
        seed(app, args.orders)
        with floor.session_factory() as session:
            ids = list(session.scalars(select(Order.id).where(Order.status == "new").order_by(Order.id)
                                       .limit(2 * args.rounds * args.per_round)))
        bare, product, outcomes = [], [], Counter()
        for number in range(args.rounds):
            chunk = ids[2 * number * args.per_round:(2 * number + 1) * args.per_round]
            other = ids[(2 * number + 1) * args.per_round:(2 * number + 2) * args.per_round]
            bare.append(bare_round(floor, chunk))
            product.append(product_round(floor, other, outcomes))
        floor.close()
    bare_p50 = statistics.median(statistics.median(r) for r in bare)
    product_p50 = statistics.median(statistics.median(r) for r in product)
    flat_bare, flat_product = [t for r in bare for t in r], [t for r in product for t in r]
    print(f"  bare SELECT   {1000 / bare_p50:7.0f} /s   p50 {bare_p50:6.2f} ms   p99 {percentile(flat_bare, 99):6.2f} ms")
    print(f"  routing       {1000 / product_p50:7.0f} decisions/s   p50 {product_p50:6.2f} ms   "
          f"p99 {percentile(flat_product, 99):6.2f} ms   ({product_p50 / bare_p50:.1f}× the bare SELECT at p50)")
    print("  outcomes: " + ", ".join(f"{n} {outcome}" for outcome, n in outcomes.most_common()))


if __name__ == "__main__":
    main()
