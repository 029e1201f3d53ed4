"""Reserve stock for new orders and turn them into pick tasks.

All or nothing per order: a parcel leaves complete or not at all, so an order
whose lines cannot all be reserved is backordered and reserves nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from server.domain.route import sort_by_route
from server.models import Order, Stock, Task, TaskLine
from server.services.locking import lock_stock_for
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


def allocate_order(uow: UnitOfWork, order_id: int) -> Task:
    """Reserve every line of one order and create its pick task (call inside ``with uow``)."""
    session = uow.session
    order = session.get(Order, order_id)
    stock = lock_stock_for(session, sorted({line.product_id for line in order.lines}))
    plan, shortages = _plan_picks(order, stock)
    if shortages:
        order.status = "backordered"
        raise InsufficientStock(order.reference, shortages)
    task = Task(kind="pick", order_id=order.id, priority=_priority(order))
    for sequence, (line, row, qty) in enumerate(sort_by_route(plan, lambda p: p[1].bin.code)):
        row.reserved += qty
        task.lines.append(TaskLine(sequence=sequence, order_line_id=line.id, product_id=line.product_id,
                                   bin_id=row.bin_id, quantity=qty))
    session.add(task)
    order.status = "allocated"
    session.flush()
    uow.emit("order_allocated", order=order.reference, task_id=task.id)
    uow.emit("tasks_waiting", kind="pick")
    return task


def allocate_new_orders(uow: UnitOfWork, limit: int = 500) -> tuple[int, int]:
    """Allocate the oldest new orders, each in its own savepoint. Returns (allocated, backordered)."""
    ids = uow.session.scalars(select(Order.id).where(Order.status == "new")
                              .order_by(Order.promised_ship_by, Order.id).limit(limit)).all()
    allocated = backordered = 0
    for order_id in ids:
        try:
            with uow.session.begin_nested():
                allocate_order(uow, order_id)
            allocated += 1
        except InsufficientStock:
            uow.session.get(Order, order_id).status = "backordered"
            backordered += 1
    return allocated, backordered


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
    return {"express": 0, "priority": 1}.get(order.service_level, 5)
