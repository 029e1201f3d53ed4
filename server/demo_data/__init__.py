"""Deterministic demo data: products, bins, stock, customers, addresses and new orders.

``generate(engine, DemoSize(...), seed)`` fills an existing schema (tables are made by
Alembic, or ``Base.metadata.create_all`` in tests) and scales to millions of orders:
rows are built as plain dicts with ids assigned here, and written in batches of
BATCH_SIZE, one transaction per batch, never holding more than two batches of orders
in memory. PostgreSQL + psycopg: COPY, with the next batch built while the server
checks the previous one (1M orders in ~3 minutes on 2 cores, see bench/README.md);
elsewhere, or with method="executemany": SQLAlchemy Core ``execute(insert(t), rows)``.
Both write the same rows.

Determinism: the same seed, size and ``now`` on the same starting database give
byte-identical rows (one ``random.Random`` per table seeded from ``seed``; the wall
clock is never read except to time the run). ``now`` defaults to DEFAULT_NOW, a fixed
Black-Friday morning, so demo ship-by times do not drift between runs; pass the real
time to get "late" and "due today" orders relative to today.

Existing rows: the generator appends. Ids start after each table's max(id), and
SKUs, GTINs, bin codes and external order ids are derived from those ids, so
repeated runs never collide with each other. Before writing, it refuses
(DemoDataError) if rows made another way already use one of the codes it is about
to insert. Do not run it while the server is taking orders: ids are read once at
the start. A run that fails half-way keeps the batches already committed.
After writing, PostgreSQL id sequences are moved past max(id).
"""
from __future__ import annotations

import time
from array import array
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from random import Random
from typing import Iterator

from sqlalchemy import Connection, Engine

from labels.gs1 import make_gtin13
from server.demo_data import rows as R
from server.demo_data.writer import (
    DemoDataError, can_copy, check_codes_free, check_external_ids_free, chunks, insert_batches,
    insert_together, max_ids, reset_sequences,
)

__all__ = ["DEFAULT_NOW", "DemoDataError", "DemoSize", "DemoSummary", "generate",
           "generate_from_args"]

DEFAULT_NOW = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
BATCH_SIZE = 5000


@dataclass(frozen=True)
class DemoSize:
    products: int = 200
    bins: int = 400
    customers: int = 300
    orders: int = 500
    channels: tuple[str, ...] = ("web", "shopify", "marketplace", "phone")


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    products: int
    bins: int
    stock: int
    customers: int
    addresses: int
    orders: int
    order_lines: int
    first_order_id: int
    method: str  # copy or executemany
    elapsed_s: float

    @property
    def rows(self) -> int:
        return (self.products + self.bins + self.stock + self.customers + self.addresses
                + self.orders + self.order_lines)


def generate(engine: Engine, size: DemoSize = DemoSize(), seed: int = 42, *,
             now: datetime | None = None, batch_size: int = BATCH_SIZE,
             method: str = "auto") -> DemoSummary:
    """Insert one demo data set. ``method``: "auto" (COPY on PostgreSQL), "copy" or "executemany"."""
    now = _check_now(now)
    started = time.perf_counter()
    with engine.connect() as conn:
        copy = _use_copy(conn, method)
        start = max_ids(conn)
        _validate(size, start["products"])
        _check_free(conn, size, start)
        conn.commit()  # end the read transaction; each batch opens its own
        try:
            counts = _write_all(conn, _Run(size, seed, now, start, batch_size, copy))
        finally:
            reset_sequences(conn)  # even after a failure, for the batches that did commit
    return DemoSummary(seed=seed, first_order_id=start["orders"] + 1,
                       method="copy" if copy else "executemany",
                       elapsed_s=round(time.perf_counter() - started, 3), **counts)


def _use_copy(conn: Connection, method: str) -> bool:
    if method not in ("auto", "copy", "executemany"):
        raise ValueError(f"method must be auto, copy or executemany, got {method!r}")
    if method == "copy" and not can_copy(conn):
        raise ValueError("method='copy' needs PostgreSQL through psycopg")
    return method == "copy" or (method == "auto" and can_copy(conn))


def generate_from_args(url: str, products: int, bins: int, customers: int, orders: int,
                       seed: int = 42) -> DemoSummary:
    """For the CLI: plain values in, summary out; the engine is closed afterwards."""
    from server.db import make_engine  # here, so importing the package opens nothing

    engine = make_engine(url)
    try:
        return generate(engine, DemoSize(products, bins, customers, orders), seed)
    finally:
        engine.dispose()


def _check_now(now: datetime | None) -> datetime:
    if now is None:
        return DEFAULT_NOW
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (orders store aware UTC timestamps)")
    return now.astimezone(timezone.utc)


def _validate(size: DemoSize, max_product_id: int) -> None:
    if min(size.products, size.bins, size.customers, size.orders) < 0:
        raise ValueError(f"sizes must not be negative: {size}")
    if size.products and not size.bins:
        raise ValueError("products need at least one bin to be stocked in")
    if size.orders and not (size.products and size.customers and size.channels):
        raise ValueError("orders need at least one product, one customer and one channel")
    if max_product_id + size.products > R.MAX_PRODUCT_ID:
        raise DemoDataError(f"GTINs use a 5-digit item number: product ids stop at "
                            f"{R.MAX_PRODUCT_ID} (last would be {max_product_id + size.products})")


def _check_free(conn: Connection, size: DemoSize, start: dict[str, int]) -> None:
    pids = range(start["products"] + 1, start["products"] + 1 + size.products)
    check_codes_free(conn, [f"SKU-{p:05d}" for p in pids],
                     [make_gtin13(f"{R.GS1_COMPANY_PREFIX}{p:05d}") for p in pids],
                     [b["code"] for b in R.bin_rows(start["bins"] + 1, size.bins)])
    if size.orders:
        check_external_ids_free(conn, size.channels, start["orders"] + 1, start["orders"] + size.orders)


@dataclass(frozen=True)
class _Run:
    size: DemoSize
    seed: int
    now: datetime
    start: dict[str, int]  # max(id) per table before the run
    batch: int
    copy: bool

    def rng(self, table: str) -> Random:
        # One stream per table: drawing more customers leaves product rows unchanged.
        return Random(f"colis-demo:{self.seed}:{table}")

    def ids(self, table: str, count: int) -> range:
        return range(self.start[table] + 1, self.start[table] + 1 + count)


def _write_all(conn: Connection, run: _Run) -> dict[str, int]:
    size = run.size
    products = R.product_rows(run.rng("products"), run.start["products"] + 1, size.products)
    prices = array("q", (p["price_cents"] for p in products))
    counts = {"products": insert_batches(conn, "products", products, run.batch, run.copy)}
    del products
    bins = R.bin_rows(run.start["bins"] + 1, size.bins)
    counts["bins"] = insert_batches(conn, "bins", bins, run.batch, run.copy)
    stock = R.stock_rows(run.rng("stock"), run.start["stock"] + 1, run.ids("products", size.products),
                         run.ids("bins", size.bins), R.stock_per_product(size.orders, size.products))
    counts["stock"] = insert_batches(conn, "stock", stock, run.batch, run.copy)
    book = R.CustomerBook(run.start["customers"] + 1, array("q"), array("b"))
    counts.update(_write_customers(conn, run, book))
    plan = R.OrderPlan(size.channels, run.now, run.start["products"] + 1, prices, book)
    counts.update(_write_orders(conn, run, plan))
    return counts


def _write_customers(conn: Connection, run: _Run, book: R.CustomerBook) -> dict[str, int]:
    generated = R.customers_and_addresses(run.rng("customers"), run.start["customers"] + 1,
                                          run.start["addresses"] + 1, run.size.customers, book)
    n_customers = n_addresses = 0
    for chunk in chunks(generated, run.batch):
        addresses = [a for _, pair in chunk for a in pair]
        insert_together(conn, [("customers", [c for c, _ in chunk]), ("addresses", addresses)], run.copy)
        n_customers, n_addresses = n_customers + len(chunk), n_addresses + len(addresses)
    return {"customers": n_customers, "addresses": n_addresses}


def _write_orders(conn: Connection, run: _Run, plan: R.OrderPlan) -> dict[str, int]:
    n_lines = 0
    # PostgreSQL: the server checks keys and indexes one batch while Python builds the next
    # (2 cores: ~1.6x). SQLite connections stay on their own thread.
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending = None
        for orders, lines in _order_batches(run, plan):
            if pending is not None:
                pending.result()  # one batch in flight at most: memory stays bounded
            parts = [("orders", orders), ("order_lines", lines)]
            if conn.dialect.name == "postgresql":
                pending = writer.submit(insert_together, conn, parts, run.copy)
            else:
                insert_together(conn, parts, run.copy)
            n_lines += len(lines)
        if pending is not None:
            pending.result()
    return {"orders": run.size.orders, "order_lines": n_lines}


def _order_batches(run: _Run, plan: R.OrderPlan) -> Iterator[tuple[list[dict], list[dict]]]:
    rng, count, first_id = run.rng("orders"), run.size.orders, run.start["orders"] + 1
    line_id = run.start["order_lines"] + 1
    for first in range(0, count, run.batch):
        orders, lines = [], []
        for index in range(first, min(first + run.batch, count)):
            order, order_lines = R.order_with_lines(rng, plan, index, first_id + index, line_id)
            orders.append(order)
            lines.extend(order_lines)
            line_id += len(order_lines)
        yield orders, lines
