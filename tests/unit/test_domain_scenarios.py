"""Each scenario's state machine, without a database: facts are a small dataclass."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.scanning import identify
from server.domain.scenarios import SCENARIOS, IllegalStep, Input, Scenario, Session, Step, Trigger
from server.domain.scenarios.engine import Say
from server.domain.layout import DEMO_LAYOUT
from server.domain.pick_rules import PickRules
from server.domain.scenarios.facts import LotFacts, ReturnFacts, ReturnLineFacts, TaskFacts
from server.domain.scenarios.packing import PACK
from server.domain.scenarios.picking import PICK
from server.domain.scenarios.returns import INSPECT, RECEIVE
from server.domain.verification import LineProgress
from server.services.floor import GOOD_SCANS
from server.services.pack_facts import FoundOrder
from server.domain.packing import PackPolicy
from wire import texts
from wire.contract import Action, MessageLevel, ScreenState

LAMP, MUG = "03761234000422", "03761234000439"  # GTIN-14 of two valid EAN-13s
RECEIVED_AT = datetime(2026, 11, 20, 14, 30, tzinfo=timezone.utc)
TODAY = date(2026, 11, 29)


@dataclass
class Floor:
    """FloorFacts for tests: what the station holds, which labels wait, which returns exist."""

    held: TaskFacts | None = None
    labels: int = 0
    returns: dict[str, ReturnFacts] = field(default_factory=dict)
    rules: PickRules = PickRules()
    lots: dict[int, LotFacts] = field(default_factory=dict)  # line id → its last lot scanned
    elsewhere: int = 0  # units free in the other bins (short picks)
    backup: str | None = None  # the fleet's backup printer for this station

    def backup_printer(self):
        return self.backup

    def task(self):
        return self.held

    def batch(self):
        return (self.held,) if self.held is not None else ()

    def pending_labels(self):
        return self.labels

    def pick_rules(self):
        return self.rules

    def layout(self):
        return DEMO_LAYOUT

    def today(self):
        return TODAY

    def last_lot(self, line_id):
        return self.lots.get(line_id)

    def available_elsewhere(self, line_id):
        return self.elsewhere

    def find_return(self, code, items=()):
        return self.returns.get(code.value)

    def restock_bin(self, return_id, line_id):
        return "A-01-02-1"

    def return_by_id(self, return_id):
        return next((case for case in self.returns.values() if case.id == return_id), None)

    # The packing bench's facts (tests/unit/test_domain_pack_flow.py drives them further).
    def pack_policy(self):
        return PackPolicy()

    def now(self):
        return 1_800_000_000.0

    def station_code(self):
        return "PACK-01"

    def operator_for_badge(self, code):
        return {"id": 3, "name": "Sophie", "username": "sophie", "locale": "en"} if code.value == "BADGE-AB12" else None

    def find_pack_task(self, code):
        return FoundOrder(8, "CO-0000013", None) if code.value == "TOTE-0002" else None

    def order_holding(self, code, task_id):
        return None

    def parcel_units(self, task_id):
        return []

    def parcel_weight(self, task_id):
        return 0

    def last_parcel(self, task_id):
        return None


def a_task(kind: str, lamp_done: int = 0, mug_done: int = 0, tote: str | None = None) -> TaskFacts:
    return TaskFacts(7, kind, "CO-0000012", (LineProgress(31, LAMP, 2, lamp_done, "Lampe", "A-01-02-1"),
                                             LineProgress(32, MUG, 1, mug_done, "Mug", "A-02-05-1")), tote)


# A session context and event parameters that every scenario's handlers can read.
ANY_CONTEXT = {"task_id": 7, "return_id": 4, "seen": {}, "tasks": [7], "totes": {"7": "TOTE-0001"},
               "put": {"task_id": 7, "line_id": 31, "tote": "TOTE-0001", "slot": 1}}
ANY_PARAMS = {"task_id": 7, "task_ids": [7], "error": "paper_out"}


def a_return(received: bool = False) -> ReturnFacts:
    return ReturnFacts(4, "RMA00000004", "CO-0000012", RECEIVED_AT if received else None,
                       (ReturnLineFacts(51, LAMP, "Lampe", 2),))


def scan(code: str) -> Input:
    return Input.scan(identify(code))


def at(scenario: Scenario, state: ScreenState, **context) -> Session:
    return Session(scenario.name, state, context)


# --- pick -------------------------------------------------------------------------------

def test_a_picker_is_sent_to_the_task_assigned():
    step = PICK.handle(PICK.start(), Input.event(Trigger.TASK_ASSIGNED, task_id=7), Floor())
    assert step.state == ScreenState.PICK and step.context == {"task_id": 7}


def test_each_good_unit_is_counted_and_the_last_one_sends_the_tote_to_packing():
    floor = Floor(a_task("pick"))
    first = PICK.handle(at(PICK, ScreenState.PICK, task_id=7), scan(LAMP), floor)
    assert (first.state, first.outcome, first.say.key) == (ScreenState.PICK, "counted", "item_ok")
    assert [e.kind for e in first.effects] == ["count_unit"] and first.effects[0].params["line_id"] == 31

    floor.held = a_task("pick", lamp_done=2)
    last = PICK.handle(at(PICK, ScreenState.PICK, task_id=7), scan(MUG), floor)
    assert (last.state, last.outcome, last.say.key) == (ScreenState.IDLE, "task_complete", "pick_done")
    assert [e.kind for e in last.effects] == ["count_unit", "complete_pick"]


@pytest.mark.parametrize(("code", "outcome"), [
    ("3760123456784", "wrong_item"), ("RMA00000042", "not_an_item"), ("]x9", "unreadable"), ("garbage", "unreadable"),
    ("A-09-09-1", "wrong_bin")])  # a bin of the task is where the picker stands: test_domain_pick_scan.py
def test_a_refused_unit_changes_nothing_and_says_why_in_red(code, outcome):
    session = at(PICK, ScreenState.PICK, task_id=7)
    step = PICK.handle(session, scan(code), Floor(a_task("pick")))
    assert (step.state, step.context, step.effects, step.outcome) == (ScreenState.PICK, session.context, (), outcome)
    assert step.say.level is MessageLevel.ERROR and not step.accepted


def test_one_unit_too_many_is_refused():
    step = PICK.handle(at(PICK, ScreenState.PICK, task_id=7), scan(MUG), Floor(a_task("pick", mug_done=1)))
    assert step.outcome == "too_many" and step.say.params == {"name": "Mug"} and step.effects == ()


def test_a_scan_for_a_task_the_station_no_longer_holds_says_so():
    step = PICK.handle(at(PICK, ScreenState.PICK, task_id=99), scan(LAMP), Floor(a_task("pick")))
    assert (step.state, step.say.key, step.effects) == (ScreenState.IDLE, "task_lost", ())


def test_a_scan_with_no_task_is_refused():
    step = PICK.handle(PICK.start(), scan(LAMP), Floor())
    assert step.state == ScreenState.IDLE and step.outcome == "no_task" and step.say.level is MessageLevel.ERROR


# --- pack -------------------------------------------------------------------------------

def test_the_last_unit_into_the_box_closes_the_parcel_and_prints_its_label():
    step = PACK.handle(at(PACK, ScreenState.PACK, task_id=7), scan(MUG), Floor(a_task("pack", lamp_done=2)))
    assert step.state == ScreenState.PRINT_LABEL and step.say.key == "pack_done"
    assert [e.kind for e in step.effects] == ["count_unit", "close_parcel"]


def test_the_label_printed_frees_the_packer_and_a_failed_one_stays_in_red():
    printing = at(PACK, ScreenState.PRINT_LABEL, task_id=7)
    failed = PACK.handle(printing, Input.event(Trigger.LABEL_FAILED, error="paper_out"), Floor(labels=1))
    assert failed.state == ScreenState.PRINT_LABEL and failed.say.params == {"error": "paper_out"}
    printed = PACK.handle(printing, Input.event(Trigger.LABEL_PRINTED), Floor(labels=0))
    assert printed.state == ScreenState.IDLE and printed.say.key == "label_printed"
    another = PACK.handle(printing, Input.event(Trigger.LABEL_PRINTED), Floor(labels=1))
    assert another.state == ScreenState.PRINT_LABEL


def test_a_refused_label_names_the_backup_key_and_the_key_moves_it_to_the_backup():
    printing = at(PACK, ScreenState.PRINT_LABEL, task_id=7)
    failed = PACK.handle(printing, Input.event(Trigger.LABEL_FAILED, error="paper_out"),
                         Floor(labels=1, backup="ZD-SPARE"))
    assert failed.say.key == "label_failed_backup"
    assert failed.say.params == {"error": "paper_out", "printer": "ZD-SPARE"}
    key = PACK.handle(printing, Input.action(Action.BACKUP_PRINTER), Floor(labels=1, backup="ZD-SPARE"))
    assert key.state == ScreenState.PRINT_LABEL and key.say.key == "label_to_backup"
    assert [effect.kind for effect in key.effects] == ["label_to_backup"]
    for say in (failed.say, key.say):
        assert all(texts.text(say.key, locale, **say.params) for locale in texts.LOCALES)
    # No backup assigned: said in red, nothing moves; any other key at this screen is not expected.
    alone = PACK.handle(printing, Input.action(Action.BACKUP_PRINTER), Floor(labels=1))
    assert alone.say.key == "no_backup_printer" and alone.effects == () and not alone.accepted
    assert PACK.handle(printing, Input.action(Action.DONE), Floor(labels=1)).outcome == "not_expected"


def test_a_scan_while_the_label_prints_is_refused():
    step = PACK.handle(at(PACK, ScreenState.PRINT_LABEL), scan(LAMP), Floor(labels=1))
    assert step.outcome == "label_pending" and step.state == ScreenState.PRINT_LABEL


def test_a_stored_pack_session_follows_the_floor_when_resumed():
    idle = PACK.start()
    assert PACK.resume(idle, Floor(a_task("pack"))) == at(PACK, ScreenState.PACK, task_id=7)
    assert PACK.resume(at(PACK, ScreenState.PACK, task_id=7), Floor()).state == ScreenState.IDLE
    assert PACK.resume(idle, Floor(labels=1)).state == ScreenState.PRINT_LABEL
    assert PACK.resume(at(PACK, ScreenState.PRINT_LABEL), Floor()).state == ScreenState.IDLE


# --- returns: tests/unit/test_domain_returns_desk.py -----------------------------------


# --- the engine ---------------------------------------------------------------------------

def test_an_input_a_state_has_no_use_for_is_refused_and_changes_nothing():
    session = at(RECEIVE, ScreenState.RETURN_SCAN)
    step = RECEIVE.handle(session, Input.action("explode"), Floor())
    assert (step.state, step.outcome, step.say.key) == (ScreenState.RETURN_SCAN, "not_expected", "not_expected_here")


def test_a_handler_stepping_somewhere_it_did_not_declare_is_caught():
    rogue = Scenario("rogue", initial=ScreenState.IDLE)
    rogue.on(ScreenState.IDLE, Trigger.SCAN, to=(ScreenState.IDLE,))(
        lambda session, given, facts: Step(ScreenState.PACK))
    with pytest.raises(IllegalStep, match="idle → pack"):
        rogue.handle(rogue.start(), scan(LAMP), Floor())


def test_every_message_a_scenario_can_say_exists_in_both_languages():
    said: list[Say] = []
    outcomes: dict[str, bool] = {}
    floor = Floor(a_task("pack", tote="TOTE-0001"), 1, {"RMA00000004": a_return()})
    for scenario in SCENARIOS.values():
        for transition in scenario.transitions():
            for code in (LAMP, MUG, "RMA00000004", "RMA00000009", "A-01-02-1", "]x9", "TOTE-0001", "TOTE-0002"):
                given = Input(transition.trigger, identify(code), Action.DONE, ANY_PARAMS)
                step = scenario.handle(Session(scenario.name, transition.source, ANY_CONTEXT), given, floor)
                said.append(step.say)
                if given.trigger is Trigger.SCAN:
                    outcomes[step.outcome] = step.accepted
    for say in filter(None, said):
        for locale in texts.LOCALES:
            assert texts.text(say.key, locale, **say.params)
    # The dashboard counts every other outcome as an exception.
    assert {outcome for outcome, accepted in outcomes.items() if accepted} <= set(GOOD_SCANS)
    assert not {outcome for outcome, accepted in outcomes.items() if not accepted} & set(GOOD_SCANS)


# --- nothing a scan carries can break a scenario -----------------------------------------

AIM = st.sampled_from(["", "]C1", "]E0", "]E4", "]d2", "]Q3", "]e0", "]x9", "]", "]1"])
CODES = st.one_of(st.text(max_size=80), st.from_regex(r"[0-9\x1d]{1,48}", fullmatch=True),
                  st.sampled_from([LAMP, MUG, "RMA00000004", "A-01-02-1", "TOTE-0001", "TOTE-0002", "BADGE-AB12"]))
STATES = [(scenario, transition.source) for scenario in SCENARIOS.values() for transition in scenario.transitions()]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(STATES), AIM, CODES, st.sampled_from([None, "]C1", "]E0", "]zz"]))
def test_any_scan_in_any_state_of_any_scenario_gets_a_declared_step_and_a_message(where, aim, code, symbology):
    scenario, state = where
    floor = Floor(a_task("pack", tote="TOTE-0001"), 1, {"RMA00000004": a_return()})
    session = Session(scenario.name, state, ANY_CONTEXT)
    step = scenario.handle(session, Input.scan(identify(aim + code, symbology)), floor)
    assert isinstance(step.state, ScreenState) and step.say is not None and step.outcome
