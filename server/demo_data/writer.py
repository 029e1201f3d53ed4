"""Database side of the demo generator: id offsets, collision checks, batched inserts.

Rows go in batches, one transaction per batch, with ids chosen here so order lines
reference their order without a round trip: SQLAlchemy Core ``executemany`` on any
database, or COPY on PostgreSQL + psycopg (the only way to 1M orders in well under
five minutes on a 2-core box, measured in bench/README.md).
"""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator

from sqlalchemy import Connection, Table, func, insert, select, text

from server.demo_data.rows import EXTERNAL_ID_BASE, external_id
from server.models import Address, Bin, Customer, Order, OrderLine, Product, Stock

TABLES: dict[str, Table] = {m.__tablename__: m.__table__ for m in
                            (Product, Bin, Stock, Customer, Address, Order, OrderLine)}


class DemoDataError(RuntimeError):
    """The generator refuses to run (it would collide with rows already there)."""


def max_ids(conn: Connection) -> dict[str, int]:
    return {name: conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()
            for name, t in TABLES.items()}


def chunks(rows: Iterable, size: int) -> Iterator[list]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def can_copy(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def insert_batches(conn: Connection, table: str, rows: Iterable[dict], size: int, copy: bool) -> int:
    count = 0
    for batch in chunks(rows, size):
        insert_together(conn, [(table, batch)], copy)
        count += len(batch)
    return count


def insert_together(conn: Connection, parts: list[tuple[str, list[dict]]], copy: bool) -> None:
    """One transaction for a parent batch and its children (customers+addresses, orders+lines)."""
    with conn.begin():
        for table, rows in parts:
            if rows and copy:
                copy_rows(conn, table, rows)
            elif rows:
                conn.execute(insert(TABLES[table]), rows)


def copy_rows(conn: Connection, table: str, rows: list[dict]) -> None:
    """PostgreSQL COPY inside the current transaction: ~8x an INSERT executemany here (bench/README.md).

    It skips SQLAlchemy's bind processing, so the values must already be what the column
    types would send: the builders only make aware UTC datetimes (UtcDateTime's rule).
    """
    from psycopg import sql  # only reached on the psycopg driver

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL: explicit ids do not advance SERIAL sequences; move them past max(id)."""
    if conn.dialect.name != "postgresql":
        return  # SQLite picks max(rowid) + 1 by itself
    with conn.begin():
        for name in TABLES:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"))


def check_codes_free(conn: Connection, skus: list[str], gtins: list[str], bin_codes: list[str]) -> None:
    """Products and bins are small tables: compare against every existing code."""
    products, bins = TABLES["products"], TABLES["bins"]
    existing = conn.execute(select(products.c.sku, products.c.gtin)).all()
    taken = ({s for s, _ in existing} & set(skus)) | ({g for _, g in existing} & set(gtins))
    taken |= set(conn.scalars(select(bins.c.code))) & set(bin_codes)
    if taken:
        raise DemoDataError(f"demo codes already used by existing rows: {sorted(taken)[:5]}")


def check_external_ids_free(conn: Connection, channels: tuple[str, ...], first_id: int,
                            last_id: int) -> None:
    """Refuse if any existing order of a demo channel has an external id in the demo range.

    Conservative (the whole range per channel, not only the ids that channel gets) and
    cheap: same-length digit strings sort like numbers, so the unique index serves a
    range scan instead of loading every external id.
    """
    orders = TABLES["orders"]
    for channel in dict.fromkeys(channels):
        for lo, hi in same_length_ranges(EXTERNAL_ID_BASE + first_id, EXTERNAL_ID_BASE + last_id):
            a, b = external_id(channel, lo - EXTERNAL_ID_BASE), external_id(channel, hi - EXTERNAL_ID_BASE)
            hit = conn.scalar(select(orders.c.external_id).where(
                orders.c.channel == channel, orders.c.external_id.between(a, b),
                func.length(orders.c.external_id) == len(a)).limit(1))
            if hit is not None:
                raise DemoDataError(f"order {channel}/{hit} already exists: demo external ids "
                                    f"{a}..{b} would collide")


def same_length_ranges(lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Split [lo, hi] where the digit count changes: (99998, 100001) -> (99998, 99999), (100000, 100001)."""
    while lo <= hi:
        top = min(hi, 10 ** len(str(lo)) - 1)
        yield lo, top
        lo = top + 1
