"""Packing: a verified order is closed in its parcels, each with its SSCC, its carrier booking,
its shipping label and (when the floor wants one) its packing slip.

A label is a print job kept in the database: if the printer is out of paper the job stays
``failed`` and the station prints it again; the parcel is never lost.

Closing is the dearest step of the pack flow (bench/bench_pack_load.py), so it reads what it
needs once: the task with its order, address and customer in one query, the products in one
(parcel_contents.task_products), and writes each table once: the packages in one INSERT (their
ids number the SSCCs and tracking numbers), then everything else in the caller's flush, where
the ORM sends the rows of one table together. A fixed number of statements whatever the number
of lines or parcels (tests/integration/test_pack_close_path.py).
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from labels import (LabelAddress, PackingSlipData, ShippingLabelData, SlipLine, make_sscc, packing_slip,
                    shipping_label)
from server.domain.shipping.services import BY_CODE
from server.models import Order, Package, PrintJob, Station, Task, Warehouse
from server.models._types import utcnow
from server.models.warehouses import DEFAULT_WAREHOUSE_ID
from server.services import parcel_contents, shipping
from server.services.unit_of_work import UnitOfWork

_packages, _print_jobs = Package.__table__, PrintJob.__table__
TASK_WITH_ORDER = (select(Task).options(joinedload(Task.order).joinedload(Order.ship_address),
                                        joinedload(Task.order).joinedload(Order.customer)))


def close_order(uow: UnitOfWork, station: Station, *, task_id: int, weights: list[int] | None = None,
                parcels: int = 1, slips: bool = False) -> tuple[Order, int]:
    """Every unit verified: the order is closed in ``parcels`` parcels, each booked, its label
    "n of m" with the weight the scale read for it (``weights``; not weighed: the catalog's
    weight shared out), what went in it recorded (server/services/parcel_contents.py) and, with
    ``slips``, a packing slip listing it, printed after the labels. Returns the order and the
    catalog weight of its units (what the scale was expected to read, without the boxes)."""
    db = uow.session
    with db.no_autoflush:  # one flush for the packages' ids, the caller's for the rest
        task = db.execute(TASK_WITH_ORDER.where(Task.id == task_id)).unique().scalar_one()
        order = task.order
        products = parcel_contents.task_products(db, task_id)
        expected = sum(weight * quantity for _, _, _, weight, quantity in products)
        packages = _new_packages(db, order, task_id, expected, parcels)
        task.status, task.completed_at = "done", utcnow()
        order.status = "packed"
        warehouse = shipping.warehouse_of(db, order)
        settings = uow.settings
        # Each parcel is booked for its own weight (the scale's, or its share of the catalog
        # weight): the order's service if it carries that, else re-routed (issue 14's re-check
        # at packing). Booked at the order's catalog weight, a parcel the scale found over its
        # service's limit left on a service its carrier refuses at pickup.
        for number, package in enumerate(packages, start=1):
            package.sscc = make_sscc(settings.sscc_extension_digit, settings.gs1_company_prefix, package.id)
            package.weight_g = weights[number - 1] if weights else max(1, round(expected / parcels))
            shipping.book_package(uow, package, warehouse=warehouse)
        labels = [_parcel_label(uow, package, warehouse, number, parcels, expected if not weights else None)
                  for number, package in enumerate(packages, start=1)]
        contents = parcel_contents.record(db, packages, products)
        jobs = [("shipping", package, zpl) for package, zpl in zip(packages, labels)]
        if slips:
            jobs += [("packing_slip", package, packing_slip(_slip_data(order, lines, number, parcels),
                                                            dpi=settings.label_dpi).decode("utf-8"))
                     for number, (package, lines) in enumerate(zip(packages, contents), start=1)]
        # One INSERT for them all (the ORM sends rows one by one where it must read their ids
        # back, as on SQLite); the screen reads the station's waiting jobs afterwards.
        db.execute(insert(_print_jobs), [{"station_id": station.id, "package_id": package.id, "kind": kind,
                                          "zpl": zpl} for kind, package, zpl in jobs])
    uow.emit("task_completed", task_id=task.id, kind="pack", order=order.reference, station=station.code)
    return order, expected


def _new_packages(db, order: Order, task_id: int, weight_g: int, parcels: int) -> list[Package]:
    """The order's ``parcels`` new packages, parcel 1 of m first: inserted in one statement and
    read back in one, whatever their number (the ORM would insert them one by one on SQLite to
    learn each id). Their ids number their SSCCs and tracking numbers; none has an SSCC yet."""
    db.execute(insert(_packages), [{"order_id": order.id, "task_id": task_id, "carrier": "", "service": "",
                                    "weight_g": weight_g}] * parcels)
    return list(db.scalars(select(Package).where(Package.task_id == task_id, Package.sscc.is_(None))
                           .order_by(Package.id)))


def _parcel_label(uow: UnitOfWork, package: Package, warehouse: Warehouse, number: int, parcels: int,
                  catalog_g: int | None) -> str:
    data = _label_data(uow, package, warehouse)
    if parcels == 1 and catalog_g is not None:
        # One parcel not weighed: its label has always shown the catalog weight as it is (the
        # package row keeps at least 1 g).
        data = replace(data, weight_g=catalog_g)
    else:
        data = replace(data, package_no=number, package_count=parcels)
    return shipping_label(data, dpi=uow.settings.label_dpi).decode("utf-8")


def _slip_data(order: Order, lines, number: int, parcels: int) -> PackingSlipData:
    """Parcel ``number`` of ``parcels``'s slip: what is in this box, not the whole order."""
    return PackingSlipData(order.reference, order.ship_address.name,
                           tuple(SlipLine(line.sku, line.name, line.quantity) for line in lines),
                           package_no=number, package_count=parcels, ship_date=utcnow().date())


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


def _sender(uow: UnitOfWork, package: Package, warehouse: Warehouse | None = None) -> dict:
    """The default warehouse prints the configured address (WAREHOUSE_ADDRESS); others their own."""
    if (package.order.warehouse_id or DEFAULT_WAREHOUSE_ID) == DEFAULT_WAREHOUSE_ID:
        return dict(uow.settings.warehouse_address)
    return (warehouse or shipping.warehouse_of(uow.session, package.order)).sender()


def _label_data(uow: UnitOfWork, package: Package, warehouse: Warehouse | None = None) -> ShippingLabelData:
    """``warehouse``: the order's, when the caller has it (else read)."""
    order, address = package.order, package.order.ship_address
    recipient = LabelAddress(name=address.name, line1=address.line1, line2=address.line2,
                             postal_code=address.postal_code, city=address.city, country=address.country,
                             phone=order.customer.phone)
    service = BY_CODE.get(package.service)
    return ShippingLabelData(sender=LabelAddress(**_sender(uow, package, warehouse)), recipient=recipient,
                             carrier=package.carrier, service=service.name if service else package.service,
                             tracking_number=package.tracking_number, sscc=package.sscc,
                             order_ref=order.reference, weight_g=package.weight_g,
                             ship_date=utcnow().date(),
                             company_prefix_length=len(uow.settings.gs1_company_prefix))
