"""Every scan enters here: deduplicated by uuid, given meaning once, recorded, answered."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.domain.scanning import identify
from server.models import ScanEvent, Station
from server.services import packing, picking, returns, screens
from server.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ScanCommand:
    uuid: str
    raw: str
    symbology: str | None
    scanned_at: datetime


HANDLERS = {"pick": picking.scan_item, "pack": packing.scan_item, "returns": returns.scan_rma}


def record_scan(uow: UnitOfWork, station: Station, cmd: ScanCommand) -> dict:
    """Apply one scan exactly once and return the station's next screen (commits)."""
    session = uow.session
    if session.scalar(select(ScanEvent.id).where(ScanEvent.uuid == cmd.uuid)) is not None:
        return _replayed(uow, station)
    code = identify(cmd.raw, cmd.symbology)
    result = HANDLERS[station.role](uow, station, code)
    session.add(ScanEvent(uuid=cmd.uuid, station_id=station.id, task_id=result.task_id,
                          return_id=result.return_id, raw=cmd.raw, symbology=cmd.symbology,
                          kind=str(code.kind), outcome=result.outcome, scanned_at=cmd.scanned_at))
    uow.emit("scan_recorded", station=station.code, raw=cmd.raw, kind=str(code.kind),
             outcome=result.outcome, ok=result.ok, task_id=result.task_id)
    try:
        uow.commit()
    except IntegrityError:
        # The same uuid committed meanwhile by another worker (a replay racing the original).
        uow.rollback()
        return _replayed(uow, station)
    return result.reply


def _replayed(uow: UnitOfWork, station: Station) -> dict:
    session = uow.session
    station = session.get(Station, station.id)
    return screens.screen_for(session, station, screens.message(station, "info", "duplicate_scan"),
                              duplicate=True)
