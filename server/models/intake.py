"""Intake: the channels orders come from, every delivery they made, and where each channel order stands."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.models._types import UtcDateTime, utcnow


class Integration(Base):
    """One shop or client: its platform, the secret it signs webhooks with, its API tokens."""

    __tablename__ = "intake_integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)      # also the orders' channel
    platform: Mapped[str] = mapped_column(String(16))               # shopify, woocommerce, api, csv
    webhook_secret: Mapped[str | None] = mapped_column(String(200))  # HMAC key: must be kept in clear
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Delivery(Base):
    """A signed webhook delivery, byte for byte, once per delivery id: the replay and audit trail."""

    __tablename__ = "intake_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("intake_integrations.id"))
    delivery_id: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(64))
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))  # applied, held, stale, unreadable, ignored
    detail: Mapped[str] = mapped_column(Text, default="")
    channel_order_id: Mapped[int | None] = mapped_column(ForeignKey("intake_channel_orders.id"), index=True)

    __table_args__ = (
        # Platforms deliver at least once: a delivery id is taken once per integration.
        UniqueConstraint("integration_id", "delivery_id", name="uq_intake_deliveries_integration_delivery"),
    )


class ChannelOrder(Base):
    """Where one channel order stands: the newest version seen, held or on the floor, cancelled.

    A held order (unknown SKU, no address...) has no ``orders`` row: its lines name no product.
    A cancel is sticky: no later or older delivery brings a cancelled order back.
    """

    __tablename__ = "intake_channel_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16))  # on_floor, held, cancelled
    held_reason: Mapped[str] = mapped_column(Text, default="")
    source_updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cancelled: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # the newest ChannelOrder, as read
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_intake_channel_orders_channel_external"),
    )


class ApiToken(Base):
    """A bearer token of one integration for ``/api/v1``: only its SHA-256 is kept, with its scopes."""

    __tablename__ = "intake_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("intake_integrations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated: read orders:write admin
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class IdempotencyRecord(Base):
    """The first answer to an ``Idempotency-Key``, per integration, given again to a retry."""

    __tablename__ = "intake_idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("intake_integrations.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))  # method, path and body: a reuse elsewhere is refused
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("integration_id", "key", name="uq_intake_idempotency_keys_integration_key"),)
