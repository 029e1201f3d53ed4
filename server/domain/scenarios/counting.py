"""Shared by the pick and pack scenarios: a scanned unit checked against the task's lines."""
from __future__ import annotations

from typing import Callable

from server.domain.scanning import ScannedCode
from server.domain.scenarios.engine import Effect, Session, Step, error, ok
from server.domain.scenarios.facts import TaskFacts
from server.domain.verification import Check, Verdict, check_item
from wire.contract import ScreenState

SHOWN_CODE_CHARS = 40


def count_unit(session: Session, task: TaskFacts, code: ScannedCode,
               finish: Callable[[TaskFacts], Step]) -> Step:
    """One unit scanned into the task: refused in red, counted, or the task's last unit."""
    check = check_item(task.lines, code)
    if not check.accepted:
        return Step(session.state, session.context, rejection(task, check, code), outcome=str(check.verdict))
    counted = Effect("count_unit", {"task_id": task.id, "line_id": check.line_id})
    if check.verdict is Verdict.TASK_COMPLETE:
        done = finish(task)
        return Step(done.state, done.context, done.say, (counted, *done.effects), done.scenario,
                    outcome=str(check.verdict))
    return Step(session.state, session.context, ok("item_ok", name=task.line(check.line_id).name),
                (counted,), outcome=str(check.verdict))


def rejection(task: TaskFacts, check: Check, code: ScannedCode):
    if check.verdict is Verdict.TOO_MANY:
        return error("too_many", name=task.line(check.line_id).name)
    if check.verdict is Verdict.NOT_AN_ITEM:
        return error("not_an_item", kind=str(code.kind))
    if check.verdict is Verdict.WRONG_ITEM:
        return error("wrong_item", code=printable(code.raw))
    return error("unreadable", code=printable(code.raw))


def printable(raw: str) -> str:
    """A scan as an operator can read it: control characters shown as '?', cut at 40."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in raw.strip())
    return shown[:SHOWN_CODE_CHARS] + ("…" if len(shown) > SHOWN_CODE_CHARS else "")


def start_task(state: ScreenState) -> Callable:
    """The handler of TASK_ASSIGNED in an idle task scenario: the task's screen."""
    def task_assigned(session: Session, given, facts) -> Step:
        return Step(state, {"task_id": given.params["task_id"]})
    return task_assigned


def scan_without_task(session: Session, given, facts) -> Step:
    return Step(session.state, {}, error("no_task"), outcome="no_task")


def held_task(session: Session, facts) -> TaskFacts | None:
    """The task the session works on, if the station still holds it."""
    task = facts.task()
    return task if task is not None and task.id == session.context.get("task_id") else None


def resume_task(work_state: ScreenState, *, prints_labels: bool = False):
    """The resume of a task scenario: the screen follows the task the station holds."""
    def resume(session: Session, facts) -> Session:
        if prints_labels and facts.pending_labels():
            return Session(session.scenario, ScreenState.PRINT_LABEL, session.context)
        task = facts.task()
        if task is not None:
            if session.state == work_state and session.context.get("task_id") == task.id:
                return session  # what the context holds besides the task (the bin stood at) stays
            return Session(session.scenario, work_state, {"task_id": task.id})
        if session.state != ScreenState.IDLE:
            return Session(session.scenario, ScreenState.IDLE, {})
        return session
    return resume


def task_lost(initial: ScreenState) -> Step:
    return Step(initial, {}, error("task_lost"), outcome="task_lost")
