"""Cycle counts: a count task for one bin, and the stock adjusted from what the counter found.

``create_count`` lists the products stocked in the bin with the quantity expected now; the
``count`` scenario (server/domain/scenarios/cycle_count.py) collects what the counter finds;
``close_count`` (the effect of its ``done`` key) applies it. Units promised to orders are never
taken away by a count: a bin found short of its reservations is left as it is and reported to
the supervisor (``count_short``). Every line is audited (``stock_counted``: who, why, before,
after), through the unit of work's events.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, update

from server.models import Station, Stock, Task, TaskLine
from server.models._types import utcnow
from server.services import stock as stock_levels
from server.services.locking import lock_bin, lock_stock_in_bin
from server.services.unit_of_work import UnitOfWork

MAX_REASON_CHARS = 200
OPEN = ("open", "assigned")


class CountRefused(ValueError):
    """A count that cannot be created (unknown bin, one already open, nothing stocked there)."""


def create_count(uow: UnitOfWork, bin_code: str, reason: str, *, actor: str | None = None) -> Task:
    """A count task for ``bin_code``: one line per product stocked there, expecting its on-hand now."""
    db = uow.session
    code, reason = (bin_code or "").strip().upper(), (reason or "").strip()
    if not reason:
        raise CountRefused("a count needs a reason (why this bin is counted)")
    if len(reason) > MAX_REASON_CHARS:
        raise CountRefused(f"the reason is longer than {MAX_REASON_CHARS} characters")
    bin_ = lock_bin(db, code)
    if bin_ is None:
        raise CountRefused(f"no bin {bin_code!r}")
    already = db.scalar(select(Task.id).join(TaskLine, TaskLine.task_id == Task.id)
                        .where(Task.kind == "count", Task.status.in_(OPEN), TaskLine.bin_id == bin_.id).limit(1))
    if already is not None:
        raise CountRefused(f"bin {bin_.code} already has an open count (task {already})")
    stock = lock_stock_in_bin(db, bin_.id)
    if not stock:
        raise CountRefused(f"bin {bin_.code} holds no stock to count")
    task = Task(kind="count", order_id=None, reason=reason, priority=0, warehouse_id=bin_.warehouse_id)
    for sequence, row in enumerate(sorted(stock, key=lambda row: row.product_id)):
        task.lines.append(TaskLine(sequence=sequence, order_line_id=None, product_id=row.product_id,
                                   bin_id=bin_.id, quantity=row.on_hand, done_qty=0))
    db.add(task)
    db.flush()
    uow.emit("count_created", task_id=task.id, bin=bin_.code, reason=reason, lines=len(task.lines),
             **({"actor": actor} if actor else {}))
    uow.emit("tasks_waiting", kind="count")
    return task


def close_count(uow: UnitOfWork, station: Station, *, task_id: int, counted: Mapping[str, int]) -> None:
    """Apply a finished count: the stock takes the counted quantity, unless units promised to
    orders are missing (then nothing changes and the supervisor is told)."""
    db = uow.session
    task = db.get(Task, task_id)
    if task is None or task.kind != "count" or task.station_id != station.id or task.status != "assigned":
        raise LookupError(f"task {task_id} is not a count this station holds")
    bin_ = task.lines[0].bin
    rows = {row.product_id: row for row in lock_stock_in_bin(db, bin_.id)}
    differences = 0
    for line in task.lines:
        found = max(0, int(counted.get(str(line.id), 0)))
        row = rows.get(line.product_id)
        if row is None:
            raise LookupError(f"no stock row for product {line.product_id} in bin {bin_.code}")
        before, reserved = row.on_hand, row.reserved
        # One UPDATE computed with the count: it applies only if the count still covers what is
        # promised to orders at that very moment (never negative, never under the reservations).
        adjusted = db.execute(update(Stock).where(Stock.id == row.id, Stock.reserved <= found)
                              .values(on_hand=found).execution_options(synchronize_session=False)).rowcount == 1
        line.done_qty = found
        differences += found != line.quantity
        common = {"task_id": task.id, "station": station.code, "reason": task.reason, "bin": bin_.code,
                  "sku": line.product.sku, "product_id": line.product_id, "expected": line.quantity,
                  "counted": found, "reserved": reserved}
        uow.emit("stock_counted", **common, on_hand_before=before, on_hand_after=found if adjusted else before,
                 adjusted=adjusted)
        if not adjusted:
            uow.emit("count_short", **common, on_hand=before)
    for row in rows.values():
        db.expire(row)  # changed behind the ORM's back: read again when next asked
    task.status, task.completed_at = "done", utcnow()
    uow.emit("task_completed", task_id=task.id, kind="count", station=station.code, bin=bin_.code,
             differences=differences)
    # A count that lowered (or raised) on hand may cross a reorder point: judged now, not at the
    # next allocation of the product.
    stock_levels.check_reorder_points(uow, [line.product_id for line in task.lines])
