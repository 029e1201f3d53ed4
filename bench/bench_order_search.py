"""The orders page's search by a piece of a customer's name or e-mail, beside a bare indexed lookup.

floor:    ``SELECT id FROM orders WHERE id = :id`` in a new session: the least a lookup costs
          through the same engine.
product:  ``order_pages.list_orders`` with ``q`` (the page's first 50 orders and whether there
          are more) in a new session, for a customer's surname (hundreds of customers share
          one), a whole name, and an e-mail's local part (one customer). The term is tried
          as every key the box accepts; the name and e-mail go through the trigram index
          of the stored folded texts (migrations 0018 and 0020, services/customer_search.py).
scan:     the same surname and e-mail piece through the search before migration 0018
          (``lower(name) LIKE '%term%' OR lower(email) LIKE …`` joined to the orders, newest
          50): what the index replaces.

Data: ``--orders`` demo orders and as many customers (server/demo_data). Samples alternate key
by key (a shared machine's load drifts); p50/p99 in ms and the ratio to the floor's. Prints the
plan of the page's query for one surname first (EXPLAIN ANALYZE on PostgreSQL). Asserts nothing.

    python bench/bench_order_search.py [--postgres postgresql+psycopg://127.0.0.1/test] [--orders 100000]
    python bench/bench_order_search.py --sqlite [--orders 100000]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, or_, select, text  # noqa: E402

from bench.bench_returns_lookup import analyze, p, timed  # noqa: E402
from bench.bench_scan import temporary_database  # noqa: E402
from server import migrate  # noqa: E402
from server.db import make_engine, make_session_factory  # noqa: E402
from server.demo_data import DemoSize, generate  # noqa: E402
from server.models import Customer, Order  # noqa: E402
from server.services.order_pages import OrderFilters, list_orders  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")


def seed(url: str, orders: int) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    generate(engine, DemoSize(products=500, bins=1000, customers=orders, orders=orders))
    analyze(engine)
    engine.dispose()
    print(f"demo data: {orders} orders and customers in {time.perf_counter() - started:.1f} s", flush=True)


def unindexed(session, term: str) -> list:
    """The search before migration 0018: a substring of every customer's name and e-mail."""
    like = f"%{term.lower()}%"
    return session.scalars(select(Order.id).join(Customer, Customer.id == Order.customer_id)
                           .where(or_(func.lower(Customer.name).like(like), func.lower(Customer.email).like(like)))
                           .order_by(Order.id.desc()).limit(51)).all()


def explain(engine, sessions, surname: str) -> None:
    """How the database answers the orders page's search for a common surname: its last query
    (the page's), caught on its way to the driver and explained with the same parameters."""
    sent = []

    def catch(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", catch)
    try:
        with sessions() as session:
            list_orders(session, OrderFilters(q=surname), PARIS)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    statement, parameters = sent[-1]
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters)
        plan = [row[0] if postgres else row[-1] for row in cursor.fetchall()]
    print(f"plan of the orders page's search for {surname!r}:\n  " + "\n  ".join(plan), flush=True)


def measure(url: str, samples: int) -> dict[str, list[float]]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(Order))
        rows = session.execute(select(Order.id, Customer.name, Customer.email)
                               .join(Customer, Customer.id == Order.customer_id)
                               .where(Order.id % max(1, total // samples) == 0).limit(samples)).all()
    random.Random(9).shuffle(rows)
    explain(engine, sessions, rows[0][1].split()[-1])
    times: dict[str, list[float]] = {}
    found = 0
    for order_id, name, email in rows:
        keys = {"surname": name.split()[-1], "name": name, "email": email.split("@")[0]}

        def floor():
            with sessions() as session:
                session.execute(text("SELECT id FROM orders WHERE id = :id"), {"id": order_id}).scalar()
        times.setdefault("floor", []).append(timed(floor))
        for kind, term in keys.items():
            def search():
                nonlocal found
                with sessions() as session:
                    page, _ = list_orders(session, OrderFilters(q=term), PARIS)
                    found += kind != "email" or any(row[0].id == order_id for row in page)
            times.setdefault(kind, []).append(timed(search))
        for kind in ("surname", "email"):
            def scan():
                with sessions() as session:
                    unindexed(session, keys[kind])
            times.setdefault(f"scan {kind}", []).append(timed(scan))
    engine.dispose()
    print(f"{len(rows)} orders searched by each key; the e-mail found its order {found - 2 * len(rows)} times")
    return times


@contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/colis.sqlite"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="ADMIN_URL", default="postgresql+psycopg://127.0.0.1/test",
                        help="a temporary database is created (and dropped) through this URL")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with (sqlite_database() if args.sqlite else temporary_database(args.postgres)) as url:
        migrate.upgrade(url)
        seed(url, args.orders)
        times = measure(url, args.samples)
    floor50, floor99 = p(times["floor"], 50), p(times["floor"], 99)
    print(f"{'key':>13} {'p50 ms':>8} {'p99 ms':>8} {'p50/floor':>10} {'p99/floor':>10}")
    for kind, values in times.items():
        p50, p99 = p(values, 50), p(values, 99)
        print(f"{kind:>13} {p50:>8.2f} {p99:>8.2f} {p50 / floor50:>9.1f}x {p99 / floor99:>9.1f}x")


if __name__ == "__main__":
    main()
