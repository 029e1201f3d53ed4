"""Traceability: the lot, expiry and serial of the units each pick took, and which orders got a lot.

A pick scan whose GS1 code names a lot (AI 10), an expiry (AI 17) or a serial (AI 21) is kept
as a ``picked_lots`` row in the scan's transaction (``record``, one Core INSERT); a quantity
typed after it is kept as the same lot. ``orders_with_lot`` answers "which orders got lot X?"
(``colis-server trace-lot``, ``GET /api/v1/lots/<lot>``). A lot number is only unique for one
product, so the answer names the product of each row, and ``sku`` narrows it to one.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, insert, select

from server.models import Order, PickedLot, Product, Station, Task
from server.models._types import utcnow

_lots, _tasks = PickedLot.__table__, Task.__table__
# Built once, like the scan path's other statements (docs/performance.md): a scan pays for running
# it, not for building and compiling it. (Bound names differ from column names: SQLAlchemy
# reserves those.)
RECORD = insert(_lots).values(
    task_line_id=bindparam("line"), product_id=bindparam("product"), bin_id=bindparam("bin_of"),
    station_id=bindparam("station_of"), lot=bindparam("lot_no"), expiry=bindparam("expires"),
    serial=bindparam("serial_no"), units=bindparam("taken"), picked_at=bindparam("at"),
    order_id=select(_tasks.c.order_id).where(_tasks.c.id == bindparam("task")).scalar_subquery())


def record(session, station: Station, *, task_id: int, line_id: int, product_id: int, bin_id: int | None,
           units: int, lot: str | None, expiry: str | None, serial: str | None) -> None:
    session.connection().execute(RECORD, {
        "line": line_id, "task": task_id, "product": product_id, "bin_of": bin_id, "station_of": station.id,
        "lot_no": lot, "expires": date.fromisoformat(expiry) if expiry else None, "serial_no": serial,
        "taken": units, "at": utcnow()})


def orders_with_lot(session, lot: str, sku: str | None = None) -> list[dict]:
    """Every order that got units of ``lot`` (of product ``sku`` if given), oldest pick first:
    the order and its status, the product, units, expiry and serials, when and where picked."""
    lot = (lot or "").strip()
    query = (select(PickedLot, Product.sku, Product.name, Order.id, Order.status, Order.channel,
                    Order.external_id, Station.code)
             .join(Product, Product.id == PickedLot.product_id)
             .outerjoin(Order, Order.id == PickedLot.order_id)
             .outerjoin(Station, Station.id == PickedLot.station_id)
             .where(PickedLot.lot == lot).order_by(PickedLot.id))
    if sku:
        query = query.where(Product.sku == sku.strip())
    found: dict[tuple, dict] = {}
    for row, product_sku, name, order_id, status, channel, external_id, station in session.execute(query):
        key = (order_id, product_sku)
        entry = found.get(key)
        if entry is None:
            found[key] = entry = {
                "order": Order.reference_of(order_id) if order_id else None, "status": str(status or ""),
                "channel": channel, "external_id": external_id, "sku": product_sku, "name": name,
                "lot": row.lot, "expiry": row.expiry.isoformat() if row.expiry else None, "units": 0,
                "serials": [], "first_picked_at": row.picked_at.isoformat(), "stations": []}
        entry["units"] += row.units
        if row.serial and row.serial not in entry["serials"]:
            entry["serials"].append(row.serial)
        if station and station not in entry["stations"]:
            entry["stations"].append(station)
    return list(found.values())
