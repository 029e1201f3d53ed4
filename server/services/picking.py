"""Picking: each unit leaves its bin into the tote; a finished pick becomes a pack task."""
from __future__ import annotations

from sqlalchemy import bindparam, update

from server.domain.statuses import OrderStatus
from server.models import Station, Stock, Task, TaskLine
from server.models._types import utcnow
from server.services.unit_of_work import UnitOfWork


_stock = Stock.__table__
TAKE_ONE = (update(_stock).where(_stock.c.product_id == bindparam("product"), _stock.c.bin_id == bindparam("bin"))
            .values(on_hand=_stock.c.on_hand - bindparam("units"), reserved=_stock.c.reserved - bindparam("units")))


def take_from_bin(session, product_id: int, bin_id: int | None, units: int = 1) -> None:
    # The unit leaves the bin: it is no longer on hand there, nor reserved. One UPDATE,
    # computed by the database, so concurrent picks from the same bin never lose a unit.
    session.connection().execute(TAKE_ONE, {"product": product_id, "bin": bin_id, "units": units})


def complete_pick(uow: UnitOfWork, station: Station, *, task_id: int) -> None:
    """Every unit is in the tote: the order goes to packing as one pack task."""
    task = uow.session.get(Task, task_id)
    task.status, task.completed_at = "done", utcnow()
    if task.order.status == OrderStatus.SHORT:
        # A line short in every bin (short_picks.py): the tote goes to the supervisor, not packing.
        uow.emit("task_completed", task_id=task.id, kind="pick", order=task.order.reference, station=station.code,
                 short=True, reason=task.order.short_reason)
        return
    task.order.status = "picked"
    pack = Task(kind="pack", order_id=task.order_id, priority=task.priority, tote=task.tote,
                warehouse_id=task.warehouse_id)  # packed where it was picked
    totals: dict[int, TaskLine] = {}
    for line in task.lines:
        merged = totals.get(line.order_line_id)
        if merged is None:
            totals[line.order_line_id] = merged = TaskLine(
                sequence=len(totals), order_line_id=line.order_line_id, product_id=line.product_id,
                quantity=0)
            pack.lines.append(merged)
        merged.quantity += line.quantity
    uow.session.add(pack)
    uow.session.flush()
    uow.emit("task_completed", task_id=task.id, kind="pick", order=task.order.reference,
             station=station.code)
    uow.emit("tasks_waiting", kind="pack")
