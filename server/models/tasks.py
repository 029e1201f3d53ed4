"""Pick, pack and count tasks share one table: one queue, one claim query, one audit trail.

``kind`` is ``pick``, ``pack`` or ``count``. A pick line names the bin to take from; a pack
line has no bin (the packer verifies what arrived in the tote). A count (cycle count) has no
order: its lines are the products stocked in one bin, ``quantity`` the count expected when it
was created and ``done_qty`` the count found once it is closed (which may exceed it).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base
from server.domain.statuses import TaskStatus
from server.models._types import StatusType, UtcDateTime, utcnow
from server.models.catalog import Bin, Product
from server.models.orders import Order


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)  # None: a count
    # Every assignment is checked against its life cycle (server/domain/statuses.py).
    status: Mapped[TaskStatus] = mapped_column(StatusType(TaskStatus, 12), default=TaskStatus.OPEN)
    priority: Mapped[int] = mapped_column(Integer, default=0)  # lower is more urgent
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    tote: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(200))  # why a count was asked for (audited)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Waves (server/services/waves.py): a pick task of an order not yet released to the floor
    # waits here, reserved but not claimable. Every other task is released when created.
    released: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Leases (server/domain/leases.py): the holder's heartbeats push this forward; once past,
    # any station claiming work may take the task over (None: a lease that never expires).
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The station whose lease ran out when another took the task over: told once, then cleared.
    taken_from_station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    # Where the task is worked: its bins' warehouse (server/services/routing.py).
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), default=1, server_default="1")

    order: Mapped[Order | None] = relationship()
    lines: Mapped[list[TaskLine]] = relationship(back_populates="task", order_by="TaskLine.sequence")

    __table_args__ = (
        CheckConstraint("kind IN ('pick', 'pack', 'count')", name="kind"),
        # The claim query walks this index: open, released tasks of one kind in the station's
        # warehouse, most urgent first.
        Index("ix_tasks_queue", "kind", "warehouse_id", "status", "released", "priority", "id"),
        # Claims look here first for a held task whose lease ran out (usually none: one probe).
        Index("ix_tasks_lease", "kind", "status", "lease_expires_at"),
        # Every scan looks up the station's current task: never a scan of the whole table.
        Index("ix_tasks_station_status", "station_id", "status"),
    )


class TaskLine(Base):
    __tablename__ = "task_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # pick path order
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))  # None: a count line
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    done_qty: Mapped[int] = mapped_column(Integer, default=0)
    # Units the picker declared missing in this bin (a short pick): taken off ``quantity``, which
    # stays what is to be picked here (server/services/short_picks.py).
    short_qty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    task: Mapped[Task] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    bin: Mapped[Bin | None] = relationship()

    __table_args__ = (
        # A count may find more than expected; an order's line never takes more than ordered.
        CheckConstraint("done_qty >= 0 AND (order_line_id IS NULL OR done_qty <= quantity)", name="done"),
    )


class PickedLot(Base):
    """What a pick scan said about the units it took beyond their GTIN: lot (AI 10), expiry
    (AI 17), serial (AI 21). One row per accepted scan (or typed quantity) that carried any,
    so "which orders got lot ABC123?" is one query (server/services/lots.py)."""

    __tablename__ = "picked_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_line_id: Mapped[int] = mapped_column(ForeignKey("task_lines.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bins.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    lot: Mapped[str | None] = mapped_column(String(20))  # GS1: X..20
    expiry: Mapped[date | None] = mapped_column(Date)
    serial: Mapped[str | None] = mapped_column(String(20))
    units: Mapped[int] = mapped_column(Integer)
    picked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint("units > 0", name="units"),
        Index("ix_picked_lots_lot", "lot", "product_id"),
    )
