from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from server.db import Base
from server.domain.statuses import OrderStatus
from server.models._types import StatusType, UtcDateTime, utcnow
from server.models.catalog import Product
from server.services.name_folding import search_text


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), default="")
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    # The name and e-mail folded as the search reads them (services/name_folding.py), indexed by
    # trigrams (services/customer_search.py). Never set by hand: ``_fold_for_search`` below, or
    # for an INSERT outside the ORM (demo rows, Core inserts) the default folding the row's own.
    # Text: a fold can be longer than what it folds (ß -> ss, ﬃ -> ffi).
    search_name: Mapped[str] = mapped_column(Text, default=lambda ctx: _folded_param(ctx, "name"), server_default="")
    search_email: Mapped[str] = mapped_column(Text, default=lambda ctx: _folded_param(ctx, "email"), server_default="")

    @validates("name", "email")
    def _fold_for_search(self, key: str, value: str) -> str:
        """Every name or e-mail set through the ORM (a new customer, a rename) is folded here."""
        setattr(self, f"search_{key}", search_text(value))
        return value


def _folded_param(context, column: str) -> str:
    return search_text(context.get_current_parameters().get(column))


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))  # web, shopify, marketplace, csv...
    external_id: Mapped[str] = mapped_column(String(64), index=True)  # the search box looks it up alone
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    ship_address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    # Every assignment is checked against its life cycle (server/domain/statuses.py).
    status: Mapped[OrderStatus] = mapped_column(StatusType(OrderStatus, 24), default=OrderStatus.NEW)
    service_level: Mapped[str] = mapped_column(String(16), default="standard")
    promised_ship_by: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    total_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # What the channel says the customer got off the goods and paid for delivery (issue 8's refund
    # policy prorates the one, refunds the other on a merchant fault). None: the channel did not
    # say (orders taken before they were kept): the refund reads them from the total.
    discount_cents: Mapped[int | None] = mapped_column(Integer)
    shipping_cents: Mapped[int | None] = mapped_column(Integer)
    # The wave that released it to the floor (None: not released in a wave).
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"), index=True)
    # Routing (server/services/routing.py): the warehouse shipping it and the carrier service
    # chosen for it (None: not routed yet), the delivery date promised to the customer, and
    # the order it was split from (a split sends part of an order from another warehouse).
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    carrier_service: Mapped[str | None] = mapped_column(String(24))
    promised_delivery_on: Mapped[date | None] = mapped_column(Date())
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    # Why the order stopped at picking (status ``short``): a line short in its bin and in every
    # other bin (server/services/short_picks.py). None otherwise.
    short_reason: Mapped[str | None] = mapped_column(String(200))

    customer: Mapped[Customer] = relationship()
    ship_address: Mapped[Address] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id")

    __table_args__ = (
        # Channels deliver at least once: the same external order must never be taken twice.
        UniqueConstraint("channel", "external_id", name="uq_orders_channel_external"),
        Index("ix_orders_status_ship_by", "status", "promised_ship_by"),
    )

    @property
    def reference(self) -> str:
        return self.reference_of(self.id)

    @staticmethod
    def reference_of(order_id: int) -> str:
        return f"CO-{order_id:07d}"

    @staticmethod
    def id_from_reference(reference: str) -> int | None:
        """``CO-0000042`` (or ``42``) → 42; anything else → None."""
        digits = reference.strip().upper().removeprefix("CO-")
        return int(digits) if digits.isdigit() else None


class Wave(Base):
    """Orders released to the floor together (server/services/waves.py)."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    released_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # "cli", "user:alice", "auto"
    trigger: Mapped[str] = mapped_column(String(16))  # manual | auto
    orders: Mapped[int] = mapped_column(Integer)


class ReleasePolicy(Base):
    """How orders of one task kind reach the floor: ``keep_waiting`` None releases every order
    as it is allocated (no waves); N > 0 keeps N released tasks waiting (auto-release);
    0 releases only in waves a supervisor asks for."""

    __tablename__ = "release_policies"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    keep_waiting: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))


class ReorderPoint(Base):
    """A product's reorder point (server/services/stock.py): when its available stock (on hand
    less reserved, every bin) falls to ``point``, one low-stock alert is raised, asking for
    ``quantity`` more; ``alerted_at`` keeps it from being raised again until stock is back
    above the point."""

    __tablename__ = "reorder_points"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    point: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))

    product: Mapped[Product] = relationship()


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # Indexed for the returns desk's no-paperwork lookup: an item scanned → its order lines.
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class OrderHold(Base):
    """An order a supervisor put on hold (server/services/holds.py): its tasks are kept off the
    floor until the hold is released; the row goes with the release (the audit keeps both)."""

    __tablename__ = "order_holds"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64))
    held_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The tasks that were claimable when the hold began: released again with the hold.
    task_ids: Mapped[list] = mapped_column(JSON, default=list)
