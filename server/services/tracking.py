"""Carrier tracking events applied to parcels and orders, once each, in time order.

Whatever channel brings them (a webhook, a poll) and in whatever order: an event is stored
once (``tracking_events`` is unique on package, code and time), then the parcel's state is
folded again from all its events sorted by the carrier's time (server/domain/carrier_tracking.py).
Only a change of that state raises an event, so a late "out for delivery" arriving after
"delivered" tells the customer nothing, and a replay tells nothing twice. A delivery moves the
parcel to delivered with the carrier's delivery time (the return window counts from it:
server/services/refunds.py reads ``packages.delivered_at``), and the order once every parcel is.
A "returned to sender" of a parcel never delivered moves it to returned_to_sender with the
carrier's time, and opens a return for exactly what the parcel holds (its recorded contents) so
the desk receives it by its tracking number or SSCC; the customer is told, parcel by parcel
while others are still out. The order follows once every parcel is back (the order's own
message), with a whole-order return only for parcels packed before contents were recorded.

Call inside ``with uow:`` and commit after.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.domain import carrier_tracking as rules
from server.domain.statuses import OrderStatus, PackageStatus
from server.models import Order, Package, TrackingEvent
from server.services import returns
from server.services.unit_of_work import UnitOfWork

# What the rest of the floor hears when a parcel's state changes (notifications, dashboard).
STATE_EVENTS = {rules.OUT_FOR_DELIVERY: "parcel_out_for_delivery", rules.DELIVERY_FAILED: "parcel_delivery_failed",
                rules.RETURNED: "parcel_returned_to_sender", rules.IN_TRANSIT: "parcel_in_transit",
                rules.DELIVERED: "parcel_delivered"}


@dataclass
class Applied:
    stored: int = 0
    duplicates: int = 0
    unknown: list[str] = field(default_factory=list)  # tracking numbers of no parcel of ours


def apply_events(uow: UnitOfWork, carrier: str, events: list[rules.CarrierEvent], source: str) -> Applied:
    outcome = Applied()
    by_number: dict[str, list[rules.CarrierEvent]] = defaultdict(list)
    for event in events:
        by_number[event.tracking_number].append(event)
    for number, some in by_number.items():
        package = uow.session.scalar(select(Package).where(Package.tracking_number == number))
        if package is None:
            outcome.unknown.append(number)
            continue
        _apply_to_package(uow, package, carrier, some, source, outcome)
    return outcome


def _apply_to_package(uow: UnitOfWork, package: Package, carrier: str, events: list[rules.CarrierEvent],
                      source: str, outcome: Applied) -> None:
    session = uow.session
    known = session.execute(select(TrackingEvent.code, TrackingEvent.occurred_at, TrackingEvent.status)
                            .where(TrackingEvent.package_id == package.id)).all()
    before = rules.fold((status, at) for _, at, status in known)
    seen = {(code, at) for code, at, _ in known}
    added = []
    for event in events:
        if (event.code, event.occurred_at) in seen:
            outcome.duplicates += 1
            continue
        seen.add((event.code, event.occurred_at))
        if _store(session, package, carrier, event, source):
            added.append((event.status, event.occurred_at))
            outcome.stored += 1
        else:
            outcome.duplicates += 1
    if not added:
        return
    after = rules.fold([(status, at) for _, at, status in known] + added)
    _settle(uow, package, before, after)


def _store(session, package: Package, carrier: str, event: rules.CarrierEvent, source: str) -> bool:
    """Insert the event; False when a concurrent delivery of the same event got there first."""
    row = TrackingEvent(package_id=package.id, carrier=carrier, code=event.code, status=event.status,
                        occurred_at=event.occurred_at, source=source, label=event.label, location=event.location)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def _settle(uow: UnitOfWork, package: Package, before: rules.ParcelState, after: rules.ParcelState) -> None:
    order = package.order
    common = {"order": order.reference, "package": package.id, "tracking": package.tracking_number,
              "carrier": package.carrier}
    if after.status != before.status and after.status in STATE_EVENTS:
        # "carrier": the customer's "delayed" message says the carrier could not deliver.
        why = {"reason": "carrier"} if after.status == rules.DELIVERY_FAILED else {}
        uow.emit(STATE_EVENTS[after.status], at=after.status_at.isoformat(), **common, **why)
    if after.delivered_at is not None and package.delivered_at != after.delivered_at:
        if package.status == PackageStatus.RETURNED_TO_SENDER:  # the carrier corrected itself
            returns.parcel_not_coming_back(uow, package)
        package.status, package.delivered_at = PackageStatus.DELIVERED, after.delivered_at
        uow.session.flush()
        _deliver_order_if_complete(uow, order)
    elif after.delivered_at is None and after.status == rules.RETURNED \
            and package.status == PackageStatus.SHIPPED:
        # Never delivered and on its way back: the returns desk will receive it. Only this
        # move (once per parcel: shipped -> returned_to_sender) opens its return and tells.
        package.status, package.returned_at = PackageStatus.RETURNED_TO_SENDER, after.status_at
        uow.session.flush()
        case = returns.expect_parcel_back_from_carrier(uow, package)
        if not _return_order_if_all_back(uow, order):
            _tell_parcel_back(uow, order, package, case)


def _tell_parcel_back(uow: UnitOfWork, order: Order, package: Package, case) -> None:
    """One parcel of several on its way back, the others still out: the customer hears of that
    parcel (server/domain/notices.py, once per parcel), the order page's timeline names it."""
    ids = list(uow.session.scalars(select(Package.id).where(Package.order_id == order.id).order_by(Package.id)))
    uow.emit("order_parcel_returned", order=order.reference, package=package.id, tracking=package.tracking_number,
             carrier=package.carrier, returned_at=package.returned_at.isoformat(),
             parcel=ids.index(package.id) + 1, parcels=len(ids), rma=case.rma if case is not None else None)


def _return_order_if_all_back(uow: UnitOfWork, order: Order) -> bool:
    """Every parcel on its way back: the order is returned to sender and the customer is told.
    Each parcel with recorded contents has its own return already; parcels packed before
    contents were recorded are covered by one return for the order's units not on another
    return, so the desk recognises the parcel and inspects it (stock moves only then, as for
    any return). False: a parcel is still out."""
    if order.status != OrderStatus.SHIPPED:
        return False
    parcels = uow.session.scalars(select(Package).where(Package.order_id == order.id)).all()
    if any(parcel.status != PackageStatus.RETURNED_TO_SENDER for parcel in parcels):
        return False
    order.status = OrderStatus.RETURNED_TO_SENDER
    returned = max(parcel.returned_at for parcel in parcels)
    uow.emit("order_returned_to_sender", order=order.reference, returned_at=returned.isoformat(),
             tracking=parcels[0].tracking_number, carrier=parcels[0].carrier)
    if not returns.has_recorded_contents(uow.session, [parcel.id for parcel in parcels]):
        returns.expect_back_from_carrier(uow, order)
    return True


def _deliver_order_if_complete(uow: UnitOfWork, order: Order) -> None:
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.RETURNED_TO_SENDER):
        return
    parcels = uow.session.scalars(select(Package).where(Package.order_id == order.id)).all()
    if all(parcel.delivered_at is not None for parcel in parcels):
        if order.status == OrderStatus.RETURNED_TO_SENDER:  # the carrier corrected itself
            returns.not_coming_back(uow, order)
        order.status = OrderStatus.DELIVERED
        delivered = max(parcel.delivered_at for parcel in parcels)
        uow.emit("order_delivered", order=order.reference, delivered_at=delivered.isoformat())


def parcel_timeline(session, order_id: int) -> dict[int, list[TrackingEvent]]:
    """Every parcel's events of an order, in the carrier's time order (the status page)."""
    rows = session.scalars(select(TrackingEvent).join(Package, Package.id == TrackingEvent.package_id)
                           .where(Package.order_id == order_id)
                           .order_by(TrackingEvent.occurred_at, TrackingEvent.id)).all()
    timeline: dict[int, list[TrackingEvent]] = defaultdict(list)
    for row in rows:
        timeline[row.package_id].append(row)
    return timeline
