from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base
from server.domain.statuses import RefundStatus, ReturnStatus
from server.models._types import StatusType, UtcDateTime, utcnow
from server.models.orders import Order, OrderLine


class Return(Base):
    """A return authorization (RMA). Its number is the barcode on the return label."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma: Mapped[str | None] = mapped_column(String(20), unique=True)  # numbered from the id
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # Every assignment is checked against its life cycle (server/domain/statuses.py).
    status: Mapped[ReturnStatus] = mapped_column(StatusType(ReturnStatus, 16),
                                                  default=ReturnStatus.AUTHORIZED)
    reason: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    received_by: Mapped[str | None] = mapped_column(String(64))  # "station:RET-01": the amber "already received"
    created_by: Mapped[str] = mapped_column(String(64), default="")  # "user:claire", "customer", "cli:…"
    source: Mapped[str] = mapped_column(String(16), default="")  # customer_service, self_service, api, cli
    # The parcel the carrier brought back, when the return is that one parcel's recorded contents
    # (issue 11): the desk finds it by that parcel's tracking number or SSCC. One per parcel.
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"), index=True, unique=True)

    order: Mapped[Order] = relationship()
    lines: Mapped[list[ReturnLine]] = relationship(back_populates="rma_case", order_by="ReturnLine.id")
    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id")


class ReturnLine(Base):
    __tablename__ = "return_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)  # the desk's item lookup
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32), default="")
    grade: Mapped[str | None] = mapped_column(String(16))  # resellable, damaged, missing
    disposition: Mapped[str | None] = mapped_column(String(16))  # restock, quarantine
    location: Mapped[str | None] = mapped_column(String(32))  # the bin restocked to, or the quarantine location
    graded_by: Mapped[str | None] = mapped_column(String(64))
    graded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(String(200), default="")
    # An item that came back without being on the RMA, accepted at the desk with a reason.
    extra: Mapped[bool] = mapped_column(Boolean, default=False)

    rma_case: Mapped[Return] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    __table_args__ = (CheckConstraint("quantity > 0", name="qty"),)


class Refund(Base):
    """The refund of one return, recorded once (server/services/refunds.py): the unique
    ``return_id`` refuses a second row whatever races, and the provider is called with the
    row's ``idempotency_key``, so a retried call never pays twice."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True, unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    method: Mapped[str] = mapped_column(String(16), default="original")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Every assignment is checked against its life cycle (server/domain/statuses.py).
    status: Mapped[RefundStatus] = mapped_column(StatusType(RefundStatus, 24), default=RefundStatus.APPROVED)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_by: Mapped[str] = mapped_column(String(64), default="")  # "user:alice", "station:R1", "cli"
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    breakdown: Mapped[dict | None] = mapped_column(JSON)  # the policy's RefundBreakdown.as_dict()

    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount"),)


class LocalPayment(Base):
    """What the local payment provider paid out (server/services/payments.py), one row per
    idempotency key: a real provider keeps the same record on its side."""

    __tablename__ = "local_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount"),)


class QuarantineUnit(Base):
    """Returned units graded damaged: kept at a quarantine location, never stock. Allocation
    reads ``stock`` only, so nothing here can ever be promised to an order."""

    __tablename__ = "quarantine_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_line_id: Mapped[int] = mapped_column(ForeignKey("return_lines.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    location: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (CheckConstraint("quantity > 0", name="qty"),)
