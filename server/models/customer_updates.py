"""What the customer is told, and what the floor does to keep its promise (issue 11).

``tracking_events``: what carriers said about a parcel, once each (the same carrier event
always has the same code and time: that pair is the dedupe, whatever the channel).
``notifications``: the outbox. A row is written in the transaction of the change it tells
about (server/services/unit_of_work.py), and a queue job sends it; its state and its
Message-ID make it go out once. ``notification_opt_outs``: addresses that unsubscribed from
the messages that are not essential. ``order_promises`` / ``promise_decisions``: the
delivery date promised and every decision the promise watcher took (docs/notifications.md).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.models._types import UtcDateTime, utcnow


class TrackingEvent(Base):
    __tablename__ = "tracking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    carrier: Mapped[str] = mapped_column(String(16))      # the format it came in: laposte, ups
    code: Mapped[str] = mapped_column(String(24))         # the carrier's own code: DI1, D:FS, delivery_customer
    status: Mapped[str] = mapped_column(String(24))       # ours: in_transit, delivered... (domain/tracking.py)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(8))        # webhook | poll
    label: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (
        UniqueConstraint("package_id", "code", "occurred_at", name="uq_tracking_events_once"),
        Index("ix_tracking_events_package_time", "package_id", "occurred_at"),
    )


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))          # order_received, shipped... (domain/notices.py)
    channel: Mapped[str] = mapped_column(String(8))        # email | sms
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    # One message per cause: "shipped:order:42:package:7". A replayed event adds nothing.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, sent, failed, suppressed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # sending: the claim's deadline
    # When the last try took the row: a claim found expired was a sender that stopped mid-way
    # (it may have handed the message over: the resend carries the same Message-ID).
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str | None] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)


class NotificationOptOut(Base):
    __tablename__ = "notification_opt_outs"

    address: Mapped[str] = mapped_column(String(254), primary_key=True)  # lower-cased e-mail
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OrderPromise(Base):
    """The delivery date promised to the customer (None: the ship-by date plus the service's
    transit) and the expected date the customer was last told, if it moved."""

    __tablename__ = "order_promises"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    deliver_by: Mapped[date | None] = mapped_column(Date)
    told_on: Mapped[date | None] = mapped_column(Date)


class PromiseDecision(Base):
    """One decision of the promise watcher: what it did to an order, why, what it cost."""

    __tablename__ = "promise_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(12))        # priority, release, upgrade, none
    reason: Mapped[str] = mapped_column(String(300))
    cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    before: Mapped[dict] = mapped_column(JSON, default=dict)   # what undo puts back
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    expected_before: Mapped[date | None] = mapped_column(Date)
    expected_after: Mapped[date | None] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64), default="system:promises")
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    undone_by: Mapped[str | None] = mapped_column(String(64))
