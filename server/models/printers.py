"""The printer fleet: each label printer is a record, served by a station, with a backup.

A printer is addressed by URL (station/drivers/open_printer): ``tcp://host:9100``,
``cups://host:631/QUEUE``, ``serial:///dev/ttyUSB0``, ``file:///path``. Its dpi and media
decide how its labels are drawn (labels/layout.py). The last status read from it is kept
so the supervisors' page and the spooler know whether it can print without asking again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.models._types import UtcDateTime


class Printer(Base):
    __tablename__ = "printers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # e.g. ZD621-PACK-01
    url: Mapped[str] = mapped_column(String(255))
    dpi: Mapped[int] = mapped_column(Integer, default=203)
    media: Mapped[str] = mapped_column(String(16), default="4x6")  # labels.MEDIA key
    location: Mapped[str] = mapped_column(String(100), default="")
    # The station whose labels it prints (NULL: a spare, or a desk with no station).
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"), index=True)
    # Where its jobs go when it cannot print (paper out, head open, offline).
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("printers.id"))
    active: Mapped[bool] = mapped_column(default=True)
    online: Mapped[bool] = mapped_column(default=False)
    # The last status read (~HS flags as PrinterStatus fields) and its words, and when.
    status: Mapped[dict | None] = mapped_column(JSON)
    problem: Mapped[str] = mapped_column(String(32), default="")  # "", paper_out, printer_offline...
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
