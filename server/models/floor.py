"""Who and what is on the floor: stations, users, and the audit trail of scans and changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.models._types import UtcDateTime, utcnow


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. PICK-01
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12))  # pick, pack, returns
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    token_hash: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    online: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    printer_status: Mapped[dict | None] = mapped_column(JSON)
    # A station claims only its own warehouse's tasks (server/services/locking.py).
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), default=1, server_default="1")
    # What the station last said of its other devices in its heartbeat: {"scanner": "connected"
    # | "disconnected", "outbox": scans queued on its disk} (the dashboard's station table).
    device_status: Mapped[dict | None] = mapped_column(JSON)


class StationSession(Base):
    """Where the station's operator is: the scenario, its state and its context (one row a station).

    The server draws every screen from this row, so a reconnect, a replayed scan or a
    restarted station PC comes back to exactly the same place.
    """

    __tablename__ = "station_sessions"

    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(24))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # picker, packer, returns_clerk, supervisor, admin
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout so every socket opened under the old session can be refused.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    # SHA-256 of the badge code printed on the operator's card (BADGE-...), for signing in at a
    # station by scanning it (server/services/users.py issue_badge / user_for_badge).
    badge_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class ScanEvent(Base):
    """Every scan, good or bad, exactly once: ``uuid`` is made by the station at read time.

    Unique per station, not floor-wide: a station can only replay its own scans, and one
    station's uuids (guessed, or copied from a log) must not mark another's scans duplicate.
    """

    __tablename__ = "scan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    raw: Mapped[str] = mapped_column(String(512))
    symbology: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))  # what the code is: item, bin, rma, unknown...
    outcome: Mapped[str] = mapped_column(String(24))  # what it did: picked, wrong_item...
    # Why a scan was refused when the server itself failed on it (the error, for the supervisor).
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Who was signed in at the station by badge when it was scanned (None: nobody): the
    # dashboard's throughput per operator. Written by the scan's own INSERT (services/scans.py).
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("ix_scan_events_station_time", "station_id", "received_at"),
                      UniqueConstraint("station_id", "uuid", name="uq_scan_events_station_uuid"))


class AuditEvent(Base):
    """Who changed what, where and when (state changes that are not scans)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # user:alice, station:PACK-01, system
    action: Mapped[str] = mapped_column(String(48))
    subject: Mapped[str] = mapped_column(String(64))  # order:12, task:7, rma:RMA00000001
    detail: Mapped[dict | None] = mapped_column(JSON)
