"""Every status an order took, with when: written in the transaction that changed it.

``record_order_statuses`` runs before every flush of every session: an order added, or
whose status changed through the ORM, gets an ``order_status_changes`` row (a new order:
``new``, shown as "received"). Every status change of an order goes through the ORM (and so
through the life-cycle check, models/_types.py) except a claim's move to picking/packing, a
Core statement on the claim path: those two are read from the task's ``assigned_at``
(services/order_history.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from server.db import Base
from server.domain.statuses import OrderStatus
from server.models._types import UtcDateTime, utcnow
from server.models.orders import Order


class OrderStatusChange(Base):
    __tablename__ = "order_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    # Not a guarded status column: a history row records a move, it does not make one.
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    order: Mapped[Order] = relationship()

    __table_args__ = (Index("ix_order_status_changes_order", "order_id", "at"),)


@event.listens_for(Session, "before_flush")
def record_order_statuses(session: Session, flush_context, instances) -> None:
    for obj in session.new:
        if isinstance(obj, Order):
            _record(session, obj, OrderStatus.NEW)
            if obj.status is not None and obj.status != OrderStatus.NEW:
                _record(session, obj, obj.status)  # created and moved on before any flush
    for obj in session.dirty:
        if isinstance(obj, Order):
            history = inspect(obj).attrs.status.history
            if history.added and history.added[-1] not in history.deleted:
                _record(session, obj, history.added[-1])


def _record(session: Session, order: Order, status) -> None:
    # Through the relationship: a new order's id is known only during this flush.
    session.add(OrderStatusChange(order=order, status=str(status), at=utcnow()))
