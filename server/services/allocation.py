"""Reserve stock for new orders and turn them into pick tasks; cancel orders not on the floor yet.

All or nothing per order: a parcel leaves complete or not at all, so an order
whose lines cannot all be reserved is backordered and reserves nothing. Its pick task is
released to the floor at once, or waits for a wave (server/services/waves.py), as the
release policy says.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.domain.route import sort_by_route
from server.domain.statuses import OrderStatus
from server.domain.waves import service_rank
from server.models import Order, Stock, Task, TaskLine
from server.services import holds
from server.services import stock as stock_levels
from server.services import waves
from server.models.warehouses import DEFAULT_WAREHOUSE_ID
from server.services.locking import lock_stock_by_warehouse, lock_stock_for, lock_tasks_of_order
from server.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Shortage:
    sku: str
    wanted: int
    available: int


class InsufficientStock(Exception):
    def __init__(self, order_ref: str, shortages: list[Shortage]):
        self.order_ref = order_ref
        self.shortages = shortages
        detail = ", ".join(f"{s.sku} {s.available}/{s.wanted}" for s in shortages)
        super().__init__(f"{order_ref}: not enough stock ({detail})")


def allocate_order(uow: UnitOfWork, order_id: int, *, top_up: bool = True, stock: list[Stock] | None = None) -> Task:
    """Reserve every line of one order and create its pick task (call inside ``with uow``).

    The task is claimable at once unless orders are released in waves; then auto-release
    tops the waiting tasks up (``top_up``; ``allocate_new_orders`` does it once at its end)."""
    session = uow.session
    order = session.get(Order, order_id)
    if order.status not in (OrderStatus.NEW, OrderStatus.BACKORDERED):  # reserved once, never twice
        raise ValueError(f"{order.reference} is {order.status}: only a new or backordered order is allocated")
    if stock is None:  # routing passes the rows of the order's warehouse, already locked
        stock = _stock_in_warehouse(session, order)
    plan, shortages = _plan_picks(order, stock)
    if shortages:
        order.status = "backordered"
        raise InsufficientStock(order.reference, shortages)
    # A held order's task waits off the floor until the hold is released (services/holds.py).
    released = waves.releases_at_once(uow, "pick") and not holds.is_held(session, order.id)
    task = Task(kind="pick", order_id=order.id, priority=_priority(order), released=released,
                warehouse_id=order.warehouse_id or DEFAULT_WAREHOUSE_ID)
    # The floor's own geometry (LAYOUT / LAYOUT_FILE): the batch walk routes with the same one.
    for sequence, (line, row, qty) in enumerate(sort_by_route(plan, lambda p: p[1].bin.code, uow.settings.layout)):
        row.reserved += qty
        task.lines.append(TaskLine(sequence=sequence, order_line_id=line.id, product_id=line.product_id,
                                   bin_id=row.bin_id, quantity=qty))
    session.add(task)
    order.status = "allocated"
    session.flush()
    uow.emit("order_allocated", order=order.reference, task_id=task.id)
    stock_levels.check_reorder_points(uow, {line.product_id for line in order.lines})
    if released:
        uow.emit("tasks_waiting", kind="pick")
    elif top_up:
        waves.auto_release(uow, "pick")
    return task


def allocate_new_orders(uow: UnitOfWork, limit: int = 500) -> tuple[int, int]:
    """Allocate the oldest new orders, each in its own savepoint. Returns (allocated, backordered)."""
    ids = uow.session.scalars(select(Order.id).where(Order.status == "new")
                              .order_by(Order.promised_ship_by, Order.id).limit(limit)).all()
    from server.services.routing import route_order  # routing allocates through allocate_order

    allocated = backordered = 0
    for order_id in ids:
        try:
            with uow.session.begin_nested():
                # Routed first: which warehouse(s) and carrier, then reserved there.
                routed = route_order(uow, order_id, top_up=False)
        except InsufficientStock:
            uow.session.get(Order, order_id).status = "backordered"
            backordered += 1
            continue
        if routed.orders:
            allocated += 1
        else:
            backordered += 1
    if allocated:
        waves.auto_release(uow, "pick")
    return allocated, backordered


class CannotCancel(Exception):
    """The order is on the floor (or further): cancelling it now is a supervisor's put-away."""


CANCELLABLE = ("new", "backordered", "allocated")


def cancel_order(uow: UnitOfWork, order_id: int, *, actor: str, reason: str = "") -> Order:
    """Cancel an order no station has started (call inside ``with uow``): its pick task is
    withdrawn and every unit it reserved is free again. An order released in a wave, or
    whose task a station holds, is refused (``CannotCancel``)."""
    db = uow.session
    order = db.get(Order, order_id)
    if order is None:
        raise LookupError(f"no order {Order.reference_of(order_id)}")
    tasks = lock_tasks_of_order(db, order.id)  # waits for a claim in flight, then sees it
    db.refresh(order)
    if order.status not in CANCELLABLE:
        where = f" (released in wave {order.wave_id})" if order.wave_id else ""
        raise CannotCancel(f"{order.reference} is {order.status}{where}: it can no longer be cancelled")
    if any(task.status == "assigned" for task in tasks):
        raise CannotCancel(f"{order.reference}: a station is picking it")
    freed = 0
    for task in (task for task in tasks if task.status == "open"):
        stock = {(row.product_id, row.bin_id): row
                 for row in lock_stock_for(db, sorted({line.product_id for line in task.lines}))}
        for line in task.lines:
            row = stock[(line.product_id, line.bin_id)]
            row.reserved -= line.quantity - line.done_qty
            freed += line.quantity - line.done_qty
        task.status = "cancelled"
    order.status = "cancelled"
    holds.drop_hold(uow, order.id)  # nothing left to release
    db.flush()
    uow.emit("order_cancelled", order=order.reference, actor=actor, reason=reason[:200], units_freed=freed)
    stock_levels.check_reorder_points(uow, {line.product_id for line in order.lines})  # back above: re-armed
    return order


def _stock_in_warehouse(session, order: Order) -> list[Stock]:
    """The order's products' stock rows, locked: in its warehouse once routed, else anywhere."""
    rows = lock_stock_by_warehouse(session, sorted({line.product_id for line in order.lines}))
    return [row for row, where in rows if order.warehouse_id is None or where == order.warehouse_id]


def _plan_picks(order: Order, stock: list[Stock]):
    """Take each line from as few bins as possible, fullest bin first."""
    free = {row.id: row.on_hand - row.reserved for row in stock}
    plan, shortages = [], []
    for line in order.lines:
        rows = sorted((r for r in stock if r.product_id == line.product_id), key=lambda r: -free[r.id])
        wanted = line.quantity
        for row in rows:
            take = min(wanted, free[row.id])
            if take > 0:
                plan.append((line, row, take))
                free[row.id] -= take
                wanted -= take
        if wanted:
            shortages.append(Shortage(line.product.sku, line.quantity, line.quantity - wanted))
    return plan, shortages


def _priority(order: Order) -> int:
    return service_rank(order.service_level)
