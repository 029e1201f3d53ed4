"""The pack bench's effects (domain/scenarios/packing.py decides, these apply; one transaction).

Taking an order by its tote and releasing one are conditional UPDATEs: two benches scanning
the same tote at once cannot both take it (the loser's scan fails and is answered in red).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from server.domain.packing import PackPolicy
from server.domain.statuses import ORDER, OrderStatus
from server.models import Order, Station, Task, TaskLine
from server.models._types import utcnow
from server.services import packing
from server.services.unit_of_work import UnitOfWork

_tasks, _lines = Task.__table__, TaskLine.__table__


def take_pack_task(uow: UnitOfWork, station: Station, *, task_id: int) -> None:
    """The order whose tote (or order barcode) was scanned is now this station's."""
    lease = utcnow() + timedelta(seconds=float(getattr(uow.settings, "task_lease_seconds", 90.0)))
    taken = uow.session.execute(
        update(_tasks).where(_tasks.c.id == task_id, _tasks.c.kind == "pack", _tasks.c.status == "open",
                             _tasks.c.released.is_(True))
        .values(status="assigned", station_id=station.id, lease_expires_at=lease)).rowcount
    if taken != 1:
        raise LookupError(f"pack task {task_id} was taken by another station meanwhile")
    order = uow.session.get(Task, task_id).order
    _move_order(order, OrderStatus.PACKING)
    uow.emit("task_assigned", task_id=task_id, kind="pack", order=order.reference, station=station.code)


def release_pack_task(uow: UnitOfWork, station: Station, *, task_id: int, held: bool = True) -> None:
    """Back in the queue (``held`` false: off the floor, for a supervisor), nothing counted lost."""
    released = uow.session.execute(
        update(_tasks).where(_tasks.c.id == task_id, _tasks.c.station_id == station.id,
                             _tasks.c.status == "assigned")
        .values(status="open", station_id=None, lease_expires_at=None, released=held)).rowcount
    if released != 1:
        raise LookupError(f"pack task {task_id} is not held by station {station.code}")
    order = uow.session.get(Task, task_id).order
    _move_order(order, OrderStatus.PICKED)
    uow.emit("task_released", task_id=task_id, kind="pack", order=order.reference, station=station.code)


def _move_order(order: Order, status: OrderStatus) -> None:
    if order.status != status and ORDER.allows(OrderStatus(order.status), status):
        order.status = status


def hand_over(uow: UnitOfWork, station: Station, *, task_id: int, reason: str, operator: str | None) -> None:
    """A problem order goes to a supervisor: off the floor (never claimed again by itself),
    on the dashboard's exceptions (``order_handed_over``), in the audit trail with who and why."""
    order = uow.session.get(Task, task_id).order.reference
    release_pack_task(uow, station, task_id=task_id, held=False)
    uow.emit("order_handed_over", task_id=task_id, order=order, station=station.code, reason=reason,
             operator=operator)


def recount(uow: UnitOfWork, station: Station, *, task_id: int) -> None:
    """The weight did not match: every unit of the parcel is scanned again."""
    uow.session.execute(update(_lines).where(_lines.c.task_id == task_id).values(done_qty=0))
    uow.emit("parcel_recount", task_id=task_id, station=station.code)


def operator_signed(uow: UnitOfWork, station: Station, *, username: str, signed_in: bool) -> None:
    uow.emit("operator_signed_in" if signed_in else "operator_signed_out", user=username, station=station.code)


def close_parcel(uow: UnitOfWork, station: Station, *, task_id: int, box: str | None = None,
                 weights: list[int] | None = None, parcels: int = 1) -> None:
    """The order is closed in ``parcels`` boxes (packing.close_order: each its SSCC, booking,
    label "n of m" and, when the floor wants them, packing slip listing its contents)."""
    order, expected = packing.close_order(uow, station, task_id=task_id, weights=weights, parcels=parcels,
                                          slips=_policy(uow).packing_slip)
    uow.emit("parcel_closed", task_id=task_id, order=order.reference, station=station.code, box=box,
             parcels=parcels, expected_g=expected, weights=weights)


def _policy(uow: UnitOfWork) -> PackPolicy:
    policy = getattr(uow.settings, "pack_policy", None) or uow.session.info.get("pack_policy")
    return policy if isinstance(policy, PackPolicy) else PackPolicy()


def handed_over(session) -> list[dict]:
    """Orders handed to a supervisor at a packing bench, waiting for one: oldest first."""
    rows = session.execute(select(Task.id, Task.order_id).where(Task.kind == "pack", Task.status == "open",
                                                               Task.released.is_(False)).order_by(Task.id))
    return [{"task_id": task_id, "order": Order.reference_of(order_id)} for task_id, order_id in rows]


def send_back(uow: UnitOfWork, order_id: int, actor: str) -> int:
    """The supervisor sorted the problem out: the order's pack task goes back to the benches
    (what was already checked is kept). Returns the task id; LookupError when none waits."""
    task_id = uow.session.scalar(select(Task.id).where(Task.order_id == order_id, Task.kind == "pack",
                                                       Task.status == "open", Task.released.is_(False)))
    if task_id is None:
        raise LookupError(f"{Order.reference_of(order_id)} is not waiting for a supervisor")
    uow.session.execute(update(_tasks).where(_tasks.c.id == task_id).values(released=True))
    uow.emit("order_sent_back", task_id=task_id, order=Order.reference_of(order_id), actor=actor)
    uow.emit("tasks_waiting", kind="pack")
    return task_id
