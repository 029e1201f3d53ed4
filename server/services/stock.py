"""Stock a supervisor can question: per product, on hand, reserved and available, by bin, and
who holds the reservations ("why can't I have it?"); reorder points and their once-only
low-stock alert.

``reserved`` on a stock row is the sum of what open or assigned tasks still have to take from
that bin (each pick line's quantity less what was already picked); ``holders`` lists them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import func, or_, select

from server.models import Bin, Order, Product, Station, Stock, Task, TaskLine
from server.models._types import utcnow
from server.models.orders import ReorderPoint
from server.services.locking import lock_reorder_points, lock_stock_for
from server.services.unit_of_work import UnitOfWork


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
    reorder: dict | None = None  # {"point", "quantity", "alerted_at"} when one is set

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
                "holders": [asdict(holder) for holder in self.holders], "reorder": self.reorder}


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
    point = session.get(ReorderPoint, product.id)
    reorder = None if point is None else {
        "point": point.point, "quantity": point.quantity,
        "alerted_at": point.alerted_at.isoformat() if point.alerted_at else None}
    return ProductStock(product.sku, product.name, bins, holders, reorder)


# --- reorder points ----------------------------------------------------------------------

class BadReorderPoint(ValueError):
    """A reorder point that cannot be (negative, no quantity)."""


def available_of(session, product_ids) -> dict[int, int]:
    """Available units (on hand less reserved, every bin) of each product."""
    rows = session.execute(select(Stock.product_id, func.sum(Stock.on_hand - Stock.reserved))
                           .where(Stock.product_id.in_(list(product_ids))).group_by(Stock.product_id))
    found = {product_id: int(units or 0) for product_id, units in rows}
    return {product_id: found.get(product_id, 0) for product_id in product_ids}


def check_reorder_points(uow: UnitOfWork, product_ids) -> list[dict]:
    """Raise the low-stock alert of each product whose available stock is at or below its
    reorder point, once: again only after stock went back above the point (re-armed, said
    with ``low_stock_cleared``). Call after anything that lowers or raises available stock,
    inside the transaction that did it. Returns the alerts raised."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    db = uow.session
    points = lock_reorder_points(db, ids)
    if not points:
        return []
    available = available_of(db, [point.product_id for point in points])
    raised = []
    for point in points:
        units = available[point.product_id]
        if units <= point.point and point.alerted_at is None:
            point.alerted_at = utcnow()
            alert = {"sku": point.product.sku, "product_id": point.product_id, "name": point.product.name,
                     "available": units, "reorder_point": point.point, "reorder_quantity": point.quantity}
            uow.emit("low_stock", **alert)
            raised.append(alert)
        elif units > point.point and point.alerted_at is not None:
            point.alerted_at = None
            uow.emit("low_stock_cleared", sku=point.product.sku, product_id=point.product_id, available=units,
                     reorder_point=point.point)
    return raised


def set_reorder_point(uow: UnitOfWork, product: Product, point: int, quantity: int, *, actor: str) -> list[dict]:
    """Store the product's reorder point (and the quantity to reorder) and check it at once."""
    if point < 0 or quantity < 1:
        raise BadReorderPoint("the reorder point must be 0 or more and the quantity to reorder at least 1")
    db = uow.session
    stored = db.get(ReorderPoint, product.id)
    if stored is None:
        stored = ReorderPoint(product_id=product.id, point=point, quantity=quantity, actor=actor[:64])
        db.add(stored)
    elif stored.point != point:
        stored.alerted_at = None  # a new threshold: judged afresh
    stored.point, stored.quantity, stored.actor, stored.updated_at = point, quantity, actor[:64], utcnow()
    db.flush()
    uow.emit("reorder_point_set", sku=product.sku, product_id=product.id, reorder_point=point,
             reorder_quantity=quantity, actor=actor)
    return check_reorder_points(uow, [product.id])


def low_stock(session) -> list[dict]:
    """Every product whose low-stock alert stands (raised, not cleared)."""
    points = session.scalars(select(ReorderPoint).where(ReorderPoint.alerted_at.is_not(None))
                             .order_by(ReorderPoint.alerted_at))
    points = list(points)
    available = available_of(session, [point.product_id for point in points])
    return [{"sku": point.product.sku, "name": point.product.name, "available": available[point.product_id],
             "reorder_point": point.point, "reorder_quantity": point.quantity,
             "alerted_at": point.alerted_at.isoformat()} for point in points]


# --- receipts ------------------------------------------------------------------------------

def restock(uow: UnitOfWork, product: Product, bin_code: str, units: int, *, actor: str) -> Stock:
    """``units`` of ``product`` put away into ``bin_code`` (a delivery received): on hand grows,
    the receipt is audited (``stock_received``), the reorder point judged again."""
    if units < 1:
        raise ValueError("a receipt is at least one unit")
    db = uow.session
    bin_ = db.scalars(select(Bin).where(Bin.code == bin_code.strip().upper())).first()
    if bin_ is None:
        raise LookupError(f"no bin {bin_code!r}")
    row = next((row for row in lock_stock_for(db, [product.id]) if row.bin_id == bin_.id), None)
    if row is None:
        row = Stock(product_id=product.id, bin_id=bin_.id, on_hand=0, reserved=0)
        db.add(row)
    before = row.on_hand
    row.on_hand = before + units
    db.flush()
    uow.emit("stock_received", sku=product.sku, product_id=product.id, bin=bin_.code, units=units,
             on_hand_before=before, on_hand_after=row.on_hand, actor=actor)
    check_reorder_points(uow, [product.id])
    return row
