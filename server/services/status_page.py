"""What an order's status page shows, and finding an order from what its customer knows.

Only what the customer already knows about their own order: its steps, parcels with tracking,
the expected delivery date. Finding an order needs its number *and* its postal code or the
customer's e-mail; a wrong pair answers exactly like an unknown number.
"""
from __future__ import annotations

import hmac
from datetime import date, datetime

from sqlalchemy import select

from server.domain.statuses import OrderStatus
from server.models import Order, OrderPromise, Package
from server.services import promises
from server.services.tracking import parcel_timeline

STEP_OF_STATUS = {
    OrderStatus.SHIPPED: "order_shipped", OrderStatus.DELIVERED: "order_delivered",
    OrderStatus.RETURNED_TO_SENDER: "order_returned_to_sender", OrderStatus.RETURNED: "order_returned", OrderStatus.CANCELLED: "order_cancelled"}
RETURNABLE = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def find_order(session, number: str, postal_or_email: str) -> int | None:
    """The order id when the number and the postal code (or e-mail) belong together; else None."""
    order_id = Order.id_from_reference(number or "")
    given = (postal_or_email or "").strip()
    if order_id is None or not given or len(given) > 254:
        return None
    order = session.get(Order, order_id)
    if order is None:
        return None
    if "@" in given:
        known, given = order.customer.email.strip().lower(), given.lower()
    else:
        known = order.ship_address.postal_code.replace(" ", "").upper()
        given = given.replace(" ", "").upper()
    return order.id if hmac.compare_digest(known.encode(), given.encode()) else None


def status_view(session, order_id: int, today: date) -> dict | None:
    order = session.get(Order, order_id)
    if order is None:
        return None
    parcels = session.scalars(select(Package).where(Package.order_id == order_id).order_by(Package.id)).all()
    events = parcel_timeline(session, order_id)
    timeline = [(order.created_at, "track.order_received", {})]
    timeline += [(p.shipped_at, "track.order_shipped", {}) for p in parcels if p.shipped_at]
    for parcel in parcels:
        timeline += [(event.occurred_at, f"tracking.{event.status}", {"label": event.label})
                     for event in events.get(parcel.id, [])]
    timeline.sort(key=lambda step: step[0])
    delivered = max((p.delivered_at for p in parcels if p.delivered_at), default=None) \
        if order.status == OrderStatus.DELIVERED else None
    returned = max((p.returned_at for p in parcels if p.returned_at), default=None) \
        if order.status == OrderStatus.RETURNED_TO_SENDER else None
    return {"reference": order.reference, "status_key": "track." + STEP_OF_STATUS.get(order.status, "order_preparing"),
            "expected_on": None if delivered or returned else promises.expected_for_customer(session, order, today),
            "delivered_on": delivered.date() if delivered else None,
            "returned_on": returned.date() if returned else None,
            "timeline": timeline,
            "parcels": [{"tracking": p.tracking_number, "carrier": p.carrier,
                         "step": f"tracking.{events[p.id][-1].status}" if events.get(p.id) else None}
                        for p in parcels if p.tracking_number],
            "returnable": order.status in RETURNABLE}


def promise_row(session, order_id: int) -> OrderPromise | None:
    return session.get(OrderPromise, order_id)


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
