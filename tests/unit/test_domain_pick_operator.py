"""A picker signed in by badge, without a database: signed in at idle, kept from task to task,
never taken over mid-task by another badge, signed out at idle."""
from __future__ import annotations

from server.domain.scanning import identify
from server.domain.scenarios import Input, Session, Trigger
from server.domain.scenarios.picking import PICK
from tests.unit.test_domain_pick_scan import MUG, Floor, a_task
from wire.contract import ScreenState as S

PAUL = {"id": 4, "name": "Paul", "username": "paul", "locale": "fr"}
ZOE = {"id": 5, "name": "Zoé", "username": "zoe", "locale": "en"}
BADGES = {"BADGE-PAUL0001": PAUL, "BADGE-ZOE00001": ZOE}


class BadgeFloor(Floor):
    def operator_for_badge(self, code):
        return BADGES.get(code.value)

    def now(self) -> float:
        return 1000.0


def run(floor, session, given):
    step = PICK.handle(session, given, floor)
    return step, Session(PICK.name, step.state, step.context)


def scan(raw: str) -> Input:
    return Input.scan(identify(raw, None))


def test_the_operator_signs_in_at_idle_and_stays_from_task_to_task_until_signed_out():
    floor = BadgeFloor(a_task(lamp_qty=1, lamp_done=1))  # one unit left: the mug
    step, session = run(floor, PICK.start(), scan("BADGE-PAUL0001"))
    assert step.outcome == "signed_in" and session.context["operator"]["id"] == 4
    assert [effect.kind for effect in step.effects] == ["operator_signed"]
    step, session = run(floor, session, Input.event(Trigger.TASK_ASSIGNED, task_id=7))
    assert session.state == S.PICK and session.context["operator"]["id"] == 4
    step, session = run(floor, session, scan("BADGE-ZOE00001"))  # another badge mid-task: refused
    assert step.outcome == "badge_busy" and session.context["operator"]["id"] == 4
    step, session = run(floor, session, scan(MUG))  # the task's last unit
    assert session.state == S.IDLE and session.context["operator"]["id"] == 4
    step, session = run(floor, session, scan("BADGE-PAUL0001"))
    assert step.outcome == "signed_out" and "operator" not in session.context


def test_nobody_signed_in_picks_as_before():
    floor = BadgeFloor(a_task(lamp_qty=1))
    step, session = run(floor, PICK.start(), Input.event(Trigger.TASK_ASSIGNED, task_id=7))
    assert session.context == {"task_id": 7}
