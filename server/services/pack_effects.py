"""The pack bench's effects (domain/scenarios/packing.py decides, these apply; one transaction).

Taking an order by its tote and releasing one are conditional UPDATEs: two benches scanning
the same tote at once cannot both take it (the loser's scan fails and is answered in red).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from labels import PackingSlipData, SlipLine, packing_slip, shipping_label
from server.domain.packing import PackPolicy
from server.domain.statuses import ORDER, OrderStatus
from server.models import Order, Package, PrintJob, Station, Task, TaskLine
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
                 measured_g: int | None = None) -> None:
    """The parcel is closed (packing.close_parcel: SSCC, carrier, label); the weight the scale
    read goes on the label, and the packing slip prints after it when the floor wants one."""
    packing.close_parcel(uow, station, task_id=task_id)
    package = uow.session.scalars(select(Package).where(Package.task_id == task_id)
                                  .order_by(Package.id.desc()).limit(1)).one()
    expected = package.weight_g
    if measured_g is not None and measured_g != package.weight_g:
        package.weight_g = measured_g
        for job in uow.session.scalars(select(PrintJob).where(PrintJob.package_id == package.id,
                                                              PrintJob.kind == "shipping")):
            job.zpl = shipping_label(packing._label_data(uow, package), dpi=uow.settings.label_dpi).decode("utf-8")
    if _policy(uow).packing_slip:
        uow.session.add(PrintJob(station_id=station.id, package_id=package.id, kind="packing_slip",
                                 zpl=packing_slip(_slip_data(uow, package), dpi=uow.settings.label_dpi)
                                 .decode("utf-8")))
    uow.emit("parcel_closed", task_id=task_id, order=package.order.reference, station=station.code, box=box,
             expected_g=expected, measured_g=measured_g)


def _policy(uow: UnitOfWork) -> PackPolicy:
    policy = getattr(uow.settings, "pack_policy", None) or uow.session.info.get("pack_policy")
    return policy if isinstance(policy, PackPolicy) else PackPolicy()


def _slip_data(uow: UnitOfWork, package: Package) -> PackingSlipData:
    task = uow.session.get(Task, package.task_id)
    lines = tuple(SlipLine(line.product.sku, line.product.name, line.quantity) for line in task.lines)
    return PackingSlipData(package.order.reference, package.order.ship_address.name, lines,
                           ship_date=utcnow().date())
