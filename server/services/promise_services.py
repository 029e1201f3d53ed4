"""The carrier services the promise watcher reasons with: the catalogue's, priced per parcel.

Every order is judged with a service of issue 14's catalogue (server/domain/shipping/services.py,
the one table of cut-offs, transit days and rates): its own once routed
(``orders.carrier_service``), else the one its service level stands for (``LEVEL_SERVICES``); it
may be upgraded to any other service of the catalogue that serves its country. A pass prices
every service for a 1 kg parcel at home; the few orders at risk are judged again with their
real weight and country (server/domain/promises.py ``service_options``).
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from server.domain import promises as rules
from server.domain.shipping import services as catalogue
from server.models import Address, Order, OrderLine, Product

CATALOGUE_CODES = tuple(service.code for service in catalogue.CATALOGUE)


def service_of(carrier_service: str | None, level: str) -> tuple[str, tuple[str, ...]]:
    """(the service the order goes with, the services it may be upgraded to)."""
    if carrier_service in catalogue.BY_CODE:
        return carrier_service, CATALOGUE_CODES
    return rules.level_service(level), CATALOGUE_CODES


def reprice(session, pace: rules.FloorPace, decisions: list[rules.Decision], orders: dict) -> list[rules.Decision]:
    """Judge again, with each parcel's real weight and country, the orders at risk."""
    at_risk = [d.order_id for d in decisions]
    if not at_risk:
        return decisions
    parcels = dict((order_id, (int(weight or 0), country)) for order_id, weight, country in session.execute(
        select(Order.id, func.sum(OrderLine.quantity * Product.weight_g), Address.country)
        .join(OrderLine, OrderLine.order_id == Order.id).join(Product, Product.id == OrderLine.product_id)
        .join(Address, Address.id == Order.ship_address_id)
        .where(Order.id.in_(at_risk)).group_by(Order.id, Address.country)))
    judged, paces = [], {}  # parcels of one weight to one country share their prices
    for decision in decisions:
        parcel = parcels.get(decision.order_id)
        if parcel is None:
            judged.append(decision)
            continue
        if parcel not in paces:
            paces[parcel] = replace(pace, services=rules.service_options(pace.now, pace.timezone, max(1, parcel[0]),
                                                                         parcel[1]))
        again = rules.judge(orders[decision.order_id], paces[parcel])
        if again is not None:
            judged.append(again)
    return judged
