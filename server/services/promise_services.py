"""The carrier services the promise watcher reasons with.

An order routed to a carrier service (``orders.carrier_service``: issue 14's catalogue,
server/domain/shipping/services.py) is judged with that service's cut-off (a local time,
turned into UTC for the day), transit days and rates, and may be upgraded to another service
of the catalogue that serves its country; an order not routed yet keeps the floor's three
service levels (server/domain/promises.py ``SERVICES``). Prices are first those of a 1 kg
parcel at home; the few orders at risk are judged again with their real weight and country.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from server.domain import promises as rules
from server.domain.shipping import services as catalogue
from server.models import Address, Order, OrderLine, Product

CATALOGUE_CODES = tuple(service.code for service in catalogue.CATALOGUE)
LEVEL_CODES = tuple(rules.SERVICES)
HOME = "FR"  # where parcels leave from (the warehouse's country)
TYPICAL_WEIGHT_G = 1000


def utc_cutoff(local: time, on: date, zone: str) -> time:
    return datetime.combine(on, local, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).time()


def options(now: datetime, zone: str, weight_g: int = TYPICAL_WEIGHT_G, country: str | None = None) -> dict:
    """Every service the watcher may judge with, priced for this parcel (code → ServiceOption)."""
    found = dict(rules.SERVICES)
    abroad = country is not None and country != HOME
    for service in catalogue.CATALOGUE:
        if country is not None and country not in service.destinations:
            continue
        transit = service.transit_days_abroad if abroad else service.transit_days
        price = service.price(weight_g, abroad)
        if transit is None or price is None:
            continue
        found[service.code] = rules.ServiceOption(service.code, utc_cutoff(service.cutoff, now.date(), zone),
                                                  transit, price)
    return found


def service_of(carrier_service: str | None, level: str) -> tuple[str, tuple[str, ...]]:
    """(the service the order goes with, the services it may be upgraded to)."""
    if carrier_service in CATALOGUE_CODES:
        return carrier_service, CATALOGUE_CODES
    return level, LEVEL_CODES


def reprice(session, pace: rules.FloorPace, decisions: list[rules.Decision], orders: dict) -> list[rules.Decision]:
    """Judge again, with each parcel's real weight and country, the routed orders at risk."""
    routed = [d.order_id for d in decisions if orders[d.order_id].service_level in CATALOGUE_CODES]
    if not routed:
        return decisions
    parcels = dict((order_id, (int(weight or 0), country)) for order_id, weight, country in session.execute(
        select(Order.id, func.sum(OrderLine.quantity * Product.weight_g), Address.country)
        .join(OrderLine, OrderLine.order_id == Order.id).join(Product, Product.id == OrderLine.product_id)
        .join(Address, Address.id == Order.ship_address_id)
        .where(Order.id.in_(routed)).group_by(Order.id, Address.country)))
    judged = []
    for decision in decisions:
        parcel = parcels.get(decision.order_id)
        if parcel is None:
            judged.append(decision)
            continue
        priced = replace(pace, services=options(pace.now, pace.timezone, max(1, parcel[0]), parcel[1]))
        again = rules.judge(orders[decision.order_id], priced)
        if again is not None:
            judged.append(again)
    return judged
