"""Returns: open an RMA, receive the parcel at the desk, grade each unit (restock to a bin,
quarantine, missing), and finish the inspection by asking for the refund once.

Call inside ``with uow:`` and commit after, like every use case (docs/returns.md).
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from server.domain.returns import (DAMAGED, DISPOSITIONS, GRADES, MISSING, RESELLABLE, RETURN_REASONS,
                                   RETURNED_TO_SENDER, ReturnNotAllowed, WantedLine, check_wanted,
                                   parcel_return_lines, rma_number)
from server.domain.scanning import gtin14
from server.domain.statuses import ReturnStatus
from server.models import (Bin, Order, OrderLine, Package, PackageContent, QuarantineUnit, Return, ReturnLine, Station,
                           Stock)
from server.models._types import utcnow
from server.services import refunds
from server.services.locking import lock_return
from server.services.unit_of_work import UnitOfWork

__all__ = ["ReturnNotAllowed", "authorize_return", "open_return", "receive_return", "grade_unit",
           "finish_inspection", "returnable", "restock_bin", "grade_at_desk", "finish_at_desk", "add_extra",
           "extra_at_desk", "expect_back_from_carrier", "expect_parcel_back_from_carrier", "not_coming_back",
           "parcel_not_coming_back"]
RETURNABLE_ORDER = ("shipped", "delivered")
CARRIER = "carrier"  # the source of a return the carrier opened by bringing the parcels back
_stock = Stock.__table__


def open_return(uow: UnitOfWork, order_id: int, wanted: list[WantedLine], *, actor: str,
                source: str = "customer_service", package: Package | None = None) -> Return:
    """Open an RMA for some units of a shipped order, each line with its reason. Units already
    on another return (and not found missing there) cannot be asked twice. ``package``: the one
    parcel the carrier brought back that the return covers."""
    session = uow.session
    order = session.get(Order, order_id)
    if order is None or (order.status not in RETURNABLE_ORDER and source != CARRIER):
        raise ReturnNotAllowed("only a shipped order can be returned")
    lines = check_wanted(wanted, returnable(session, order))
    case = Return(order_id=order.id, reason=lines[0].reason, created_by=actor[:64], source=source[:16],
                  package_id=package.id if package is not None else None)
    for line in lines:
        case.lines.append(ReturnLine(order_line_id=line.order_line_id, quantity=line.quantity, reason=line.reason))
    session.add(case)
    session.flush()
    case.rma = rma_number(case.id)
    session.flush()
    # The customer asked for nothing when the carrier brings it back: no "return authorised"
    # message (they are told "returned to sender" instead), the floor still hears of the RMA.
    parcel = {"package": package.id, "tracking": package.tracking_number, "sscc": package.sscc} if package else {}
    uow.emit("return_authorized" if source != CARRIER else "return_expected_from_carrier", rma=case.rma,
             order=order.reference, reason=case.reason, source=source,
             units=sum(line.quantity for line in lines), actor=actor, **parcel)
    return case


def expect_back_from_carrier(uow: UnitOfWork, order: Order) -> Return | None:
    """The return the desk receives an order's parcels under when the carrier brings them all
    back: every unit not on another return. Nothing moves in stock before the desk grades
    them (resellable to a bin, damaged to quarantine), as for any return. None: nothing left."""
    left = [(line_id, units) for line_id, units in returnable(uow.session, order).items() if units > 0]
    if not left:
        return None
    wanted = [WantedLine(line_id, units, RETURNED_TO_SENDER) for line_id, units in left]
    return open_return(uow, order.id, wanted, actor="system", source=CARRIER)


def expect_parcel_back_from_carrier(uow: UnitOfWork, package: Package) -> Return | None:
    """The return the desk receives one parcel under when the carrier brings it back alone:
    exactly its recorded contents (less units already on another return), found at the desk by
    that parcel's tracking number or SSCC. Opened once: a carrier's repeated or late event
    finds it there. None: its contents were not recorded (packed before they were), or nothing
    of it is left to return."""
    session = uow.session
    opened = session.scalar(select(Return).where(Return.package_id == package.id))
    if opened is not None:
        return opened
    contents = dict(session.execute(select(PackageContent.product_id, PackageContent.quantity)
                                    .where(PackageContent.package_id == package.id)
                                    .order_by(PackageContent.id)).all())
    if not contents:
        return None
    order = package.order
    left = returnable(session, order)
    lines = [(line.id, line.product_id, left.get(line.id, 0)) for line in sorted(order.lines, key=lambda l: l.id)]
    wanted = parcel_return_lines(contents, lines)
    if not wanted:
        return None
    return open_return(uow, order.id, wanted, actor="system", source=CARRIER, package=package)


def has_recorded_contents(session, package_ids: list[int]) -> bool:
    """Every one of these parcels has its contents recorded (packed since issue 12)."""
    recorded = set(session.scalars(select(PackageContent.package_id).distinct()
                                   .where(PackageContent.package_id.in_(package_ids))))
    return recorded == set(package_ids)


def authorize_return(uow: UnitOfWork, order_id: int, lines: list[tuple[int, int]], reason: str,
                     actor: str = "system") -> Return:
    """One reason for every (order_line_id, quantity) pair: the desk's and the demo's short form."""
    return open_return(uow, order_id, [WantedLine(line_id, quantity, reason) for line_id, quantity in lines],
                       actor=actor, source="system")


def not_coming_back(uow: UnitOfWork, order: Order) -> None:
    """The carrier delivered after all: the return it opened, not received yet, is closed."""
    for case in uow.session.scalars(select(Return).where(Return.order_id == order.id, Return.source == CARRIER,
                                                         Return.status == ReturnStatus.AUTHORIZED)):
        case.status = ReturnStatus.CLOSED
        uow.emit("return_closed", rma=case.rma, order=order.reference, reason="delivered_after_all")


def parcel_not_coming_back(uow: UnitOfWork, package: Package) -> None:
    """The carrier delivered this parcel after all: the return opened for it alone, not
    received yet, is closed (its units may be returned by the customer again)."""
    case = uow.session.scalar(select(Return).where(Return.package_id == package.id, Return.source == CARRIER,
                                                   Return.status == ReturnStatus.AUTHORIZED))
    if case is not None:
        case.status = ReturnStatus.CLOSED
        uow.emit("return_closed", rma=case.rma, order=package.order.reference, reason="delivered_after_all",
                 package=package.id, tracking=package.tracking_number)


def returnable(session, order: Order) -> dict[int, int]:
    """Order line id → units that may still be returned (ordered less those on returns, extras
    accepted at the desk included, except units found missing and returns closed before they
    were received: they never came back)."""
    taken = dict(session.execute(
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(Return, ReturnLine.return_id == Return.id)
        .where(Return.order_id == order.id, (ReturnLine.grade.is_(None)) | (ReturnLine.grade != MISSING),
               (Return.status != ReturnStatus.CLOSED) | Return.received_at.is_not(None))
        .group_by(ReturnLine.order_line_id)).all())
    return {line.id: max(0, line.quantity - int(taken.get(line.id) or 0)) for line in order.lines}


def receive_return(uow: UnitOfWork, station: Station, *, return_id: int) -> None:
    """The parcel is on the returns desk: kept with when and where, for the amber "already received"."""
    case = uow.session.get(Return, return_id)
    if case.status == "authorized":
        case.status, case.received_at, case.received_by = "received", utcnow(), f"station:{station.code}"
        uow.emit("return_received", rma=case.rma, order=case.order.reference, reason=case.reason,
                 station=station.code)


def restock_bin(session, product_id: int) -> str | None:
    """Where a resellable unit goes back: the bin holding most of the product, else the first bin."""
    held = session.scalar(select(Bin.code).join(Stock, Stock.bin_id == Bin.id)
                          .where(Stock.product_id == product_id).order_by(Stock.on_hand.desc(), Bin.code))
    return held or session.scalar(select(Bin.code).order_by(Bin.code))


def grade_unit(uow: UnitOfWork, return_id: int, line_id: int, grade: str, *, actor: str,
               location: str | None = None, note: str = "") -> ReturnLine:
    """Grade one unit of ``line_id``: resellable goes back on hand in ``location`` (a bin),
    damaged to the quarantine location, missing nowhere. The return is locked, so two clerks
    grading one parcel cannot grade more units than came back."""
    if grade not in GRADES:
        raise ReturnNotAllowed(f"unknown grade {grade!r}; one of {', '.join(GRADES)}")
    session = uow.session
    case = _received(session, return_id)
    line = next((line for line in case.lines if line.id == line_id), None)
    if line is None or line.grade is not None:
        raise ReturnNotAllowed(f"{case.rma}: line {line_id} has no unit left to grade")
    if grade == DAMAGED:
        location = uow.settings.quarantine_location
    graded = _split_one(session, case, line)
    graded.grade, graded.disposition = grade, DISPOSITIONS[grade]
    graded.location, graded.graded_by, graded.graded_at, graded.note = location, actor[:64], utcnow(), note[:200]
    session.flush()
    product_id = line.order_line.product_id
    if grade == RESELLABLE:
        _restock(session, product_id, location)
    elif grade == DAMAGED:
        session.add(QuarantineUnit(return_line_id=graded.id, product_id=product_id, location=location,
                                   quantity=1, actor=actor[:64]))
    uow.emit("return_item_graded", rma=case.rma, sku=line.order_line.product.sku, grade=grade,
             location=location, actor=actor)
    return graded


def finish_inspection(uow: UnitOfWork, return_id: int, *, actor: str, role: str = "returns_clerk"):
    """Done: units still ungraded did not come back (missing), then the refund is asked for
    once (services/refunds.py). A replayed Done answers the same refund."""
    case = _received(uow.session, return_id, allow_done=True)
    for line in case.lines:
        if line.grade is None:
            line.grade, line.graded_by, line.graded_at = MISSING, actor[:64], utcnow()
            uow.emit("return_item_graded", rma=case.rma, sku=line.order_line.product.sku, grade=MISSING,
                     quantity=line.quantity, actor=actor)
    uow.session.flush()
    return refunds.request_refund(uow, case.id, actor=actor, role=role, policy=uow.settings.refund_policy)


def grade_at_desk(uow: UnitOfWork, station: Station, *, return_id: int, line_id: int, grade: str,
                  location: str | None = None, note: str = "") -> None:
    """The station's effect: a unit graded at the returns desk (scenarios/returns.py), with the
    clerk's note when one was typed."""
    grade_unit(uow, return_id, line_id, grade, actor=f"station:{station.code}", location=location, note=note)


def finish_at_desk(uow: UnitOfWork, station: Station, *, return_id: int) -> None:
    """The station's effect: Done pressed at the desk; the refund is asked for by the station."""
    finish_inspection(uow, return_id, actor=f"station:{station.code}")


def add_extra(uow: UnitOfWork, return_id: int, gtin: str, reason: str, *, actor: str) -> ReturnLine:
    """An item of the order that came back without being on the RMA, accepted at the desk: a
    line of one unit marked ``extra``, graded like the others (the policy never refunds more
    than was paid for the order line)."""
    case = _received(uow.session, return_id)
    line = next((line for line in case.order.lines if gtin14(line.product.gtin) == gtin14(gtin)), None)
    if line is None:
        raise ReturnNotAllowed(f"{case.rma}: {gtin} is not an item of {case.order.reference}")
    extra = ReturnLine(order_line_id=line.id, quantity=1, reason=reason if reason in RETURN_REASONS else "other",
                       extra=True)
    case.lines.append(extra)
    uow.session.flush()
    uow.emit("return_extra_accepted", rma=case.rma, sku=line.product.sku, reason=extra.reason, actor=actor)
    return extra


def extra_at_desk(uow: UnitOfWork, station: Station, *, return_id: int, gtin: str, reason: str) -> None:
    """The station's effect: an extra accepted at the desk."""
    add_extra(uow, return_id, gtin, reason, actor=f"station:{station.code}")


def _received(session, return_id: int, allow_done: bool = False) -> Return:
    case = lock_return(session, return_id)
    if case is None:
        raise ReturnNotAllowed(f"no return {return_id}")
    if case.status is ReturnStatus.AUTHORIZED:
        raise ReturnNotAllowed(f"{case.rma} has not been received yet")
    if case.status is not ReturnStatus.RECEIVED and not allow_done:
        raise ReturnNotAllowed(f"{case.rma} is already inspected")
    return case


def _split_one(session, case: Return, line: ReturnLine) -> ReturnLine:
    """One unit of ``line`` as its own line (the line itself when it holds one unit), so each
    unit of a line of three can get its own grade and the refund prices each grade."""
    if line.quantity == 1:
        return line
    line.quantity -= 1
    unit = ReturnLine(order_line_id=line.order_line_id, quantity=1, reason=line.reason, extra=line.extra)
    case.lines.append(unit)
    session.flush()
    return unit


def _restock(session, product_id: int, bin_code: str | None) -> None:
    bin_id = session.scalar(select(Bin.id).where(Bin.code == (bin_code or "")))
    if bin_id is None:
        raise ReturnNotAllowed(f"no bin {bin_code!r} to restock to")
    # on_hand + 1 computed by the database: a pick from the same bin at the same time loses nothing.
    done = session.connection().execute(
        update(_stock).where(_stock.c.product_id == product_id, _stock.c.bin_id == bin_id)
        .values(on_hand=_stock.c.on_hand + 1))
    if done.rowcount == 0:
        session.add(Stock(product_id=product_id, bin_id=bin_id, on_hand=1, reserved=0))
        session.flush()
