"""The carrier service of each parcel: chosen at routing from the estimated weight, checked
again at packing with the real one, and booked (server/carriers.py).

``recheck_service(uow, package_id, weight_g)`` is what a packing flow with a scale calls once
the box is weighed: the booked service is kept while it can carry that weight; over its limit
the parcel is re-routed to the cheapest service that can and still keeps the promise (else the
fastest), booked again with a new tracking number, and its waiting label redrawn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from server import carriers
from server.domain.shipping.services import (BY_CODE, NoServiceFits, Parcel, ServiceChoice, choose_service,
                                             promised_delivery)
from server.models import Order, Package, RoutingDecision, Warehouse
from server.models.warehouses import DEFAULT_WAREHOUSE_ID
from server.services.unit_of_work import UnitOfWork

PACKAGING_G = 150  # a box and its filling, added to the goods when the parcel is not weighed yet


@dataclass(frozen=True)
class ServiceCheck:
    outcome: str                  # kept, rerouted
    service: str                  # the service code now booked
    carrier: str
    tracking_number: str
    reason: str                   # a routing.* text code
    params: dict = field(default_factory=dict)


def record_decision(db, order: Order, kind: str, outcome: str, reason: str, params: dict, *,
                    actor: str = "system", warehouse_id: int | None = None, service: str | None = None) -> None:
    db.add(RoutingDecision(order_id=order.id, kind=kind, outcome=outcome, reason=reason, params=params,
                           actor=actor[:64], warehouse_id=warehouse_id, service=service))


def estimated_weight(order: Order) -> int:
    return sum(line.product.weight_g * line.quantity for line in order.lines) + PACKAGING_G


def choose_for_order(uow: UnitOfWork, order: Order, warehouse: Warehouse, *, actor: str = "system",
                     now: datetime | None = None) -> ServiceChoice | None:
    """The order's service at routing (recorded); None when no service can carry it there."""
    weight = estimated_weight(order)
    try:
        choice = _choose(order, warehouse, weight, now)
    except NoServiceFits as exc:
        order.carrier_service = None
        record_decision(uow.session, order, "carrier", "none", "service_none",
                        {"weight_g": weight, "country": exc.parcel.destination, "passed_over": exc.passed_over},
                        actor=actor, warehouse_id=warehouse.id)
        return None
    order.carrier_service = choice.service.code
    reason, params = choice.reason
    record_decision(uow.session, order, "carrier", "chosen", reason,
                    {**params, "weight_g": weight, "passed_over": list(choice.passed_over)},
                    actor=actor, warehouse_id=warehouse.id, service=choice.service.code)
    return choice


def book_package(uow: UnitOfWork, package: Package, now: datetime | None = None, *,
                 warehouse: Warehouse | None = None) -> None:
    """Book the parcel (its id is known): the order's service if it can carry the parcel's
    weight, else re-routed as ``recheck_service`` would. ``warehouse``: the order's, when the
    caller has it (else read)."""
    order = package.order
    service = BY_CODE.get(order.carrier_service or "")
    warehouse = warehouse or warehouse_of(uow.session, order)
    if service is None or not _carries(service, warehouse, order, package.weight_g):
        choice = _reroute(uow, package, warehouse, now, previous=order.carrier_service)
        service = choice.service
    _book(package, service, warehouse, order)


def recheck_service(uow: UnitOfWork, package_id: int, weight_g: int, *, actor: str = "system",
                    now: datetime | None = None) -> ServiceCheck:
    """The parcel weighed ``weight_g`` at packing (call inside ``with uow``; the caller commits).
    Keeps the booked service if it can carry that weight, else re-routes and books again."""
    if isinstance(weight_g, bool) or not isinstance(weight_g, int) or weight_g < 1:
        raise ValueError(f"a parcel's weight is a whole number of grams above 0, got {weight_g!r}")
    db = uow.session
    package = db.get(Package, package_id)
    if package is None:
        raise LookupError(f"no package {package_id}")
    order, package.weight_g = package.order, weight_g
    warehouse = warehouse_of(db, order)
    booked = BY_CODE.get(package.service)
    if booked is not None and _carries(booked, warehouse, order, weight_g):
        params = {"service": booked.name, "weight_g": weight_g, "max_weight_g": booked.max_weight_g}
        record_decision(db, order, "carrier", "kept", "service_kept_weight", params, actor=actor,
                        warehouse_id=warehouse.id, service=booked.code)
        return ServiceCheck("kept", booked.code, package.carrier, package.tracking_number, "service_kept_weight", params)
    choice = _reroute(uow, package, warehouse, now, previous=package.service, actor=actor)
    _book(package, choice.service, warehouse, order)
    from server.services.packing import refresh_label  # packing books through this module

    refresh_label(uow, package)
    uow.emit("carrier_rerouted", order=order.reference, package_id=package.id, service=choice.service.code,
             tracking_number=package.tracking_number, weight_g=weight_g, actor=actor)
    return ServiceCheck("rerouted", choice.service.code, package.carrier, package.tracking_number,
                        "service_rerouted_weight", {"weight_g": weight_g, "service": choice.service.name})


def warehouse_of(db, order: Order) -> Warehouse:
    return db.get(Warehouse, order.warehouse_id or DEFAULT_WAREHOUSE_ID)


def _reroute(uow: UnitOfWork, package: Package, warehouse: Warehouse, now, *, previous: str | None,
             actor: str = "system") -> ServiceChoice:
    order = package.order
    choice = _choose(order, warehouse, package.weight_g, now)  # NoServiceFits: nobody can take it
    order.carrier_service = choice.service.code
    old = BY_CODE.get(previous or "")
    params = {"weight_g": package.weight_g, "service": choice.service.name,
              "previous": old.name if old else previous, "max_weight_g": old.max_weight_g if old else None,
              "delivers": choice.delivers_on.isoformat(), "meets_promise": choice.meets_promise}
    # No service yet (an order allocated without routing): chosen now, with the parcel's weight.
    outcome, reason = ("rerouted", "service_rerouted_weight") if old else ("chosen", "service_chosen_at_packing")
    record_decision(uow.session, order, "carrier", outcome, reason, params, actor=actor,
                    warehouse_id=warehouse.id, service=choice.service.code)
    return choice


def _choose(order: Order, warehouse: Warehouse, weight_g: int, now: datetime | None) -> ServiceChoice:
    local = (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(warehouse.timezone))
    promised = order.promised_delivery_on or promised_delivery(
        order.created_at.astimezone(ZoneInfo(warehouse.timezone)), order.service_level)
    order.promised_delivery_on = promised
    return choose_service(Parcel(warehouse.country, order.ship_address.country, weight_g), promised,
                          local.replace(tzinfo=None))


def _carries(service, warehouse: Warehouse, order: Order, weight_g: int) -> bool:
    parcel = Parcel(warehouse.country, order.ship_address.country, weight_g)
    abroad_ok = not parcel.abroad or service.transit_days_abroad is not None
    return weight_g <= service.max_weight_g and parcel.destination in service.destinations and abroad_ok


def _book(package: Package, service, warehouse: Warehouse, order: Order) -> None:
    request = carriers.BookingRequest(package.id, service.code, package.weight_g, warehouse.country,
                                      order.ship_address.country, order.ship_address.postal_code)
    booking = carriers.booking_for(service.carrier).book(request)
    package.carrier, package.service, package.tracking_number = booking.carrier, booking.service, booking.tracking_number
