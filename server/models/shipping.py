from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base
from server.domain.statuses import PackageStatus, PrintJobStatus
from server.models._types import StatusType, UtcDateTime, utcnow
from server.models.orders import Order


class Package(Base):
    """A parcel leaving the dock: one SSCC, one carrier tracking number."""

    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)  # set once the id is known
    carrier: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(32))
    tracking_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    weight_g: Mapped[int] = mapped_column(Integer)
    # Every assignment is checked against its life cycle (server/domain/statuses.py).
    status: Mapped[PackageStatus] = mapped_column(StatusType(PackageStatus, 24),
                                                   default=PackageStatus.LABEL_PENDING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the carrier's "returned to sender"

    order: Mapped[Order] = relationship()


class PackageContent(Base):
    """Which units went into which parcel (issue 12): ``quantity`` of a product in one parcel of
    an order packed in several (and the one parcel of an order packed in one), as the bench
    shared them out and the packer was shown them, parcel by parcel."""

    __tablename__ = "package_contents"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        UniqueConstraint("package_id", "product_id", name="uq_package_contents_package_product"),
    )


class PrintJob(Base):
    """A label sent to a station's printer; kept so a jam or paper-out can be reprinted."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The station that prints it on its own printer (pack flow), or NULL for a job the
    # server's spooler sends to a fleet printer (reprints, return labels): never both.
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    kind: Mapped[str] = mapped_column(String(16))  # shipping, return
    zpl: Mapped[str] = mapped_column(Text)
    # Every assignment is checked against its life cycle (server/domain/statuses.py).
    status: Mapped[PrintJobStatus] = mapped_column(StatusType(PrintJobStatus, 12),
                                                    default=PrintJobStatus.QUEUED)
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The fleet (server/services/printers.py): which printer, who asked, how many tries,
    # when to try again, and the job it reprints.
    printer_id: Mapped[int | None] = mapped_column(ForeignKey("printers.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reprint_of: Mapped[int | None] = mapped_column(ForeignKey("print_jobs.id"))

    printer: Mapped["Printer | None"] = relationship("Printer")  # noqa: F821 - server/models/printers.py
