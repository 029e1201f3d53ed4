"""The changes a scenario's step asks for, applied to the database (one transaction).

The domain decided *that* a unit is counted or a parcel closed; these functions do it. The
two that happen on almost every scan (a counted unit, a bound tote) are single Core UPDATEs
computed by the database, and tell the request's facts what changed so the reply is drawn
without reading the task again; the rest go through the ORM and make the facts read anew.
"""
from __future__ import annotations

from typing import Callable, Iterable

from sqlalchemy import bindparam, select, update

from server.domain.scenarios.engine import Effect
from server.domain.statuses import TaskStatus
from server.models import Station, Task, TaskLine
from server.services import counting, lots, pack_effects, picking, printers, returns, short_picks
from server.services.sessions import DbFacts
from server.services.unit_of_work import UnitOfWork


_lines, _tasks = TaskLine.__table__, Task.__table__
# Built once: the scan path pays for executing these, not for constructing them.
COUNT_UNIT = (
    update(_lines)
    .where(_lines.c.id == bindparam("line"), _lines.c.task_id == bindparam("task"),
           # the task is still this station's (not taken away since the scan was read)
           _lines.c.task_id.in_(select(_tasks.c.id).where(_tasks.c.station_id == bindparam("station"),
                                                          _tasks.c.status == TaskStatus.ASSIGNED)))
    .values(done_qty=_lines.c.done_qty + bindparam("units"))
    .returning(_lines.c.product_id, _lines.c.bin_id,
               select(_tasks.c.kind).where(_tasks.c.id == _lines.c.task_id).scalar_subquery()))
# (Bound names differ from column names: SQLAlchemy reserves those for the SET clause.)
BIND_TOTE = update(_tasks).where(_tasks.c.id == bindparam("task")).values(tote=bindparam("new_tote"))


def count_unit(uow: UnitOfWork, station: Station, *, task_id: int, line_id: int, units: int = 1,
               lot: str | None = None, expiry: str | None = None, serial: str | None = None) -> None:
    """``units`` more on the line (a pack's count or a typed quantity: the domain bounded it);
    a pick scan that named a lot, expiry or serial is kept for traceability (one INSERT more,
    only then: a plain EAN's count stays these two UPDATEs)."""
    # done_qty + units computed by the database: never a stale absolute count written back.
    counted = uow.session.connection().execute(
        COUNT_UNIT, {"line": line_id, "task": task_id, "station": station.id, "units": units}).first()
    if counted is None:
        raise LookupError(f"line {line_id} is not on task {task_id} held by station {station.code}")
    product_id, bin_id, kind = counted
    if kind == "pick":
        picking.take_from_bin(uow.session, product_id, bin_id, units)
        if lot is not None or expiry is not None or serial is not None:
            lots.record(uow.session, station, task_id=task_id, line_id=line_id, product_id=product_id,
                        bin_id=bin_id, units=units, lot=lot, expiry=expiry, serial=serial)


def bind_tote(uow: UnitOfWork, station: Station, *, task_id: int, tote: str) -> None:
    """The order's units go into this tote; the pack task will name it."""
    uow.session.connection().execute(BIND_TOTE, {"task": task_id, "new_tote": tote})


APPLY: dict[str, Callable[..., None]] = {
    "count_unit": count_unit,
    "bind_tote": bind_tote,
    "complete_pick": picking.complete_pick,
    "close_parcel": pack_effects.close_parcel,  # packing.close_order: parcels, labels, contents, slips
    "take_pack_task": pack_effects.take_pack_task,
    "release_pack_task": pack_effects.release_pack_task,
    "recount": pack_effects.recount,
    "hand_over": pack_effects.hand_over,
    "operator_signed": pack_effects.operator_signed,
    "receive_return": returns.receive_return,
    "grade_return_unit": returns.grade_at_desk,
    "finish_return": returns.finish_at_desk,
    "add_extra_unit": returns.extra_at_desk,
    "close_count": counting.close_count,
    "short_pick": short_picks.short_pick,
    "label_to_backup": printers.label_to_backup,
}


# Effects whose outcome the step could not know for sure (the service decides under its locks):
# the session is resumed against the floor after them (steps.run).
RESUME_AFTER = frozenset({"short_pick"})


def apply(uow: UnitOfWork, station: Station, effects: Iterable[Effect], facts: DbFacts) -> bool:
    """Apply the step's effects; True when the session must be resumed against the floor."""
    mirrored_only, resume = True, False
    for effect in effects:
        APPLY[effect.kind](uow, station, **effect.params)
        resume = resume or effect.kind in RESUME_AFTER
        if effect.kind == "count_unit":
            facts.counted(**effect.params)
        elif effect.kind == "bind_tote":
            facts.tote_bound(**effect.params)
        else:
            mirrored_only = False
    if not mirrored_only:
        uow.session.flush()
        facts.forget()
    return resume
