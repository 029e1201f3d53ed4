"""Benchmark the demo data generator against a same-run floor.

    python bench/bench_demo_data.py --orders 100000
    python bench/bench_demo_data.py --orders 100000 --url postgresql+psycopg://127.0.0.1/mydb

Without --url it creates a database colis_demo_bench_<random> on --server and drops it
afterwards. With --url the tables are created if missing (Base.metadata.create_all) and
the demo rows are appended to whatever is there.

Floor: the same number of rows, one integer column, into a TEMP table on one
connection, in the same batches with one transaction each, by both methods the
generator can use (INSERT executemany and COPY). A temp table is not WAL-logged and
has no index or foreign key, so the floor is optimistic; the ratio says how much of the
generator's time is Python and constraint checks. Nothing is asserted: it only prints.
"""
from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere in the repo

from sqlalchemy import Column, Integer, MetaData, Table, insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server.db import Base, make_engine  # noqa: E402
from server.demo_data import BATCH_SIZE, DemoSize, generate  # noqa: E402
from server.demo_data.writer import chunks, copy_rows  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--bins", type=int, default=4_000)
    parser.add_argument("--customers", type=int, default=None, help="default: orders / 5")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--method", choices=("auto", "copy", "executemany"), default="auto")
    parser.add_argument("--url", help="database to fill (default: a temporary one on --server)")
    parser.add_argument("--server", default="postgresql://127.0.0.1/test",
                        help="where to create and drop the temporary database")
    return parser.parse_args(argv)


def admin_connection(server_url: str):
    import psycopg

    libpq = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(libpq, autocommit=True)


def floor_seconds(engine, rows: int, method: str) -> float:
    """Insert ``rows`` one-column rows into a temp table, batch by batch, each committed."""
    table = Table("bench_floor", MetaData(), Column("n", Integer), prefixes=["TEMPORARY"])
    with engine.connect() as conn:  # one connection: the temp table lives in its session
        table.create(conn)
        conn.commit()
        started = time.perf_counter()
        for batch in chunks(({"n": i} for i in range(rows)), BATCH_SIZE):
            with conn.begin():
                if method == "copy":
                    copy_rows(conn, "bench_floor", batch)
                else:
                    conn.execute(insert(table), batch)
        seconds = time.perf_counter() - started
        table.drop(conn)  # the pooled connection, and so the temp table, outlive this call
        conn.commit()
        return seconds


def run(engine, args) -> None:
    customers = args.customers if args.customers is not None else max(args.orders // 5, 1)
    size = DemoSize(products=args.products, bins=args.bins, customers=customers, orders=args.orders)
    Base.metadata.create_all(engine)
    summary = generate(engine, size, seed=args.seed, method=args.method)
    rate = summary.rows / summary.elapsed_s
    print(f"generator ({summary.method}): {summary.orders} orders, {summary.order_lines} lines, "
          f"{summary.rows} rows in {summary.elapsed_s:.1f} s")
    print(f"  {summary.orders / summary.elapsed_s:,.0f} orders/s, {rate:,.0f} rows/s")
    methods = ("executemany", "copy") if engine.dialect.name == "postgresql" else ("executemany",)
    for method in methods:
        seconds = floor_seconds(engine, summary.rows, method)
        floor_rate = summary.rows / seconds
        print(f"floor ({method}, {summary.rows} one-column rows, temp table): {seconds:.1f} s, "
              f"{floor_rate:,.0f} rows/s; generator/floor = {rate / floor_rate:.2f}")


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.url:
        engine = make_engine(args.url)
        try:
            run(engine, args)
        finally:
            engine.dispose()
        return
    name = f"colis_demo_bench_{uuid.uuid4().hex[:10]}"
    with admin_connection(args.server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = make_url(make_engine(args.server).url).set(database=name)
            engine = make_engine(url.render_as_string(hide_password=False))
            try:
                run(engine, args)
            finally:
                engine.dispose()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
