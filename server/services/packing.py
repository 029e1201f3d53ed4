"""Packing: a verified box gets its SSCC, its carrier booking and its shipping label.

The label is a print job kept in the database: if the printer is out of paper the
job stays ``failed`` and the station prints it again; the parcel is never lost.
"""
from __future__ import annotations

from labels import LabelAddress, ShippingLabelData, make_sscc, shipping_label
from server.domain.shipping.services import BY_CODE
from server.models import Package, PrintJob, Station, Task
from server.models._types import utcnow
from server.models.warehouses import DEFAULT_WAREHOUSE_ID
from server.services import shipping
from server.services.unit_of_work import UnitOfWork


def close_parcel(uow: UnitOfWork, station: Station, *, task_id: int) -> None:
    """Every unit verified: book the carrier and queue the shipping label on this station."""
    session = uow.session
    task = session.get(Task, task_id)
    order = task.order
    task.status, task.completed_at = "done", utcnow()
    order.status = "packed"
    weight = sum(line.product.weight_g * line.quantity for line in task.lines)
    package = Package(order_id=order.id, task_id=task.id, carrier="", service="", weight_g=weight)
    session.add(package)
    session.flush()  # the package id numbers the SSCC and the tracking number
    settings = uow.settings
    package.sscc = make_sscc(settings.sscc_extension_digit, settings.gs1_company_prefix, package.id)
    # The order's carrier service, checked against this weight (re-routed when over its limit).
    shipping.book_package(uow, package)
    session.add(PrintJob(station_id=station.id, package_id=package.id, kind="shipping",
                         zpl=_label_zpl(uow, package)))
    uow.emit("task_completed", task_id=task.id, kind="pack", order=order.reference, station=station.code)


def refresh_label(uow: UnitOfWork, package: Package) -> int:
    """Redraw the package's shipping labels not printed yet (its carrier or weight changed):
    the station prints the new one. Returns how many were redrawn."""
    redrawn = 0
    for job in uow.session.query(PrintJob).filter(PrintJob.package_id == package.id, PrintJob.kind == "shipping",
                                                  PrintJob.status.in_(("queued", "failed"))):
        job.zpl = _label_zpl(uow, package)
        redrawn += 1
    return redrawn


def _label_zpl(uow: UnitOfWork, package: Package) -> str:
    return shipping_label(_label_data(uow, package), dpi=uow.settings.label_dpi).decode("utf-8")


def _sender(uow: UnitOfWork, package: Package) -> dict:
    """The default warehouse prints the configured address (WAREHOUSE_ADDRESS); others their own."""
    if (package.order.warehouse_id or DEFAULT_WAREHOUSE_ID) == DEFAULT_WAREHOUSE_ID:
        return dict(uow.settings.warehouse_address)
    return shipping.warehouse_of(uow.session, package.order).sender()


def _label_data(uow: UnitOfWork, package: Package) -> ShippingLabelData:
    order, address = package.order, package.order.ship_address
    recipient = LabelAddress(name=address.name, line1=address.line1, line2=address.line2,
                             postal_code=address.postal_code, city=address.city, country=address.country,
                             phone=order.customer.phone)
    service = BY_CODE.get(package.service)
    return ShippingLabelData(sender=LabelAddress(**_sender(uow, package)), recipient=recipient,
                             carrier=package.carrier, service=service.name if service else package.service,
                             tracking_number=package.tracking_number, sscc=package.sscc,
                             order_ref=order.reference, weight_g=package.weight_g,
                             ship_date=utcnow().date(),
                             company_prefix_length=len(uow.settings.gs1_company_prefix))
