"""The cycle count scenario's state machine, without a database: facts are a small dataclass."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from server.domain.scanning import identify
from server.domain.scenarios import ROLE_SCENARIO, SCENARIOS, Input, Session, Trigger
from server.domain.scenarios.cycle_count import COUNT, MAX_TYPED_QUANTITY
from server.domain.scenarios.facts import TaskFacts
from server.domain.verification import LineProgress
from wire import texts
from wire.contract import Action, MessageLevel, ScreenState as S

LAMP, MUG, VASE = "03761234000422", "03761234000439", "03761234000446"
BIN = "A-01-02-1"


@dataclass
class Floor:
    held: TaskFacts | None = None

    def task(self):
        return self.held

    def batch(self):
        return (self.held,) if self.held is not None else ()

    def pending_labels(self):
        return 0

    def find_return(self, code):
        return None

    def return_by_id(self, return_id):
        return None


def a_count(task_id: int = 9) -> TaskFacts:
    """Bin A-01-02-1 should hold 3 lamps and 1 mug."""
    return TaskFacts(task_id, "count", "", (LineProgress(41, LAMP, 3, 0, "Lampe", BIN),
                                            LineProgress(42, MUG, 1, 0, "Mug", BIN)))


def at(state: S, counted: dict | None = None, task_id: int = 9) -> Session:
    return Session("count", state, {"task_id": task_id, "counted": counted or {}})


def scan(code: str) -> Input:
    return Input.scan(identify(code))


def test_a_count_station_starts_idle_and_claims_count_tasks():
    assert ROLE_SCENARIO["count"] == "count" and SCENARIOS["count"] is COUNT
    assert COUNT.start().state == S.IDLE and COUNT.claims == "count"
    step = COUNT.handle(COUNT.start(), Input.event(Trigger.TASK_ASSIGNED, task_id=9), Floor(a_count()))
    assert (step.state, dict(step.context)) == (S.COUNT_BIN, {"task_id": 9, "counted": {}})
    assert COUNT.actions(S.COUNT) == (Action.COUNT, Action.DONE) and COUNT.actions(S.COUNT_BIN) == ()


def test_the_right_bin_label_opens_the_count():
    step = COUNT.handle(at(S.COUNT_BIN), scan(BIN), Floor(a_count()))
    assert step.state == S.COUNT and step.say.key == "count_bin_ok" and step.say.params == {"bin": BIN}
    assert step.accepted and step.outcome == "bin_ok"
    # A label read in lower case is the same bin.
    assert COUNT.handle(at(S.COUNT_BIN), scan(BIN.lower()), Floor(a_count())).state == S.COUNT


def test_the_wrong_bin_is_refused_in_red_naming_the_right_one():
    step = COUNT.handle(at(S.COUNT_BIN), scan("B-07-01-3"), Floor(a_count()))
    assert (step.state, step.say.level, step.say.key, step.outcome) == (S.COUNT_BIN, MessageLevel.ERROR,
                                                                        "wrong_bin", "wrong_bin")
    assert step.say.params == {"code": "B-07-01-3", "bin": BIN} and step.effects == ()


@pytest.mark.parametrize("code, kind", [(LAMP, "item"), ("RMA00000004", "rma"), ("]x9", "unknown")])
def test_what_is_not_a_bin_is_refused_in_red(code, kind):
    step = COUNT.handle(at(S.COUNT_BIN), scan(code), Floor(a_count()))
    assert (step.state, step.say.level, step.say.key) == (S.COUNT_BIN, MessageLevel.ERROR, "not_a_bin")
    assert step.say.params == {"kind": kind} and step.outcome == "not_a_bin"


def test_each_unit_found_ticks_its_line_in_the_context_and_writes_nothing():
    floor, session = Floor(a_count()), at(S.COUNT)
    for expected in (1, 2):
        step = COUNT.handle(session, scan(LAMP), floor)
        session = Session("count", step.state, step.context)
        assert step.say.key == "count_item_ok" and step.say.params == {"name": "Lampe", "counted": expected}
        assert step.effects == () and step.outcome == "counted"
    step = COUNT.handle(session, scan(MUG), floor)
    assert step.context["counted"] == {"41": 2, "42": 1} and step.state == S.COUNT
    # More than expected is counted too: the count says what is there.
    for _ in range(3):
        step = COUNT.handle(Session("count", step.state, step.context), scan(MUG), floor)
    assert step.context["counted"]["42"] == 4 and step.accepted


def test_a_unit_of_a_product_not_expected_in_the_bin_is_refused_with_the_reason():
    step = COUNT.handle(at(S.COUNT, {"41": 1}), scan(VASE), Floor(a_count()))
    assert (step.state, step.say.level, step.say.key, step.outcome) == (S.COUNT, MessageLevel.ERROR,
                                                                        "not_expected_in_bin", "not_in_bin")
    assert step.say.params == {"code": VASE, "bin": BIN} and step.context["counted"] == {"41": 1}
    assert COUNT.handle(at(S.COUNT), scan("RMA00000004"), Floor(a_count())).say.key == "not_an_item"


def test_a_typed_quantity_sets_the_line_count_and_a_bad_one_is_refused():
    floor = Floor(a_count())
    step = COUNT.handle(at(S.COUNT, {"41": 1}), Input.action(Action.COUNT, line_id=41, quantity=24), floor)
    assert step.context["counted"] == {"41": 24} and step.say.key == "count_item_ok"
    assert step.say.params == {"name": "Lampe", "counted": 24} and step.state == S.COUNT
    typed = COUNT.handle(at(S.COUNT), Input.action(Action.COUNT, line_id=42, quantity="0"), floor)
    assert typed.context["counted"] == {"42": 0}
    for params in ({"line_id": 99, "quantity": 2}, {"line_id": 41, "quantity": -1}, {"line_id": 41},
                   {"line_id": 41, "quantity": MAX_TYPED_QUANTITY + 1}, {"line_id": 41, "quantity": "2.5"},
                   {"line_id": 41, "quantity": True}, {"line_id": "x", "quantity": 1}):
        refused = COUNT.handle(at(S.COUNT, {"41": 1}), Input.action(Action.COUNT, **params), floor)
        assert (refused.say.level, refused.say.key) == (MessageLevel.ERROR, "count_bad_quantity"), params
        assert refused.context["counted"] == {"41": 1}


def test_done_closes_the_count_with_every_line_and_says_how_many_differences():
    step = COUNT.handle(at(S.COUNT, {"41": 3, "42": 0}), Input.action(Action.DONE), Floor(a_count()))
    assert step.state == S.IDLE and dict(step.context) == {}
    assert (step.say.level, step.say.key, step.say.params) == (MessageLevel.OK, "count_done",
                                                               {"bin": BIN, "differences": 1})
    [effect] = step.effects
    assert effect.kind == "close_count" and effect.params == {"task_id": 9, "counted": {"41": 3, "42": 0}}
    # A line never scanned counts as zero found.
    nothing = COUNT.handle(at(S.COUNT), Input.action(Action.DONE), Floor(a_count()))
    assert nothing.effects[0].params["counted"] == {"41": 0, "42": 0} and nothing.say.params["differences"] == 2


def test_an_unknown_key_or_a_lost_task_changes_nothing():
    step = COUNT.handle(at(S.COUNT, {"41": 1}), Input.action(Action.REPRINT), Floor(a_count()))
    assert step.say.key == "not_expected_here" and step.context["counted"] == {"41": 1}
    lost = COUNT.handle(at(S.COUNT, {"41": 1}), Input.action(Action.DONE), Floor(None))
    assert (lost.state, lost.say.key, lost.effects) == (S.IDLE, "task_lost", ())
    assert COUNT.handle(at(S.COUNT_BIN), scan(BIN), Floor(a_count(task_id=10))).say.key == "task_lost"
    assert COUNT.handle(COUNT.start(), scan(BIN), Floor()).say.key == "no_task"


def test_resume_follows_the_count_task_the_station_holds_and_keeps_what_was_counted():
    counting = at(S.COUNT, {"41": 2})
    assert COUNT.resume(counting, Floor(a_count())) == counting  # a reconnect: the same count
    assert COUNT.resume(COUNT.start(), Floor(a_count())) == at(S.COUNT_BIN)  # assigned meanwhile
    assert COUNT.resume(counting, Floor(a_count(task_id=10))) == at(S.COUNT_BIN, task_id=10)  # another one
    assert COUNT.resume(counting, Floor(None)) == Session("count", S.IDLE, {})  # taken away
    assert COUNT.resume(COUNT.start(), Floor(None)) == COUNT.start()


def test_every_count_message_and_state_is_in_both_languages_with_the_same_placeholders():
    keys = ["not_a_bin", "wrong_bin", "count_bin_ok", "count_item_ok", "not_expected_in_bin", "count_bad_quantity",
            "count_done", "state.count_bin", "state.count", "kiosk.action.count", "kiosk.expected", "kiosk.counted"]
    for key in keys:
        assert texts.placeholders(key, "fr") == texts.placeholders(key, "en"), key
    every = {(t.source, t.trigger) for t in COUNT.transitions()}
    assert {(S.COUNT_BIN, Trigger.SCAN), (S.COUNT, Trigger.SCAN), (S.COUNT, Trigger.ACTION)} <= every
