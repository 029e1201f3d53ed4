"""Every scan enters here: deduplicated by uuid, given meaning once, recorded, answered.

Deduplication is the database's: ``scan_events`` is unique on (station, uuid), and the scan's row is
inserted in the transaction that applies it. A replay (the station never got its ack) does
the work again, fails on that insert, is rolled back whole, and is answered with the screen
as it is. That costs a replay a little more and saves every first scan a round trip.

Nothing a scan does may stop the floor. A database that is briefly unreachable answers a
``server_error`` the station retries; any other failure (a bug, a CHECK the data broke)
refuses *this* scan for good: it is recorded with the reason, logged with its uuid, and the
station gets a red screen and goes on with its next scan.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exc as db_errors
from sqlalchemy import insert, select

from server.domain.scanning import ScannedCode, identify
from server.domain.scenarios import Input
from server.domain.scenarios.engine import error, info
from server.models import ScanEvent, Station
from server.models._types import utcnow
from server.services import sessions, steps
from server.services.unit_of_work import UnitOfWork
from wire.contract import ErrorCode, error_reply

log = logging.getLogger(__name__)
RECORD_SCAN = insert(ScanEvent.__table__)

# The database could not be reached or gave up on this transaction: trying again may work.
TRANSIENT_ERRORS = (db_errors.OperationalError, db_errors.TimeoutError, db_errors.InterfaceError)


@dataclass(frozen=True)
class ScanCommand:
    uuid: str
    raw: str
    symbology: str | None
    scanned_at: datetime


def record_scan(uow: UnitOfWork, station: Station, cmd: ScanCommand) -> dict:
    """Apply one scan exactly once and return the station's next screen (commits)."""
    station_id, station_code = station.id, station.code
    try:
        return _apply(uow, station, cmd)
    except Exception as exc:  # noqa: BLE001 - the jam guard: any failure becomes an answer
        uow.rollback()
        return _after_failure(uow, station_id, station_code, cmd, exc)


def _after_failure(uow: UnitOfWork, station_id: int, station_code: str, cmd: ScanCommand, exc: Exception) -> dict:
    """A replay (applied before, its ack lost), a database to retry, or a scan refused for good."""
    try:
        if _recorded(uow, station_id, cmd.uuid):
            return _replayed(uow, sessions.load_station(uow.session, station_id))
    except TRANSIENT_ERRORS as unreachable:
        uow.rollback()
        exc = unreachable  # cannot even tell whether it is a replay: the station retries
    if isinstance(exc, TRANSIENT_ERRORS):
        log.warning("scan %s at %s: database unavailable, the station will retry: %s", cmd.uuid, station_code, exc)
        return error_reply(ErrorCode.BUSY, "database unavailable, try again")
    log.exception("scan %s at %s refused: the server failed on it", cmd.uuid, station_code, exc_info=exc)
    return _refuse(uow, station_id, cmd, exc)


def _apply(uow: UnitOfWork, station: Station, cmd: ScanCommand) -> dict:
    code = identify(cmd.raw, cmd.symbology)
    ran = steps.run(uow, station, Input.scan(code))
    context = {**ran.before.context, **ran.step.context}
    _record(uow, station, cmd, code, ran.step.outcome or "accepted", ran.step.accepted,
            task_id=_task_of(ran), return_id=context.get("return_id"),
            operator_id=_operator_of(ran.step.context) or _operator_of(ran.before.context))
    uow.commit()
    return ran.screen


def _task_of(ran: steps.Ran) -> int | None:
    """The task a scan worked on: the one its effects changed, else the one the screen held."""
    for effect in ran.step.effects:
        if "task_id" in effect.params:
            return effect.params["task_id"]
    holding = ran.before.context.get("put") or {}  # batch picking: the unit in hand's order
    return ran.before.context.get("task_id") or holding.get("task_id") or ran.step.context.get("task_id")


def _operator_of(context: dict | None) -> int | None:
    """The user id of the operator a session's context holds (signed in by badge), if any."""
    operator = (context or {}).get("operator")
    return operator.get("id") if isinstance(operator, dict) else None


def _record(uow: UnitOfWork, station: Station, cmd: ScanCommand, code: ScannedCode, outcome: str, accepted: bool,
            task_id=None, return_id=None, reason: str = "", operator_id: int | None = None) -> None:
    # Core, not the ORM: no object to track, and a replay fails here at once (unique per station).
    # The operator comes from the session the scan's first statement loaded: no statement more.
    uow.session.connection().execute(RECORD_SCAN, {
        "uuid": cmd.uuid, "station_id": station.id, "task_id": task_id, "return_id": return_id, "raw": cmd.raw,
        "symbology": cmd.symbology, "kind": str(code.kind), "outcome": outcome, "reason": reason,
        "scanned_at": cmd.scanned_at, "received_at": utcnow(), "operator_id": operator_id})
    uow.emit("scan_recorded", station=station.code, raw=cmd.raw, kind=str(code.kind), outcome=outcome,
             ok=accepted, task_id=task_id)


def _refuse(uow: UnitOfWork, station_id: int, cmd: ScanCommand, failure: Exception) -> dict:
    """Record the scan as refused (with why) and answer the station's screen in red."""
    try:
        station = sessions.load_station(uow.session, station_id)
        reason = f"{type(failure).__name__}: {failure}"[:200]
        _record(uow, station, cmd, identify(cmd.raw, cmd.symbology), "server_error", False, reason=reason,
                operator_id=_operator_of(sessions.stored_context(uow.session, station)))
        screen = steps.current_screen(uow, station, error("scan_failed", ref=cmd.uuid[:8]))
        uow.commit()
        return screen
    except Exception:  # noqa: BLE001 - even the refusal failed: the station keeps the scan and retries
        uow.rollback()
        log.exception("scan %s: could not record its refusal either", cmd.uuid)
        return error_reply(ErrorCode.SERVER_ERROR, "the server could not record this scan, try again")


def _recorded(uow: UnitOfWork, station_id: int, scan_uuid: str) -> bool:
    """This station already recorded this uuid: a replay. Scoped by station like the UNIQUE
    (station_id, uuid) it reads, so another station's uuid is never taken for a replay."""
    return uow.session.scalar(select(ScanEvent.id).where(ScanEvent.station_id == station_id,
                                                         ScanEvent.uuid == scan_uuid)) is not None


def _replayed(uow: UnitOfWork, station: Station) -> dict:
    """The answer to a scan already applied (its ack was lost): the screen as it is now."""
    screen = steps.current_screen(uow, station, info("duplicate_scan"), duplicate=True)
    uow.commit()
    return screen
