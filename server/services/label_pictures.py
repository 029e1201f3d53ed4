"""The ZPL behind a label's picture on the supervisors' pages (labels/raster.py draws it).

A label that was printed is shown as it was printed: the last print job's ZPL for that parcel
or return (its printer's dpi and media). One not printed yet is drawn as it would print on a
203 dpi printer, on the media its kind takes by default.
"""
from __future__ import annotations

from sqlalchemy import select

from labels import return_label, shipping_label
from server.models import Package, PrintJob, Return
from server.services.unit_of_work import UnitOfWork


def parcel_label_zpl(uow: UnitOfWork, package: Package) -> bytes | None:
    """The parcel's shipping label (None before it has a tracking number and an SSCC)."""
    printed = _last_job(uow, PrintJob.package_id == package.id, "shipping")
    if printed is not None:
        return printed
    if not package.sscc or not package.tracking_number:
        return None
    from server.services.packing import _label_data  # the label's data is packing's business

    return shipping_label(_label_data(uow, package))


def return_label_zpl(uow: UnitOfWork, case: Return) -> bytes | None:
    """The return's label for the desk (None before the return has an RMA)."""
    found = return_label_source(uow, case)
    return found[0] if found is not None else None


def return_label_source(uow: UnitOfWork, case: Return) -> tuple[bytes, bool] | None:
    """(ZPL, printed) of the return's label: the last one printed for it (True), else as it would
    print (False); None before the return has an RMA."""
    printed = _last_job(uow, PrintJob.return_id == case.id, "return")
    if printed is not None:
        return printed, True
    if not case.rma:
        return None
    from server.services.printers import return_label_data

    return return_label(return_label_data(uow, case)), False


def _last_job(uow: UnitOfWork, which, kind: str) -> bytes | None:
    zpl = uow.session.scalars(select(PrintJob.zpl).where(which, PrintJob.kind == kind)
                              .order_by(PrintJob.id.desc()).limit(1)).first()
    return zpl.encode("utf-8") if zpl else None
