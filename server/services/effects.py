"""The changes a scenario's step asks for, applied to the database (one transaction).

The domain decided *that* a unit is counted or a parcel closed; these functions do it.
"""
from __future__ import annotations

from typing import Callable, Iterable

from server.domain.scenarios.engine import Effect
from server.models import Station, Task, TaskLine
from server.services import counting, packing, picking, returns
from server.services.unit_of_work import UnitOfWork


def count_unit(uow: UnitOfWork, station: Station, *, task_id: int, line_id: int) -> None:
    line = uow.session.get(TaskLine, line_id)
    if line is None or line.task_id != task_id:
        raise LookupError(f"line {line_id} is not on task {task_id}")
    line.done_qty += 1
    if line.task.kind == "pick":
        picking.take_from_bin(uow.session, line)


def bind_tote(uow: UnitOfWork, station: Station, *, task_id: int, tote: str) -> None:
    """The order's units go into this tote; the pack task will name it."""
    uow.session.get(Task, task_id).tote = tote


APPLY: dict[str, Callable[..., None]] = {
    "count_unit": count_unit,
    "bind_tote": bind_tote,
    "complete_pick": picking.complete_pick,
    "close_parcel": packing.close_parcel,
    "receive_return": returns.receive_return,
    "close_count": counting.close_count,
}


def apply(uow: UnitOfWork, station: Station, effects: Iterable[Effect]) -> None:
    for effect in effects:
        APPLY[effect.kind](uow, station, **effect.params)
    uow.session.flush()
