"""Pack: verify every unit into the box, then the shipping label prints on this station.

    idle ──task_assigned──► pack ──scan (last unit)──► print_label ──label_printed──► idle
                                                          └──label_failed──► print_label (reprint)
"""
from __future__ import annotations

from server.domain.scenarios.counting import (count_unit, held_task, resume_task, scan_without_task, start_task,
                                               task_lost)
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, ok
from server.domain.scenarios.facts import TaskFacts
from wire.contract import ScreenState as S

PACK = Scenario("pack", initial=S.IDLE, claims="pack", resume=resume_task(S.PACK, prints_labels=True))

PACK.on(S.IDLE, Trigger.TASK_ASSIGNED, to=(S.PACK,))(start_task(S.PACK))
PACK.on(S.IDLE, Trigger.SCAN, to=(S.IDLE,))(scan_without_task)


@PACK.on(S.PACK, Trigger.SCAN, to=(S.PACK, S.PRINT_LABEL))
def scan_unit_into_box(session: Session, given: Input, facts) -> Step:
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    return count_unit(session, task, given.code, finish=_close_parcel)


def _close_parcel(task: TaskFacts) -> Step:
    return Step(S.PRINT_LABEL, {"task_id": task.id}, ok("pack_done"),
                (Effect("close_parcel", {"task_id": task.id}),))


@PACK.on(S.PRINT_LABEL, Trigger.LABEL_PRINTED, to=(S.PRINT_LABEL, S.IDLE))
def label_printed(session: Session, given: Input, facts) -> Step:
    if facts.pending_labels():
        return Step(S.PRINT_LABEL, session.context, ok("label_printed"))
    return Step(S.IDLE, {}, ok("label_printed"))


@PACK.on(S.IDLE, Trigger.LABEL_PRINTED, to=(S.IDLE,))
def label_reported_late(session: Session, given: Input, facts) -> Step:
    # A print_result replayed after an outage, once the screen had moved on.
    return Step(S.IDLE, session.context, ok("label_printed"))


@PACK.on(S.PRINT_LABEL, Trigger.LABEL_FAILED, to=(S.PRINT_LABEL,))
def label_failed(session: Session, given: Input, facts) -> Step:
    return Step(S.PRINT_LABEL, session.context, error("label_failed", error=given.params.get("error", "")))


@PACK.on(S.PRINT_LABEL, Trigger.SCAN, to=(S.PRINT_LABEL,))
def scan_before_label(session: Session, given: Input, facts) -> Step:
    return Step(S.PRINT_LABEL, session.context, error("label_pending"), outcome="label_pending")
