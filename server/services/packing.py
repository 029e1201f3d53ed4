"""Packing: verify every unit into the box, then SSCC, carrier booking and the shipping label.

The label is a print job kept in the database: if the printer is out of paper the
job stays ``failed`` and the station prints it again; the parcel is never lost.
"""
from __future__ import annotations

from labels import LabelAddress, ShippingLabelData, make_sscc, shipping_label
from server import carriers
from server.domain.scanning import ScannedCode
from server.domain.states import ScreenState
from server.models import Package, PrintJob, Station, Task
from server.models._types import utcnow
from server.services import screens
from server.services.unit_of_work import UnitOfWork
from server.services.verifying import ScanResult, verify_item_scan


def scan_item(uow: UnitOfWork, station: Station, code: ScannedCode) -> ScanResult:
    return verify_item_scan(uow, station, code, on_line=lambda session, line: None,
                            on_complete=close_package)


def close_package(uow: UnitOfWork, station: Station, task: Task) -> dict:
    """Every unit verified: book the carrier and queue the shipping label on this station."""
    session, order = uow.session, task.order
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
    job = PrintJob(station_id=station.id, package_id=package.id, kind="shipping",
                   zpl=shipping_label(_label_data(uow, package), dpi=settings.label_dpi).decode("utf-8"))
    session.add(job)
    session.flush()
    uow.emit("task_completed", task_id=task.id, kind="pack", order=order.reference, station=station.code)
    msg = screens.message(station, "ok", "pack_done")
    return screens.reply(ScreenState.PRINT_LABEL, message=msg, prints=[screens.print_view(job)])


def confirm_print(uow: UnitOfWork, station: Station, job_id: int, ok: bool, error: str = "") -> dict:
    """The station reports what its printer did with a label job (commits)."""
    session = uow.session
    job = session.get(PrintJob, job_id)
    if job is None or job.station_id != station.id:
        raise LookupError(f"print job {job_id} is not this station's")
    if ok:
        _mark_printed(uow, station, job)
        msg = screens.message(station, "ok", "label_printed")
    else:
        job.status, job.error = "failed", (error or "unknown")[:200]
        uow.emit("printer_problem", station=station.code, job_id=job.id, error=job.error)
        msg = screens.message(station, "error", "label_failed", error=job.error)
    session.flush()
    view = screens.screen_for(session, station, msg)
    uow.commit()
    return view


def _mark_printed(uow: UnitOfWork, station: Station, job: PrintJob) -> None:
    if job.status == "printed":
        return  # a replayed confirmation
    job.status, job.error, job.printed_at = "printed", "", utcnow()
    package = uow.session.get(Package, job.package_id) if job.package_id else None
    if package is not None and job.kind == "shipping":
        package.status, package.shipped_at = "shipped", utcnow()
        package.order.status = "shipped"
        uow.emit("order_shipped", order=package.order.reference, tracking=package.tracking_number,
                 carrier=package.carrier, station=station.code)


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
