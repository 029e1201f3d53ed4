"""Cycle count: a counter checks what one bin really holds, and the stock follows the count.

    idle ──task_assigned──► count_bin ──scan the bin's label──► count ──scan units, count key──► count
                                                                       ──done──► idle (close_count)

The count task's lines are the products stocked in the bin, each with the quantity expected
when the count was created. What the counter finds lives in the session's context
(``counted``: line id → units), so a reconnect, a replayed scan or a restarted station shows the
same count again; nothing is written to the stock before ``done``, whose ``close_count`` effect
applies the adjustment (server/services/counting.py).
"""
from __future__ import annotations

from typing import Any

from server.domain.scanning import CodeKind
from server.domain.scenarios.counting import held_task, printable, scan_without_task, task_lost
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, ok
from server.domain.scenarios.facts import TaskFacts
from wire.contract import Action
from wire.contract import ScreenState as S

MAX_TYPED_QUANTITY = 100_000  # more than any bin holds: a typing slip, refused


def _resume_count(session: Session, facts) -> Session:
    """The screen follows the count task the station holds; its counts survive a reconnect."""
    task = facts.task()
    if task is None:
        return Session(session.scenario, S.IDLE, {}) if session.state != S.IDLE else session
    if session.state in (S.COUNT_BIN, S.COUNT) and session.context.get("task_id") == task.id:
        return session
    return Session(session.scenario, S.COUNT_BIN, {"task_id": task.id, "counted": {}})


COUNT = Scenario("count", initial=S.IDLE, claims="count", actions={S.COUNT: (Action.COUNT, Action.DONE)},
                 resume=_resume_count)

COUNT.on(S.IDLE, Trigger.SCAN, to=(S.IDLE,))(scan_without_task)


@COUNT.on(S.IDLE, Trigger.TASK_ASSIGNED, to=(S.COUNT_BIN,))
def count_assigned(session: Session, given: Input, facts) -> Step:
    return Step(S.COUNT_BIN, {"task_id": given.params["task_id"], "counted": {}})


def bin_of(task: TaskFacts) -> str:
    return next((line.bin for line in task.lines if line.bin), "")


@COUNT.on(S.COUNT_BIN, Trigger.SCAN, to=(S.COUNT_BIN, S.COUNT, S.IDLE))
def scan_bin_label(session: Session, given: Input, facts) -> Step:
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    code, expected = given.code, bin_of(task)
    if code.kind is not CodeKind.BIN:
        return Step(session.state, session.context, error("not_a_bin", kind=str(code.kind)), outcome="not_a_bin")
    if code.value.upper() != expected.upper():
        return Step(session.state, session.context, error("wrong_bin", code=printable(code.raw), bin=expected),
                    outcome="wrong_bin")
    return Step(S.COUNT, session.context, ok("count_bin_ok", bin=expected), outcome="bin_ok")


@COUNT.on(S.COUNT, Trigger.SCAN, to=(S.COUNT, S.IDLE))
def scan_unit_found(session: Session, given: Input, facts) -> Step:
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    code = given.code
    if code.kind is not CodeKind.ITEM:
        return Step(session.state, session.context, error("not_an_item", kind=str(code.kind)),
                    outcome="not_an_item")
    line = next((line for line in task.lines if line.gtin14 == code.value), None)
    if line is None:
        return Step(session.state, session.context,
                    error("not_expected_in_bin", code=printable(code.raw), bin=bin_of(task)),
                    outcome="not_in_bin")
    counted = counts(session)
    counted[str(line.line_id)] = counted.get(str(line.line_id), 0) + 1
    return Step(session.state, {**session.context, "counted": counted},
                ok("count_item_ok", name=line.name, counted=counted[str(line.line_id)]), outcome="counted")


@COUNT.on(S.COUNT, Trigger.ACTION, to=(S.COUNT, S.IDLE))
def count_key(session: Session, given: Input, facts) -> Step:
    if given.name not in (Action.COUNT, Action.DONE):
        return COUNT.not_expected(session, given)
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    if given.name == Action.DONE:
        return _close(session, task)
    line_id, quantity = _whole(given.params.get("line_id")), _whole(given.params.get("quantity"))
    line = next((line for line in task.lines if line.line_id == line_id), None)
    if line is None or quantity is None or not 0 <= quantity <= MAX_TYPED_QUANTITY:
        return Step(session.state, session.context, error("count_bad_quantity", max=MAX_TYPED_QUANTITY),
                    outcome="bad_quantity")
    counted = {**counts(session), str(line.line_id): quantity}
    return Step(session.state, {**session.context, "counted": counted},
                ok("count_item_ok", name=line.name, counted=quantity), outcome="counted")


def _close(session: Session, task: TaskFacts) -> Step:
    counted = counts(session)
    found = {str(line.line_id): counted.get(str(line.line_id), 0) for line in task.lines}
    differences = sum(1 for line in task.lines if found[str(line.line_id)] != line.quantity)
    return Step(S.IDLE, {}, ok("count_done", bin=bin_of(task), differences=differences),
                (Effect("close_count", {"task_id": task.id, "counted": found}),))


def counts(session: Session) -> dict[str, int]:
    """The units counted so far, line id (as text: the context is JSON) → units."""
    return {str(key): int(value) for key, value in (session.context.get("counted") or {}).items()}


def _whole(value: Any) -> int | None:
    """A whole number from a key's parameter (an int, or digits typed as text); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return None
