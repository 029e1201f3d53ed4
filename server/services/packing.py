"""Packing: a verified box gets its SSCC, its carrier booking and its shipping label.

The label is a print job kept in the database: if the printer is out of paper the
job stays ``failed`` and the station prints it again; the parcel is never lost.
"""
from __future__ import annotations

from labels import LabelAddress, ShippingLabelData, make_sscc, shipping_label
from server import carriers
from server.models import Package, PrintJob, Station, Task
from server.models._types import utcnow
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
    booking = carriers.book(package.id, order.service_level)
    package.carrier, package.service, package.tracking_number = (
        booking.carrier, booking.service, booking.tracking_number)
    session.add(PrintJob(station_id=station.id, package_id=package.id, kind="shipping",
                         zpl=shipping_label(_label_data(uow, package), dpi=settings.label_dpi).decode("utf-8")))
    uow.emit("task_completed", task_id=task.id, kind="pack", order=order.reference, station=station.code)


def _label_data(uow: UnitOfWork, package: Package) -> ShippingLabelData:
    order, address = package.order, package.order.ship_address
    recipient = LabelAddress(name=address.name, line1=address.line1, line2=address.line2,
                             postal_code=address.postal_code, city=address.city, country=address.country,
                             phone=order.customer.phone)
    return ShippingLabelData(sender=LabelAddress(**uow.settings.warehouse_address), recipient=recipient,
                             carrier=package.carrier, service=package.service,
                             tracking_number=package.tracking_number, sscc=package.sscc,
                             order_ref=order.reference, weight_g=package.weight_g,
                             ship_date=utcnow().date(),
                             company_prefix_length=len(uow.settings.gs1_company_prefix))
