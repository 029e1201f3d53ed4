"""Pick (single order): the station holds one pick task; each scanned unit leaves its bin.

    idle ──task_assigned──► pick ──scan (last unit)──► idle
"""
from __future__ import annotations

from server.domain.scenarios.counting import (count_unit, held_task, resume_task, scan_without_task, start_task,
                                               task_lost)
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, ok
from server.domain.scenarios.facts import TaskFacts
from wire.contract import ScreenState as S

PICK = Scenario("pick", initial=S.IDLE, claims="pick", resume=resume_task(S.PICK))

PICK.on(S.IDLE, Trigger.TASK_ASSIGNED, to=(S.PICK,))(start_task(S.PICK))
PICK.on(S.IDLE, Trigger.SCAN, to=(S.IDLE,))(scan_without_task)


@PICK.on(S.PICK, Trigger.SCAN, to=(S.PICK, S.IDLE))
def scan_unit_from_bin(session: Session, given: Input, facts) -> Step:
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    return count_unit(session, task, given.code, finish=_tote_to_packing)


def _tote_to_packing(task: TaskFacts) -> Step:
    return Step(S.IDLE, {}, ok("pick_done"), (Effect("complete_pick", {"task_id": task.id}),))
