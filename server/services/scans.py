"""Every scan enters here: deduplicated by uuid, given meaning once, recorded, answered."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.domain.scanning import identify
from server.domain.states import ScreenState
from server.models import Return, ScanEvent, Station
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
    original = session.scalars(select(ScanEvent).where(ScanEvent.uuid == cmd.uuid)).first()
    if original is not None:
        return _replayed(uow, station, original.return_id)
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
        original = uow.session.scalars(select(ScanEvent).where(ScanEvent.uuid == cmd.uuid)).one()
        return _replayed(uow, station, original.return_id)
    return result.reply


def _replayed(uow: UnitOfWork, station: Station, return_id: int | None) -> dict:
    """The answer to a scan already applied (its ack was lost): the screen as it is now.

    At the returns desk that is the RMA the scan opened: nothing else in the database says
    what the clerk is looking at.
    """
    session = uow.session
    station = session.get(Station, station.id)
    message = screens.message(station, "info", "duplicate_scan")
    if return_id is not None:
        case = session.get(Return, return_id)
        return screens.reply(ScreenState.RETURN_INSPECT, message=message, rma=screens.rma_view(case),
                             duplicate=True)
    return screens.screen_for(session, station, message, duplicate=True)
