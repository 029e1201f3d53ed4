"""One pass of the promise watcher over 100,000 open orders in PostgreSQL, beside a bare SELECT.

floor:   the same rows the watcher reads (open orders joined to their open pick task and their
         promise), fetched by a raw DBAPI cursor and nothing done with them: the least a pass
         over them can cost.
read:    the watcher's own SELECT through SQLAlchemy (result types, rows), nothing judged.
watcher: ``promises.watch`` in a unit of work: the same SELECT through SQLAlchemy, every order
         judged (queue place, cut-off, transit, what would keep it), the decisions written, then
         rolled back so every round sees the same floor.

The orders: a third for each of the next three daily pickups (16:00), one in twenty urgent, one
in ten waiting for a wave, one in five hundred promised for today (those cannot be kept: a
``none`` decision each); the floor packs 6,000 orders an hour.
Floor and watcher alternate for ``--rounds`` rounds; medians are printed with their ratio.
Asserts nothing.

    python bench/bench_promises.py [--postgres postgresql+psycopg://127.0.0.1/test] [--orders 100000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_scan import temporary_database  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.models import Address, Customer, Order, OrderPromise, Task  # noqa: E402
from server.services import promises  # noqa: E402

BARE = ("SELECT o.id, o.service_level, o.promised_ship_by, p.deliver_by, t.priority, t.released "
        "FROM orders o LEFT JOIN tasks t ON t.order_id = o.id AND t.kind = 'pick' AND t.status = 'open' "
        "LEFT JOIN order_promises p ON p.order_id = o.id "
        "WHERE o.status IN ('new', 'backordered', 'allocated', 'released', 'picking', 'picked', 'packing', 'packed') "
        "ORDER BY CASE WHEN t.priority IS NULL THEN -1 ELSE t.priority END, o.promised_ship_by, o.id")
CHUNK = 10_000


def seed(floor, orders: int, now: datetime) -> None:
    levels = ("standard", "standard", "priority", "express")
    cutoff = now.replace(hour=16, minute=0)  # ship-by is a carrier pickup: today's, tomorrow's, the day after's
    with floor.engine.begin() as connection:
        customer = connection.execute(insert(Customer).values(email="b@exemple.fr", name="Bench", phone="")
                                      .returning(Customer.id)).scalar_one()
        address = connection.execute(insert(Address).values(customer_id=customer, name="Bench", line1="1 rue",
                                                            line2="", postal_code="69001", city="Lyon",
                                                            country="FR").returning(Address.id)).scalar_one()
        for start in range(1, orders + 1, CHUNK):
            ids = range(start, min(orders + 1, start + CHUNK))
            connection.execute(insert(Order), [
                {"id": n, "channel": "web", "external_id": f"B{n}", "customer_id": customer,
                 "ship_address_id": address, "status": "allocated", "service_level": levels[n % 4],
                 "promised_ship_by": cutoff + timedelta(days=n * 3 // (orders + 1)), "created_at": now,
                 "total_cents": 0, "currency": "EUR"} for n in ids])
            connection.execute(insert(Task), [
                {"kind": "pick", "order_id": n, "status": "open", "priority": 0 if n % 20 == 0 else 5,
                 "released": n % 10 != 0, "created_at": now} for n in ids])
            connection.execute(insert(OrderPromise), [
                {"order_id": n, "deliver_by": now.date(), "told_on": None} for n in ids if n % 500 == 0])
        connection.execute(text("SELECT setval('orders_id_seq', :n)"), {"n": orders})
        connection.execute(text("ANALYZE"))


def bare_select(engine) -> tuple[float, int]:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        began = time.perf_counter()
        cursor.execute(BARE)
        rows = cursor.fetchall()
        elapsed = time.perf_counter() - began
        connection.rollback()
    finally:
        connection.close()
    return elapsed, len(rows)


def watcher_read(floor) -> float:
    """The watcher's own SELECT through SQLAlchemy (its types, its rows), nothing judged."""
    with floor.uow() as uow:
        began = time.perf_counter()
        promises.open_orders(uow.session).all()
        return time.perf_counter() - began


def watcher_pass(floor, pace) -> tuple[float, promises.PassReport]:
    with floor.uow() as uow:
        began = time.perf_counter()
        report = promises.watch(uow, pace)
        uow.session.flush()
        elapsed = time.perf_counter() - began
        uow.rollback()  # every round on the same floor
    return elapsed, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgresql+psycopg://127.0.0.1/test")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday morning: a fixed clock
    with temporary_database(args.postgres) as url:
        migrate.upgrade(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40})
        floor = app.extensions["colis"]
        began = time.perf_counter()
        seed(floor, args.orders, now)
        print(f"seeded {args.orders} open orders in {time.perf_counter() - began:.1f} s", flush=True)
        pace = promises.pace_from_config({"PROMISE_ORDERS_PER_HOUR": 6000, "PROMISE_MAX_EXTRA_CENTS": 500}, now)
        bare, read, watched, report = [], [], [], None
        for _ in range(args.rounds):
            seconds, rows = bare_select(floor.engine)
            bare.append(seconds)
            read.append(watcher_read(floor))
            seconds, report = watcher_pass(floor, pace)
            watched.append(seconds)
        floor.close()
    floor_ms, pass_ms = statistics.median(bare) * 1000, statistics.median(watched) * 1000
    print(f"bare SELECT of the same {rows} rows (floor): median {floor_ms:.0f} ms")
    print(f"the watcher's SELECT through SQLAlchemy, nothing judged: median {statistics.median(read) * 1000:.0f} ms")
    print(f"watcher pass: median {pass_ms:.0f} ms ({report.watched} watched, {report.at_risk} at risk, "
          f"{report.decisions} decisions written) = {pass_ms / floor_ms:.1f}x the floor, "
          f"{pass_ms * 1000 / max(1, report.watched):.1f} us per order")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
