"""Orders a supervisor puts on hold, and releases: the floor does not start a held order.

A hold takes the order's waiting tasks off the floor (``released`` false, as a wave does before
it releases them) and remembers which were claimable, so the release puts back exactly those.
A wave or an allocation never releases a held order (services/waves.py, allocation.py ask
``is_held``). An order a station is working on cannot be held (ask the operator to stop), nor
one that has left (shipped and after) or was cancelled.
"""
from __future__ import annotations

from sqlalchemy import exists, select

from server.models import Order
from server.models.orders import OrderHold
from server.models._types import utcnow
from server.services.locking import lock_tasks_of_order
from server.services.unit_of_work import UnitOfWork

FINAL = ("shipped", "delivered", "returned_to_sender", "returned", "cancelled")
REASON_MAX = 200


class CannotHold(Exception):
    """Why this order cannot be held or released now (a sentence for the supervisor)."""


def is_held(session, order_id: int) -> bool:
    return session.get(OrderHold, order_id) is not None


def not_held(order_id_column):
    """A WHERE clause: the order of this column is not on hold (waves, claims)."""
    return ~exists(select(OrderHold.order_id).where(OrderHold.order_id == order_id_column))


def hold_order(uow: UnitOfWork, order_id: int, reason: str, actor: str) -> OrderHold:
    """Put an order on hold (call inside ``with uow``)."""
    reason = " ".join(reason.split())[:REASON_MAX]
    if not reason:
        raise ValueError("a hold needs a reason")
    db = uow.session
    tasks = lock_tasks_of_order(db, order_id)  # waits for a claim in flight, then sees it
    order = db.get(Order, order_id)
    if order is None:
        raise LookupError(f"no order {Order.reference_of(order_id)}")
    db.refresh(order)
    if order.status in FINAL:
        raise CannotHold(f"{order.reference} is {order.status}")
    if is_held(db, order_id):
        raise CannotHold(f"{order.reference} is already on hold")
    if any(task.status == "assigned" for task in tasks):
        raise CannotHold(f"{order.reference}: a station is working on it")
    waiting = [task for task in tasks if task.status == "open" and task.released]
    for task in waiting:
        task.released = False
    hold = OrderHold(order_id=order_id, reason=reason, actor=actor[:64], held_at=utcnow(),
                     task_ids=[task.id for task in waiting])
    db.add(hold)
    db.flush()
    uow.emit("order_on_hold", order=order.reference, reason=reason, actor=actor)
    return hold


def release_hold(uow: UnitOfWork, order_id: int, actor: str) -> Order:
    """Release a held order: the tasks it kept off the floor are claimable again."""
    db = uow.session
    tasks = {task.id: task for task in lock_tasks_of_order(db, order_id)}
    hold = db.get(OrderHold, order_id)
    order = db.get(Order, order_id)
    if hold is None or order is None:
        raise CannotHold(f"{Order.reference_of(order_id)} is not on hold")
    from server.services.waves import releases_at_once

    kinds = set()
    for task in tasks.values():
        # Those the hold took off the floor, and those allocated meanwhile that would have gone
        # straight to the floor; the others wait for their wave as any order does.
        was_waiting = task.id in (hold.task_ids or []) or releases_at_once(uow, task.kind)
        if task.status == "open" and not task.released and was_waiting:
            task.released = True
            kinds.add(task.kind)
    db.delete(hold)
    db.flush()
    uow.emit("order_hold_released", order=order.reference, actor=actor)
    for kind in sorted(kinds):
        uow.emit("tasks_waiting", kind=kind)
    return order


def drop_hold(uow: UnitOfWork, order_id: int) -> None:
    """A cancelled order's hold goes with it (nothing left to release)."""
    hold = uow.session.get(OrderHold, order_id)
    if hold is not None:
        uow.session.delete(hold)
        uow.session.flush()
