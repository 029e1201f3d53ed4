"""Stock a supervisor can question: per product, on hand, reserved and available, by bin, and
who holds the reservations ("why can't I have it?"). Read only.

``reserved`` on a stock row is the sum of what open or assigned tasks still have to take from
that bin (each pick line's quantity less what was already picked); ``holders`` lists them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import or_, select

from server.models import Bin, Order, Product, Station, Stock, Task, TaskLine


@dataclass(frozen=True)
class BinStock:
    bin: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class Holder:
    """A task line that keeps units of the product reserved in one bin."""

    bin: str
    units: int  # still to be taken
    task_id: int
    task_status: str
    order: str | None
    order_status: str | None
    released: bool
    station: str | None


@dataclass(frozen=True)
class ProductStock:
    sku: str
    name: str
    bins: list[BinStock] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)

    @property
    def on_hand(self) -> int:
        return sum(row.on_hand for row in self.bins)

    @property
    def reserved(self) -> int:
        return sum(row.reserved for row in self.bins)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def as_dict(self) -> dict:
        return {"sku": self.sku, "name": self.name, "on_hand": self.on_hand, "reserved": self.reserved,
                "available": self.available,
                "bins": [{**asdict(row), "available": row.available} for row in self.bins],
                "holders": [asdict(holder) for holder in self.holders]}


def find_product(session, key: str) -> Product | None:
    """By SKU or GTIN (what a supervisor has in hand)."""
    key = (key or "").strip()
    return session.scalars(select(Product).where(or_(Product.sku == key, Product.gtin == key))).first()


def product_stock(session, product: Product) -> ProductStock:
    bins = [BinStock(code, on_hand, reserved) for code, on_hand, reserved in session.execute(
        select(Bin.code, Stock.on_hand, Stock.reserved).join(Bin, Bin.id == Stock.bin_id)
        .where(Stock.product_id == product.id).order_by(Bin.code))]
    holders = [Holder(code, quantity - done, task_id, str(status), Order.reference_of(order_id) if order_id else None,
                      str(order_status) if order_status else None, released, station)
               for code, quantity, done, task_id, status, order_id, order_status, released, station in session.execute(
                   select(Bin.code, TaskLine.quantity, TaskLine.done_qty, Task.id, Task.status, Order.id,
                          Order.status, Task.released, Station.code)
                   .join(Task, Task.id == TaskLine.task_id).join(Bin, Bin.id == TaskLine.bin_id)
                   .outerjoin(Order, Order.id == Task.order_id).outerjoin(Station, Station.id == Task.station_id)
                   .where(TaskLine.product_id == product.id, Task.kind == "pick",
                          Task.status.in_(("open", "assigned")), TaskLine.quantity > TaskLine.done_qty)
                   .order_by(Bin.code, Task.id))]
    return ProductStock(product.sku, product.name, bins, holders)
