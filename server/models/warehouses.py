"""Warehouses, the distance table routing weighs them by, and why each order went where it went.

Every bin, station and task belongs to one warehouse. Rows made before warehouses existed
belong to the default one (id 1, ``MAIN``), which the migration creates and which a table
built by ``create_all`` (tests, benches) gets too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DDL, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, event, true
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.models._types import UtcDateTime, utcnow

DEFAULT_WAREHOUSE_ID = 1
DEFAULT_WAREHOUSE = {"id": DEFAULT_WAREHOUSE_ID, "code": "MAIN", "name": "Colis Entrepôt Lyon",
                     "line1": "1 rue du Dépôt", "postal_code": "69001", "city": "Lyon", "country": "FR",
                     "timezone": "Europe/Paris"}


class Warehouse(Base):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # LYON, PARIS-N: what people call it
    name: Mapped[str] = mapped_column(String(100))
    line1: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")  # where parcels leave from
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Paris")  # carriers' cut-offs
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def sender(self) -> dict:
        """The label's sender block."""
        return {"name": self.name, "line1": self.line1, "line2": "", "postal_code": self.postal_code,
                "city": self.city, "country": self.country}


# A table created outside Alembic (create_all) gets the default warehouse the migration inserts.
event.listen(Warehouse.__table__, "after_create", DDL(
    "INSERT INTO warehouses (id, code, name, line1, postal_code, city, country, timezone, active) VALUES "
    "(1, 'MAIN', 'Colis Entrepôt Lyon', '1 rue du Dépôt', '69001', 'Lyon', 'FR', 'Europe/Paris', true)"))


class WarehouseZone(Base):
    """How far a warehouse is from customers of one country whose postal code starts with the
    prefix (an empty prefix: the whole country). The longest matching prefix wins."""

    __tablename__ = "warehouse_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    country: Mapped[str] = mapped_column(String(2))
    postal_prefix: Mapped[str] = mapped_column(String(16), default="")
    km: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("warehouse_id", "country", "postal_prefix", name="uq_warehouse_zones_key"),)


class RoutingDecision(Base):
    """One decision about an order and why: which warehouse(s) (``kind`` warehouse) or which
    carrier service (``kind`` carrier, at routing and again at packing). ``reason`` is a
    ``routing.*`` text code, ``params`` its values and what was weighed."""

    __tablename__ = "routing_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(12))      # warehouse, carrier
    outcome: Mapped[str] = mapped_column(String(16))   # whole, split, held, short, chosen, kept, rerouted, none
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    service: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict | None] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(64), default="system")

    __table_args__ = (Index("ix_routing_decisions_order", "order_id", "id"),)
