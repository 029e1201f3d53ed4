"""Short picks: the picker says a bin lacks the units a line still needs.

In the transaction of the picker's key (the pick scenario's ``short_pick`` effect):

1. The shortage is recorded: the line keeps what was picked (``quantity`` drops to it,
   ``short_qty`` says how many were missing), and the bin's stock loses the missing units
   (on hand and reserved together: never negative, reservations still the sum of open lines),
   so no other order is allocated units the picker could not find.
2. The bin gets a cycle count (server/services/counting.py), unless one is open already: the
   count says what the bin really holds and corrects on hand, audited.
3. The missing units are re-allocated from the product's other bins in the task's warehouse
   (fullest first) as new lines of the same task, walked in route order, so the picker is sent there; if the other
   bins do not hold them all, nothing is re-allocated (a parcel leaves complete or not at all)
   and the order stops short (status ``short``, ``short_reason``): the picker finishes the rest
   and the tote goes to the supervisor instead of packing.
4. ``short_pick`` is emitted (audit trail, dashboard) and the low-stock check runs.
"""
from __future__ import annotations

from server.domain.route import sort_by_route
from server.domain.statuses import OrderStatus
from server.models import Bin, Station, Stock, Task, TaskLine
from server.services import counting
from server.services import stock as stock_levels
from server.services.locking import lock_stock_by_warehouse
from server.services.unit_of_work import UnitOfWork

REASON_TEXT = {"empty": "bin empty", "short": "not enough in the bin", "damaged": "units damaged"}


def short_pick(uow: UnitOfWork, station: Station, *, task_id: int, line_id: int, reason: str) -> None:
    db = uow.session
    task = db.get(Task, task_id)
    if task is None or task.kind != "pick" or task.station_id != station.id or task.status != "assigned":
        raise LookupError(f"task {task_id} is not a pick this station holds")
    line = next((line for line in task.lines if line.id == line_id), None)
    missing = 0 if line is None else line.quantity - line.done_qty
    if missing <= 0:
        raise LookupError(f"line {line_id} of task {task_id} has nothing left to pick")
    # The same warehouse's bins only: the picker walks this floor, not another site's.
    rows = [row for row, where in lock_stock_by_warehouse(db, [line.product_id])
            if where == task.warehouse_id or row.bin_id == line.bin_id]
    here = next(row for row in rows if row.bin_id == line.bin_id)
    here.on_hand -= missing
    here.reserved -= missing
    line.quantity -= missing
    line.short_qty += missing
    bin_code = line.bin.code
    elsewhere = _plan_elsewhere(rows, here, missing)
    if elsewhere:
        _reallocate(task, line, elsewhere, uow.settings.layout)
    else:
        _stop_short(task, line, missing, reason)
    db.flush()
    uow.emit("short_pick", task_id=task.id, order=task.order.reference, station=station.code, bin=bin_code,
             sku=line.product.sku, product_id=line.product_id, missing=missing, reason=reason,
             reallocated_to=[f"{db.get(Bin, row.bin_id).code}:{units}" for row, units in elsewhere],
             held=not elsewhere)
    _count_the_bin(uow, bin_code, reason, task)
    stock_levels.check_reorder_points(uow, [line.product_id])


def _plan_elsewhere(rows: list[Stock], here: Stock, missing: int) -> list[tuple[Stock, int]]:
    """The other bins' free units covering ``missing``, fullest bin first; [] if they cannot."""
    plan, wanted = [], missing
    others = (row for row in rows if row is not here)
    for row in sorted(others, key=lambda row: (-(row.on_hand - row.reserved), row.id)):
        take = min(wanted, row.on_hand - row.reserved)
        if take > 0:
            plan.append((row, take))
            wanted -= take
    return plan if wanted == 0 else []


def _reallocate(task: Task, line: TaskLine, plan: list[tuple[Stock, int]], layout) -> None:
    for row, units in plan:
        row.reserved += units
        task.lines.append(TaskLine(sequence=0, order_line_id=line.order_line_id, product_id=line.product_id,
                                   bin_id=row.bin_id, quantity=units, done_qty=0))
    # What is left is walked in route order from here on; finished lines keep their place first.
    done = [each for each in task.lines if each.quantity - each.done_qty <= 0]
    todo = [each for each in task.lines if each.quantity - each.done_qty > 0]
    bins = {row.bin_id: row.bin.code for row, _ in plan}
    ordered = sort_by_route(todo, lambda each: each.bin.code if each.bin is not None else bins[each.bin_id],
                            layout)
    for sequence, each in enumerate([*done, *ordered]):
        each.sequence = sequence


def _stop_short(task: Task, line: TaskLine, missing: int, reason: str) -> None:
    order = task.order
    said = REASON_TEXT.get(reason, reason)
    why = f"{line.product.sku}: {missing} missing in {line.bin.code} ({said}), none elsewhere"
    order.short_reason = why[:200] if not order.short_reason else f"{order.short_reason}; {why}"[:200]
    order.status = OrderStatus.SHORT


def _count_the_bin(uow: UnitOfWork, bin_code: str, reason: str, task: Task) -> None:
    why = f"short pick ({REASON_TEXT.get(reason, reason)}), {task.order.reference}"
    try:
        counting.create_count(uow, bin_code, why, actor="system")
    except counting.CountRefused:
        pass  # a count of this bin is open already (or nothing left to count): it will tell
