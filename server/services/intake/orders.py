"""A channel order onto the floor: created once, updated in order, held when it cannot ship, cancelled.

Deliveries come at least once and in any order. ``apply_channel_order`` keeps, per channel
order, the channel's newest ``updated_at``: an older version changes nothing (``stale``),
the same version changes nothing, a newer one is applied. The cancelled flag is part of the
version, so a cancel that arrives before its create leaves the create stale: the order stays
cancelled. A floor order once cancelled stays cancelled (the life cycle's final status).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select

from server.domain.intake import ChannelOrder
from server.domain.statuses import OrderStatus
from server.models import Address, Customer, Order, OrderLine, Product
from server.models import ChannelOrder as ChannelOrderRow
from server.services.allocation import CannotCancel
from server.services.allocation import cancel_order as floor_cancel
from server.services.unit_of_work import UnitOfWork

SHIP_WITHIN = timedelta(hours=24)
# Set by the app (server/intake_jobs.py): called with (uow, order_id) when a channel order
# reaches the floor, to route it in the background once this unit of work has committed.
on_new_order: Callable[[UnitOfWork, int], None] | None = None
EDITABLE = (OrderStatus.NEW, OrderStatus.BACKORDERED)


@dataclass(frozen=True)
class Applied:
    outcome: str        # created, updated, held, cancelled, stale, unchanged, not_applied
    detail: str
    row: ChannelOrderRow


def apply_channel_order(uow: UnitOfWork, channel: str, incoming: ChannelOrder,
                        ship_within: timedelta = SHIP_WITHIN) -> Applied:
    """Bring the floor to the newest known version of one channel order (inside ``with uow``).

    Two deliveries of one new order racing on PostgreSQL: the second insert of the
    ``intake_channel_orders`` row fails on its unique key; the caller retries the whole
    delivery, which then finds the row (locked ``FOR UPDATE``) and applies in turn.
    """
    session = uow.session
    query = select(ChannelOrderRow).where(ChannelOrderRow.channel == channel,
                                          ChannelOrderRow.external_id == incoming.external_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        row = ChannelOrderRow(channel=channel, external_id=incoming.external_id, state="held",
                              source_updated_at=incoming.updated_at, cancelled=incoming.cancelled,
                              data=_snapshot(incoming))
        session.add(row)
        session.flush()
        return _settle_new(uow, row, incoming, ship_within)
    if incoming.updated_at < row.source_updated_at:
        return Applied("stale", f"version of {_iso(incoming.updated_at)} is older than the one applied "
                                f"({_iso(row.source_updated_at)})", row)
    if incoming.updated_at == row.source_updated_at and row.data == _snapshot(incoming) and row.state != "held":
        return Applied("unchanged", "this version is already applied", row)
    # A held order is tried again even at the same version: its missing product may exist now.
    row.source_updated_at = incoming.updated_at
    row.data = _snapshot(incoming)
    if row.order_id is None:
        return _settle_new(uow, row, incoming, ship_within)
    return _settle_existing(uow, row, incoming)


def _settle_new(uow: UnitOfWork, row: ChannelOrderRow, incoming: ChannelOrder, ship_within: timedelta) -> Applied:
    """No floor order yet: cancelled, held, or created now."""
    if incoming.cancelled:
        row.state, row.cancelled, row.held_reason = "cancelled", True, ""
        return Applied("cancelled", "cancelled before it reached the floor", row)
    products, problems = resolve(uow.session, incoming)
    if problems:
        row.state, row.held_reason = "held", "; ".join(problems)
        uow.emit("order_held", channel=row.channel, external_id=row.external_id, reason=row.held_reason)
        return Applied("held", row.held_reason, row)
    order = _create_order(uow, row.channel, incoming, products, ship_within)
    row.order_id, row.state, row.held_reason = order.id, "on_floor", ""
    uow.emit("order_received", order=order.reference, channel=row.channel, external_id=row.external_id)
    if on_new_order is not None:
        on_new_order(uow, order.id)
    return Applied("created", order.reference, row)


def _settle_existing(uow: UnitOfWork, row: ChannelOrderRow, incoming: ChannelOrder) -> Applied:
    session = uow.session
    order = session.get(Order, row.order_id)
    if order.status == OrderStatus.CANCELLED:
        row.cancelled, row.state = True, "cancelled"
        return Applied("unchanged", f"{order.reference} is cancelled and is not reopened", row)
    if incoming.cancelled:
        row.cancelled = True
        refused = cancel_order(uow, order, actor=f"integration:{row.channel}", reason=f"cancelled on {row.channel}")
        if refused:
            return Applied("not_applied", refused, row)
        row.state = "cancelled"
        return Applied("cancelled", order.reference, row)
    products, problems = resolve(session, incoming)
    if problems:
        return Applied("not_applied", f"{order.reference} kept as it was: " + "; ".join(problems), row)
    if order.status not in EDITABLE:
        return Applied("not_applied", f"{order.reference} is {order.status}: changes are made by hand", row)
    _rewrite(session, order, incoming, products)
    uow.emit("order_updated", order=order.reference, channel=row.channel)
    return Applied("updated", order.reference, row)


def resolve(session, incoming: ChannelOrder) -> tuple[dict[str, int], list[str]]:
    """Each line's SKU → product id, matched on the SKU, else on the barcode (GTIN); and what is wrong."""
    problems = incoming.problems()
    wanted = sorted({line.sku for line in incoming.lines if line.sku})
    found: dict[str, int] = {}
    if wanted:
        rows = session.execute(select(Product.id, Product.sku, Product.gtin)
                               .where(or_(Product.sku.in_(wanted), Product.gtin.in_(wanted)))).all()
        by_gtin = {gtin: pid for pid, _sku, gtin in rows}
        by_sku = {sku: pid for pid, sku, _gtin in rows}
        for sku in wanted:
            if sku in by_sku or sku in by_gtin:
                found[sku] = by_sku.get(sku, by_gtin.get(sku))
    for number, line in enumerate(incoming.lines, start=1):
        if line.sku and line.sku not in found:
            problems.append(f"line {number}: unknown SKU {line.sku!r}")
    return found, problems


def _create_order(uow, channel: str, incoming: ChannelOrder, products: dict[str, int],
                  ship_within: timedelta) -> Order:
    session = uow.session
    customer = _customer(session, incoming)
    address = _address(session, customer, incoming)
    order = Order(channel=channel, external_id=incoming.external_id, customer_id=customer.id,
                  ship_address_id=address.id, service_level=incoming.service_level,
                  promised_ship_by=datetime.now(timezone.utc) + ship_within,
                  currency=incoming.currency[:3] or "EUR")
    _fill_lines(order, incoming, products)
    session.add(order)
    session.flush()
    return order


def _rewrite(session, order: Order, incoming: ChannelOrder, products: dict[str, int]) -> None:
    address = _address(session, order.customer, incoming)
    order.ship_address_id = address.id
    for line in list(order.lines):
        session.delete(line)
    order.lines.clear()
    session.flush()
    _fill_lines(order, incoming, products)
    session.flush()


def _fill_lines(order: Order, incoming: ChannelOrder, products: dict[str, int]) -> None:
    for line in incoming.lines:
        order.lines.append(OrderLine(product_id=products[line.sku], quantity=line.quantity,
                                     unit_price_cents=line.unit_price_cents))
    order.discount_cents, order.shipping_cents = incoming.discount_cents, incoming.shipping_cents
    goods = sum(l.quantity * l.unit_price_cents for l in incoming.lines)
    order.total_cents = incoming.total_cents or goods - (incoming.discount_cents or 0) + (incoming.shipping_cents or 0)


def _customer(session, incoming: ChannelOrder) -> Customer:
    email = incoming.customer.email
    customer = session.scalars(select(Customer).where(Customer.email == email).limit(1)).first() if email else None
    if customer is None:
        customer = Customer(email=email, name=(incoming.customer.name or email)[:200],
                            phone=incoming.customer.phone[:32])
        session.add(customer)
        session.flush()
    return customer


def _address(session, customer: Customer, incoming: ChannelOrder) -> Address:
    a = incoming.address
    address = Address(customer_id=customer.id, name=a.name, line1=a.line1, line2=a.line2,
                      postal_code=a.postal_code, city=a.city, country=a.country)
    session.add(address)
    session.flush()
    return address


def cancel_order(uow: UnitOfWork, order: Order, actor: str, reason: str) -> str:
    """Cancel a floor order (and the parts it was split into) through the floor's one cancel rule
    (services/allocation.py); "" when done, else why it cannot be (released in a wave, or a
    station is picking it: a person must stop the parcel)."""
    refused = []
    # A split order's parts (server/services/routing.py) are the same customer order: cancelled with it.
    parts = uow.session.scalars(select(Order.id).where(Order.split_from_id == order.id)).all()
    for order_id in [order.id, *parts]:
        if uow.session.get(Order, order_id).status == OrderStatus.CANCELLED:
            continue
        try:
            floor_cancel(uow, order_id, actor=actor, reason=reason)
        except CannotCancel as exc:
            refused.append(str(exc))
    return "; ".join(refused)


def _snapshot(incoming: ChannelOrder) -> dict:
    data = asdict(incoming)
    data["updated_at"] = _iso(incoming.updated_at)
    data["lines"] = [dict(line) for line in data["lines"]]
    data["notes"] = list(data["notes"])
    return data


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()
