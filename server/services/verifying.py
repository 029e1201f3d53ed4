"""Shared by picking and packing: check an item scan against the station's task."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from server.domain.scanning import ScannedCode, gtin14
from server.domain.verification import Check, LineProgress, Verdict, check_item
from server.models import Station, Task
from server.services import screens
from server.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ScanResult:
    reply: dict
    outcome: str
    ok: bool
    task_id: int | None = None
    return_id: int | None = None


def verify_item_scan(uow: UnitOfWork, station: Station, code: ScannedCode,
                     on_line: Callable, on_complete: Callable[[UnitOfWork, Station, Task], dict]) -> ScanResult:
    session = uow.session
    task = screens.current_task(session, station)
    if task is None:
        msg = screens.message(station, "error", "no_task")
        return ScanResult(screens.screen_for(session, station, msg), "no_task", False)
    check = check_item([_progress(line) for line in task.lines], code)
    if not check.accepted:
        msg = _rejection(station, task, check, code)
        return ScanResult(screens.screen_for(session, station, msg, task=task), str(check.verdict), False, task.id)
    line = next(line for line in task.lines if line.id == check.line_id)
    line.done_qty += 1
    on_line(session, line)
    session.flush()
    if check.verdict is Verdict.TASK_COMPLETE:
        return ScanResult(on_complete(uow, station, task), str(check.verdict), True, task.id)
    msg = screens.message(station, "ok", "item_ok", name=line.product.name)
    return ScanResult(screens.screen_for(session, station, msg, task=task), str(check.verdict), True, task.id)


def _progress(line) -> LineProgress:
    return LineProgress(line.id, gtin14(line.product.gtin), line.quantity, line.done_qty)


def _rejection(station: Station, task: Task, check: Check, code: ScannedCode) -> dict:
    if check.verdict is Verdict.TOO_MANY:
        name = next(line.product.name for line in task.lines if line.id == check.line_id)
        return screens.message(station, "error", "too_many", name=name)
    if check.verdict is Verdict.NOT_AN_ITEM:
        return screens.message(station, "error", "not_an_item", kind=str(code.kind))
    if check.verdict is Verdict.WRONG_ITEM:
        return screens.message(station, "error", "wrong_item", code=code.raw.strip())
    return screens.message(station, "error", "unreadable", code=_printable(code.raw))


def _printable(raw: str) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in raw.strip())
    return shown[:40] + ("…" if len(shown) > 40 else "")
