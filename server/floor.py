"""The running floor: database, unit-of-work factory and broadcaster, one per app."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from server.broadcast import FloorBroadcaster
from server.db import make_engine, make_session_factory
from server.services.floor import floor_snapshot, slow_figures
from server.services.unit_of_work import FloorSettings, UnitOfWork


def pool_settings(config) -> dict:
    """Pool sizes for a server database (SQLite serializes writers anyway: its default pool)."""
    if str(config["DATABASE_URL"]).startswith("sqlite"):
        return {}
    return {"pool_size": int(config["DB_POOL_SIZE"]), "max_overflow": int(config["DB_MAX_OVERFLOW"]),
            "pool_timeout": float(config["DB_POOL_TIMEOUT"])}


@dataclass
class Floor:
    engine: Engine
    session_factory: sessionmaker
    settings: FloorSettings
    broadcaster: FloorBroadcaster | None = field(default=None)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    # The throughput charts scan two days of scans; returns and low stock change over minutes:
    # counted at most this often and shared by every snapshot meanwhile (the page adds the live
    # events to the current hour in between).
    charts_every: float = 15.0
    _charts: tuple[float, dict] | None = field(default=None, repr=False)
    _charts_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_config(cls, config) -> Floor:
        engine = make_engine(config["DATABASE_URL"], **pool_settings(config))
        settings, factory = FloorSettings.from_config(config), make_session_factory(engine)
        # Screens price returns as the refund will (services/screens.py reads it from the session).
        factory.configure(info={"refund_policy": settings.refund_policy})
        return cls(engine, factory, settings, timezone=ZoneInfo(str(config.get("TIMEZONE") or "Europe/Paris")),
                   charts_every=float(config.get("DASHBOARD_CHARTS_EVERY", 15.0)))

    def attach_broadcaster(self, socketio, max_rate: float, snapshot_every: float = 2.0) -> None:
        from server.feed import describe

        self.broadcaster = FloorBroadcaster(socketio, max_rate, snapshot=self.snapshot,
                                            snapshot_every=snapshot_every, describe=describe)

    def uow(self) -> UnitOfWork:
        publish = self.broadcaster.publish if self.broadcaster else None
        return UnitOfWork(self.session_factory, publish, self.settings)

    def snapshot(self, fresh_charts: bool = False) -> dict:
        """The floor as the dashboard draws it; ``fresh_charts`` (a page just connected) recounts
        the slow figures instead of using those counted less than ``charts_every`` ago."""
        with self.session_factory() as session:
            snapshot = floor_snapshot(session, self.timezone)
            snapshot.update(self._slow_figures(session, fresh_charts))
            return snapshot

    def _slow_figures(self, session, fresh: bool) -> dict:
        now = time.monotonic()
        with self._charts_lock:
            cached = self._charts
        if cached is not None and not fresh and now - cached[0] < self.charts_every:
            return cached[1]
        figures = slow_figures(session, self.timezone)
        with self._charts_lock:
            self._charts = (now, figures)
        return figures

    def close(self) -> None:
        if self.broadcaster:
            self.broadcaster.stop()
        self.engine.dispose()
