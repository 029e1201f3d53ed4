"""Route a new order: to which warehouse (or warehouses), with which carrier service; then
reserve its units there. Every decision is a ``routing_decisions`` row saying why.

The order's stock rows are locked first (every warehouse, in id order like any allocation),
so what routing weighs is what allocation then reserves. A whole order is allocated in its
warehouse; a split moves the lines each further warehouse ships onto a new order of its own
(``split_from_id``: same customer, address and promise; external id ``<id>/2``…), so every
parcel keeps one life cycle; an order held (policy ``hold``) or short everywhere is
backordered and routed again later (``route_waiting_orders``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from server.domain.shipping import routing as rules
from server.domain.shipping.services import promised_delivery
from server.domain.statuses import OrderStatus
from server.models import Order, OrderLine, RoutingDecision, Stock, Warehouse, WarehouseZone
from server.services import shipping, waves
from server.services.shipping import record_decision
from server.services.locking import lock_stock_by_warehouse
from server.services.unit_of_work import UnitOfWork
from wire import texts

ROUTABLE = (OrderStatus.NEW, OrderStatus.BACKORDERED)


@dataclass(frozen=True)
class Routed:
    order: str                  # the order's reference
    outcome: str                # whole, split, held, short, skipped
    orders: tuple[str, ...]     # the orders now allocated (the order, and its split parts)
    reason: str


def route_order(uow: UnitOfWork, order_id: int, *, actor: str = "system", top_up: bool = True,
                now: datetime | None = None) -> Routed:
    """Decide, record and allocate one new or backordered order (inside ``with uow``)."""
    from server.services.allocation import allocate_order  # allocation's own batch routes too

    db = uow.session
    # The order's row first, locked: its job and the minute sweep (route_waiting) may route it at
    # once; the second waits here and then sees the first's outcome (it routed the same new order
    # twice: two pick tasks). SQLite's BEGIN IMMEDIATE already serializes them.
    status = db.scalar(select(Order.status).where(Order.id == order_id).with_for_update())
    if status is None or status not in ROUTABLE:
        return Routed(Order.reference_of(order_id), "skipped", (), "not_routable")
    order = db.get(Order, order_id, populate_existing=True,
                   options=[selectinload(Order.lines).joinedload(OrderLine.product), joinedload(Order.ship_address)])
    if order is None or order.status not in ROUTABLE:
        return Routed(Order.reference_of(order_id), "skipped", (), "not_routable")
    warehouses = {w.id: w for w in db.scalars(select(Warehouse).where(Warehouse.active.is_(True)))}
    locked = lock_stock_by_warehouse(db, sorted({line.product_id for line in order.lines}))
    route = rules.route_order(_lines(order), _free(locked, warehouses), _distances(db, order, warehouses),
                              policy=_policy(uow), max_parts=int(getattr(uow.settings, "routing_max_parts", 3)))
    by_code = {w.code: w for w in warehouses.values()}
    if not route.parts and _same_as_last(db, order.id, route):
        return Routed(order.reference, route.outcome, (), route.reason)  # still waiting, said already
    record_decision(db, order, "warehouse", route.outcome, route.reason,
            {**route.params, "distances": route.distances}, actor=actor,
            warehouse_id=by_code[route.parts[0].warehouse].id if len(route.parts) == 1 else None)
    if not route.parts:
        order.status = OrderStatus.BACKORDERED
        uow.emit("order_backordered", order=order.reference, reason=route.reason, actor=actor)
        return Routed(order.reference, route.outcome, (), route.reason)
    shipped_by = _split(db, order, route.parts, by_code)
    done = []
    for part_order, warehouse in shipped_by:
        part_order.warehouse_id = warehouse.id
        if part_order.promised_delivery_on is None:
            ordered = part_order.created_at.astimezone(ZoneInfo(warehouse.timezone))
            part_order.promised_delivery_on = promised_delivery(ordered, part_order.service_level)
        shipping.choose_for_order(uow, part_order, warehouse, actor=actor, now=now)
        stock = [row for row, where in locked if where == warehouse.id]
        allocate_order(uow, part_order.id, stock=stock, top_up=top_up)
        done.append(part_order.reference)
    return Routed(order.reference, route.outcome, tuple(done), route.reason)


def route_waiting_orders(uow: UnitOfWork, limit: int = 200) -> dict[str, int]:
    """Route the oldest new and backordered orders, each in its own savepoint (a failure
    leaves that order as it was). Returns how many ended in each outcome."""
    ids = uow.session.scalars(select(Order.id).where(Order.status.in_([str(s) for s in ROUTABLE]))
                              .order_by(Order.promised_ship_by, Order.id).limit(limit)).all()
    counts: dict[str, int] = {}
    for order_id in ids:
        with uow.session.begin_nested():
            outcome = route_order(uow, order_id, top_up=False).outcome
        counts[outcome] = counts.get(outcome, 0) + 1
    if counts.get("whole") or counts.get("split"):
        waves.auto_release(uow, "pick")
    return counts


def decisions_of(session, order_id: int, locale: str = "fr") -> list[dict]:
    """Why the order went where it went, oldest first (the order page and the API show it):
    each decision with its reason code, params and ``text``, the sentence in ``locale``."""
    rows = session.execute(select(RoutingDecision, Warehouse.code).outerjoin(
        Warehouse, Warehouse.id == RoutingDecision.warehouse_id)
        .where(RoutingDecision.order_id == order_id).order_by(RoutingDecision.id))
    return [{"at": d.at.isoformat(), "kind": d.kind, "outcome": d.outcome, "warehouse": code,
             "service": d.service, "reason": d.reason, "params": d.params or {}, "actor": d.actor,
             "text": reason_text(d.reason, d.params or {}, locale)} for d, code in rows]


def reason_text(reason: str, params: dict, locale: str = "fr") -> str:
    key = f"routing.{reason}"
    if key not in texts.CATALOG:
        return texts.text("web.unknown", locale) if "web.unknown" in texts.CATALOG else reason
    try:
        return texts.text(key, locale, **params)
    except (KeyError, IndexError, ValueError):  # a row written before its sentence gained a value
        return texts.text(key, "en", **{name: "?" for name in texts.placeholders(key, "en")})


def _same_as_last(db, order_id: int, route: rules.Route) -> bool:
    """The order's last warehouse decision already said this (an order waiting for stock is
    routed again every minute: one row says it waits, not one a minute)."""
    last = db.execute(select(RoutingDecision.outcome, RoutingDecision.reason)
                      .where(RoutingDecision.order_id == order_id, RoutingDecision.kind == "warehouse")
                      .order_by(RoutingDecision.id.desc()).limit(1)).first()
    return last is not None and tuple(last) == (route.outcome, route.reason)


def _lines(order: Order) -> list[rules.Line]:
    return [rules.Line(line.id, line.product_id, line.quantity) for line in order.lines]


def _free(locked: list[tuple[Stock, int]], warehouses: dict[int, Warehouse]) -> dict[str, dict[int, int]]:
    free: dict[str, dict[int, int]] = {w.code: {} for w in warehouses.values()}
    for row, warehouse_id in locked:
        if warehouse_id in warehouses:
            stock = free[warehouses[warehouse_id].code]
            stock[row.product_id] = stock.get(row.product_id, 0) + row.on_hand - row.reserved
    return free


def _distances(db, order: Order, warehouses: dict[int, Warehouse]) -> dict[str, int]:
    address = order.ship_address
    zones = [rules.Zone(warehouses[z.warehouse_id].code, z.country, z.postal_prefix, z.km)
             for z in db.scalars(select(WarehouseZone).where(WarehouseZone.country == address.country))
             if z.warehouse_id in warehouses]
    return {w.code: rules.distance(zones, w.code, address.country, address.postal_code) for w in warehouses.values()}


def _policy(uow: UnitOfWork) -> str:
    return str(getattr(uow.settings, "routing_policy", "split") or "split")


def _split(db, order: Order, parts: tuple[rules.Part, ...], by_code: dict[str, Warehouse]):
    """The order ships the first part; each other part's lines move to a new order."""
    pairs = [(order, by_code[parts[0].warehouse])]
    lines = {line.id: line for line in order.lines}
    for number, part in enumerate(parts[1:], start=2):
        part_order = Order(channel=order.channel, external_id=f"{order.external_id}/{number}"[:64],
                           customer_id=order.customer_id, ship_address_id=order.ship_address_id,
                           service_level=order.service_level, promised_ship_by=order.promised_ship_by,
                           promised_delivery_on=order.promised_delivery_on, currency=order.currency,
                           split_from_id=order.id)
        for line_id in part.line_ids:
            line = lines[line_id]
            order.lines.remove(line)
            part_order.lines.append(line)
        part_order.total_cents = _total(part_order.lines)
        db.add(part_order)
        pairs.append((part_order, by_code[part.warehouse]))
    if len(parts) > 1:
        order.total_cents = _total(order.lines)
        db.flush()
        for part_order, warehouse in pairs[1:]:
            record_decision(db, part_order, "warehouse", "split", "split_part", {"from": order.reference},
                    warehouse_id=warehouse.id)
    return pairs


def _total(lines: list[OrderLine]) -> int:
    return sum(line.quantity * line.unit_price_cents for line in lines)
