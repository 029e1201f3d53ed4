"""The running floor: database, unit-of-work factory and broadcaster, one per app."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from server.broadcast import FloorBroadcaster
from server.db import make_engine, make_session_factory
from server.services.floor import floor_snapshot
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

    @classmethod
    def from_config(cls, config) -> Floor:
        engine = make_engine(config["DATABASE_URL"], **pool_settings(config))
        settings, factory = FloorSettings.from_config(config), make_session_factory(engine)
        # Screens price returns as the refund will (services/screens.py reads it from the session).
        factory.configure(info={"refund_policy": settings.refund_policy})
        return cls(engine, factory, settings)

    def attach_broadcaster(self, socketio, max_rate: float, snapshot_every: float = 2.0) -> None:
        self.broadcaster = FloorBroadcaster(socketio, max_rate, snapshot=self.snapshot,
                                            snapshot_every=snapshot_every)

    def uow(self) -> UnitOfWork:
        publish = self.broadcaster.publish if self.broadcaster else None
        return UnitOfWork(self.session_factory, publish, self.settings)

    def snapshot(self) -> dict:
        with self.session_factory() as session:
            return floor_snapshot(session)

    def close(self) -> None:
        if self.broadcaster:
            self.broadcaster.stop()
        self.engine.dispose()
