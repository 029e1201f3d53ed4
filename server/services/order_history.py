"""An order's life cycle as a list of (status, when), for the order page and the API.

The recorded history (``order_status_changes``, server/models/history.py) comes first: every
ORM status change of an order writes its row in the same transaction. Two kinds of moves have
no such row and are read from the rows that carry their time: a claim's move to picking or
packing (a Core statement on the claim path: its task's ``assigned_at``), and everything
before the history existed (orders loaded by the demo data's COPY, or migrated): the order's
``created_at``, its tasks, wave, parcels and return, as the API always read them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from server.domain.statuses import OrderStatus
from server.models import AuditEvent, Order, OrderStatusChange, Package, Return, Task
from server.models.orders import Wave

# The word for each status in a timeline: an order's first status reads as when it was received.
LABEL = {OrderStatus.NEW: "received"}
TIMELINE_STATUSES = tuple(LABEL.get(status, str(status)) for status in OrderStatus)


def order_history(session, order_id: int) -> list[dict]:
    """The recorded status changes, oldest first: ``[{"status", "at"}]`` (``new`` → "received")."""
    rows = session.execute(select(OrderStatusChange.status, OrderStatusChange.at)
                           .where(OrderStatusChange.order_id == order_id)
                           .order_by(OrderStatusChange.at, OrderStatusChange.id))
    return [{"status": LABEL.get(status, status), "at": at} for status, at in rows]


def timeline(session, order: Order) -> list[dict]:
    """When the order first reached each status, oldest first: recorded, else read from its rows."""
    found: dict[str, datetime] = {}
    for entry in order_history(session, order.id):
        found.setdefault(entry["status"], entry["at"])
    for status, at in _read_from_rows(session, order).items():
        if at is not None:
            found.setdefault(status, at)
    entries = [{"status": status, "at": at} for status, at in found.items()]
    return sorted(entries, key=lambda e: (e["at"], TIMELINE_STATUSES.index(e["status"])))


def _read_from_rows(session, order: Order) -> dict[str, datetime | None]:
    tasks = session.scalars(select(Task).where(Task.order_id == order.id).order_by(Task.id)).all()
    picks = [t for t in tasks if t.kind == "pick"]
    packs = [t for t in tasks if t.kind == "pack"]
    packages = session.scalars(select(Package).where(Package.order_id == order.id)).all()
    done_packs = [t.completed_at for t in packs if t.status == "done" and t.completed_at]
    found = {"received": order.created_at,
             "allocated": _first(t.created_at for t in picks),
             "picking": _first(t.assigned_at for t in picks),
             "packing": _first(t.assigned_at for t in packs),
             "packed": _first(done_packs) or _first(p.created_at for p in packages),
             "shipped": _first(p.shipped_at for p in packages),
             "delivered": _first(p.delivered_at for p in packages),
             "returned_to_sender": max((p.returned_at for p in packages), default=None)
             if packages and all(p.returned_at for p in packages) else None,
             "returned": _first(session.scalars(select(Return.received_at).where(Return.order_id == order.id)))}
    if order.wave_id is not None:
        found["released"] = session.scalar(select(Wave.released_at).where(Wave.id == order.wave_id))
    if picks and all(t.status == "done" and t.completed_at for t in picks):
        found["picked"] = max(t.completed_at for t in picks)
    if order.status == OrderStatus.CANCELLED:
        found["cancelled"] = session.scalar(select(func.max(AuditEvent.at)).where(
            AuditEvent.action == "order_cancelled", AuditEvent.subject == f"order:{order.reference}"))
    return found


def _first(values):
    values = [v for v in values if v is not None]
    return min(values) if values else None
