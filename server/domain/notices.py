"""Which floor events the customer is told about, by which channel, and which are essential.

The unit of work's events are the trail of every change (server/services/unit_of_work.py);
a few of them mean something to the customer. Each becomes one message per channel, keyed so
that the same cause never gives two messages (an event replayed, a carrier's duplicate, a
notification written twice by two paths): ``dedupe``.

Essential messages (the order, its shipping, the return and the refund) are always sent;
the others (out for delivery, delivered) stop when the customer unsubscribes.
Plain Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

KINDS = ("order_received", "shipped", "delayed", "out_for_delivery", "delivered", "return_authorized",
         "return_received", "refund_issued", "returned_to_sender", "parcel_returned")
NOT_ESSENTIAL = frozenset({"out_for_delivery", "delivered"})
SMS_KINDS = frozenset({"out_for_delivery"})  # a text message only when it helps to be home

# floor event -> (kind, the event's keys that make the cause unique)
FROM_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "order_received": ("order_received", ()),
    "order_shipped": ("shipped", ("tracking",)),
    "promise_date_changed": ("delayed", ("expected_on",)),
    "parcel_delivery_failed": ("delayed", ("package", "at")),
    "parcel_out_for_delivery": ("out_for_delivery", ("package", "at")),
    "order_delivered": ("delivered", ()),
    "return_authorized": ("return_authorized", ("rma",)),
    "return_received": ("return_received", ("rma",)),
    "refund_paid": ("refund_issued", ("rma",)),
    "order_returned_to_sender": ("returned_to_sender", ()),
    # One parcel of several coming back while the others are still out: told once per parcel
    # (the last one back is the order's own "returned_to_sender").
    "order_parcel_returned": ("parcel_returned", ("package",)),
}
CONTEXT_KEYS = ("tracking", "carrier", "rma", "amount_cents", "currency", "expected_on", "at", "delivered_at",
                "reason")


@dataclass(frozen=True)
class Notice:
    kind: str
    order_reference: str
    dedupe: str
    context: dict


def notice_for(event: dict) -> Notice | None:
    """The customer message an event calls for, or None (most events are the floor's own)."""
    rule = FROM_EVENTS.get(event.get("type", ""))
    if rule is None or not event.get("order"):
        return None
    kind, keys = rule
    order = str(event["order"])
    dedupe = ":".join([kind, order, *(f"{key}={event.get(key)}" for key in keys)])
    context = {key: event[key] for key in CONTEXT_KEYS if event.get(key) is not None}
    return Notice(kind, order, dedupe[:150], context)


def is_essential(kind: str) -> bool:
    return kind not in NOT_ESSENTIAL


def retry_delay(attempts: int, base: float, ceiling: float) -> float:
    """Seconds before the next try after ``attempts`` failed ones: base, 2 base, 4 base... at most ceiling."""
    return min(ceiling, base * 2 ** max(0, attempts - 1))
