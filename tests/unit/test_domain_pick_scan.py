"""Scanning a pick, without a database: bin first, expired lots, packs, typed quantities, shorts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.layout import DEMO_LAYOUT
from server.domain.pick_rules import PickRules
from server.domain.scanning import identify
from server.domain.scenarios import Input, Session
from server.domain.scenarios.facts import LotFacts, TaskFacts
from server.domain.scenarios.pick_batch import PICK_BATCH
from server.domain.scenarios.picking import PICK
from server.domain.verification import LineProgress
from wire import texts
from wire.contract import Action, MessageLevel, ScreenState as S

LAMP, MUG = "03761234000422", "03761234000439"  # GTIN-14 of two valid EAN-13s
GS = "\x1d"
TODAY = date(2026, 11, 29)


@dataclass
class Floor:
    held: TaskFacts | None
    rules: PickRules = PickRules()
    lots: dict = field(default_factory=dict)
    elsewhere: int = 0

    def task(self):
        return self.held

    def batch(self):
        return (self.held,) if self.held is not None else ()

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


def a_task(lamp_done=0, mug_done=0, lamp_qty=6, short=False) -> TaskFacts:
    return TaskFacts(7, "pick", "CO-0000012", (LineProgress(31, LAMP, lamp_qty, lamp_done, "Lampe", "A-01-02-1"),
                                               LineProgress(32, MUG, 1, mug_done, "Mug", "B-02-05-1")), short=short)


def picking(**context) -> Session:
    return Session(PICK.name, S.PICK, {"task_id": 7, **context})


def scan(raw: str, symbology: str | None = None) -> Input:
    return Input.scan(identify(raw, symbology))


def gs1(gtin: str, *elements: str) -> str:
    return "01" + gtin + "".join(elements)


def test_bin_first_refuses_an_item_until_its_bins_label_is_scanned():
    floor = Floor(a_task(), PickRules(bin_first=True))
    refused = PICK.handle(picking(), scan(LAMP[1:]), floor)
    assert (refused.outcome, refused.say.key, refused.effects) == ("scan_bin_first", "scan_bin_first", ())
    assert refused.say.params["bin"] == "A-01-02-1" and refused.say.level is MessageLevel.ERROR

    at_bin = PICK.handle(picking(), scan("a-01-02-1"), floor)  # labels are read in any case
    assert (at_bin.state, at_bin.context["bin"], at_bin.say.key) == (S.PICK, "A-01-02-1", "bin_ok")
    counted = PICK.handle(Session(PICK.name, S.PICK, at_bin.context), scan(LAMP[1:]), floor)
    assert counted.outcome == "counted" and counted.context == at_bin.context  # counting never rewrites it


def test_bin_first_by_zone_and_a_wrong_bin_is_named():
    floor = Floor(a_task(lamp_done=6), PickRules(bin_first=("B",)))
    wrong = PICK.handle(picking(), scan("A-01-02-1"), floor)  # its line is done: not a bin to go to
    assert (wrong.outcome, wrong.say.params["bin"]) == ("wrong_bin", "B-02-05-1")
    assert PICK.handle(picking(), scan(MUG[1:]), floor).outcome == "scan_bin_first"
    assert PICK.handle(picking(), scan(LAMP[1:]), Floor(a_task(), PickRules(bin_first=("B",)))).outcome == "counted"


def test_an_expired_lot_is_refused_and_one_in_date_is_carried_to_the_count():
    floor = Floor(a_task())
    expired = PICK.handle(picking(), scan(gs1(LAMP, "10L42", GS, "17261128"), "]d2"), floor)
    assert (expired.outcome, expired.effects, expired.say.key) == ("expired", (), "lot_expired")
    assert expired.say.params["lot"] == "L42" and expired.say.params["expiry"] == "2026-11-28"
    on_the_day = PICK.handle(picking(), scan(gs1(LAMP, "17261129", "10L42", ), "]d2"), floor)
    assert on_the_day.outcome == "counted"  # usable on its expiry date
    assert on_the_day.effects[0].params == {"task_id": 7, "line_id": 31, "lot": "L42", "expiry": "2026-11-29"}


def test_a_minimum_shelf_life_refuses_a_lot_too_close_to_its_date():
    floor = Floor(a_task(), PickRules(min_shelf_life_days=30))
    assert PICK.handle(picking(), scan(gs1(LAMP, "17261215")), floor).outcome == "expired"
    assert PICK.handle(picking(), scan(gs1(LAMP, "17261229")), floor).outcome == "counted"


def test_a_plain_ean_counts_one_unit_with_no_lot_fields():
    step = PICK.handle(picking(), scan(LAMP[1:]), Floor(a_task()))
    assert step.effects[0].params == {"task_id": 7, "line_id": 31}


def test_a_pack_count_counts_its_units_never_more_than_due():
    floor = Floor(a_task(lamp_done=1))
    pack = PICK.handle(picking(), scan(gs1(LAMP, "304", GS, "10L1"), "]C1"), floor)
    assert (pack.outcome, pack.say.key, pack.effects[0].params["units"]) == ("counted", "units_ok", 4)
    too_big = PICK.handle(picking(), scan(gs1(LAMP, "306")), floor)
    assert (too_big.outcome, too_big.say.params["remaining"], too_big.effects) == ("pack_too_big", 5, ())
    last = PICK.handle(picking(), scan(gs1(LAMP, "305")), Floor(a_task(lamp_done=1, mug_done=1)))
    assert last.state is S.IDLE and [e.kind for e in last.effects] == ["count_unit", "complete_pick"]


def typed(line_id, quantity) -> Input:
    return Input.action(Action.QUANTITY, line_id=line_id, quantity=quantity)


def test_a_typed_quantity_counts_more_units_of_a_line_already_scanned():
    floor = Floor(a_task(lamp_done=1), lots={31: LotFacts("L42", date(2027, 1, 31), None)})
    step = PICK.handle(picking(), typed(31, "4"), floor)
    assert (step.outcome, step.say.key) == ("counted", "units_ok")
    assert step.effects[0].params == {"task_id": 7, "line_id": 31, "units": 4, "lot": "L42", "expiry": "2027-01-31"}


@pytest.mark.parametrize(("done", "line_id", "quantity", "outcome"), [
    (1, 31, 6, "pack_too_big"),  # 5 still due
    (1, 31, 0, "bad_quantity"), (1, 31, -2, "bad_quantity"), (1, 31, "2.5", "bad_quantity"),
    (1, 31, True, "bad_quantity"), (1, 31, None, "bad_quantity"), (1, 99, 2, "bad_quantity"),
    (0, 31, 2, "scan_one_first"),  # the scan proves it is the right item
    (6, 31, 1, "bad_quantity"),  # nothing left on the line
    # Digits str.isdigit() takes that int() does not ("¹" raised ValueError) or reads ("٢" is 2).
    (1, 31, "¹", "bad_quantity"), (1, 31, "٢", "bad_quantity"),
])
def test_a_typed_quantity_is_refused_in_red_and_changes_nothing(done, line_id, quantity, outcome):
    step = PICK.handle(picking(), typed(line_id, quantity), Floor(a_task(lamp_done=done)))
    assert (step.outcome, step.effects, step.say.level) == (outcome, (), MessageLevel.ERROR)


def test_serialised_units_are_scanned_one_by_one():
    floor = Floor(a_task(lamp_done=1), lots={31: LotFacts(None, None, "SN-0001")})
    assert PICK.handle(picking(), typed(31, 2), floor).outcome == "serialised"


def short(line_id=31, reason="empty") -> Input:
    return Input.action(Action.SHORT, line_id=line_id, reason=reason)


def test_a_short_with_stock_elsewhere_keeps_picking_and_names_the_bin():
    step = PICK.handle(picking(), short(), Floor(a_task(lamp_done=2), elsewhere=4))
    assert (step.state, step.outcome, step.say.key, step.say.level) == (S.PICK, "short_reallocated",
                                                                        "short_reallocated", MessageLevel.WARN)
    assert [(e.kind, e.params) for e in step.effects] == [("short_pick", {"task_id": 7, "line_id": 31,
                                                                          "reason": "empty"})]


def test_a_short_with_no_stock_elsewhere_holds_the_order_and_the_last_one_ends_the_task():
    held = PICK.handle(picking(), short(), Floor(a_task(lamp_done=2), elsewhere=3))  # 4 due, 3 free
    assert (held.state, held.outcome, held.say.key) == (S.PICK, "short_held", "short_held")
    ended = PICK.handle(picking(), short(), Floor(a_task(lamp_done=2, mug_done=1)))
    assert (ended.state, ended.say.key) == (S.IDLE, "pick_done_short")
    assert [e.kind for e in ended.effects] == ["short_pick", "complete_pick"]
    done = PICK.handle(picking(), scan(MUG[1:]), Floor(a_task(lamp_done=6, short=True)))
    assert (done.state, done.say.key) == (S.IDLE, "pick_done_short")


@pytest.mark.parametrize("params", [{"line_id": 31, "reason": "lost"}, {"line_id": 99, "reason": "empty"},
                                    {"line_id": 31}, {"reason": "empty"}])
def test_a_short_without_a_due_line_and_a_known_reason_is_refused(params):
    step = PICK.handle(picking(), Input.action(Action.SHORT, **params), Floor(a_task()))
    assert (step.outcome, step.effects) == ("short_refused", ())
    assert PICK.handle(picking(), short(), Floor(a_task(lamp_done=6))).outcome == "short_refused"


def test_batch_picking_refuses_an_expired_lot_and_a_pack_and_carries_the_lot():
    cart = Floor(TaskFacts(7, "pick", "CO-0000012", (LineProgress(31, LAMP, 2, 0, "Lampe", "A-01-02-1"),),
                           tote="TOTE-0001"))
    session = Session(PICK_BATCH.name, S.BATCH_PICK, {"tasks": [7], "totes": {"7": "TOTE-0001"}})
    assert PICK_BATCH.handle(session, scan(gs1(LAMP, "17200101")), cart).outcome == "expired"
    assert PICK_BATCH.handle(session, scan(gs1(LAMP, "302")), cart).outcome == "pack_too_big"
    taken = PICK_BATCH.handle(session, scan(gs1(LAMP, "21S1", GS, "10L9")), cart)
    assert taken.effects[0].params == {"task_id": 7, "line_id": 31, "lot": "L9", "serial": "S1"}


CODES = st.sampled_from([LAMP[1:], MUG[1:], "A-01-02-1", "B-02-05-1", "A-09-09-1", "RMA00000042", "garbage",
                         gs1(LAMP, "10L1", GS, "17200101"), gs1(LAMP, "303"), gs1(MUG, "3099"), "TOTE-0001"])
KEYS = st.builds(lambda name, line, value, reason: Input.action(name, line_id=line, quantity=value, reason=reason),
                 st.sampled_from([Action.QUANTITY, Action.SHORT, Action.DONE, "nonsense"]),
                 st.sampled_from([31, 32, 99, "31", None]), st.one_of(st.integers(-3, 9), st.text(max_size=3)),
                 st.sampled_from(["empty", "short", "damaged", "", None]))


@settings(max_examples=300, deadline=None)
@given(inputs=st.lists(st.one_of(CODES.map(scan), KEYS), max_size=6), lamp_done=st.integers(0, 6),
       bin_first=st.sampled_from([False, True, ("B",)]), elsewhere=st.integers(0, 8))
def test_any_input_gets_a_declared_step_with_a_message_in_both_languages(inputs, lamp_done, bin_first, elsewhere):
    floor = Floor(a_task(lamp_done=lamp_done), PickRules(bin_first=bin_first), elsewhere=elsewhere)
    session = picking()
    for given_input in inputs:
        step = PICK.handle(session, given_input, floor)  # IllegalStep if it goes anywhere undeclared
        assert step.say is not None
        for locale in texts.LOCALES:
            assert texts.text(step.say.key, locale, **step.say.params)
        if not step.accepted:
            assert step.effects == ()
        session = Session(PICK.name, step.state, step.context) if step.state is S.PICK else picking()


@dataclass
class Cart(Floor):
    tasks: tuple = ()

    def batch(self):
        return self.tasks


def a_cart(lamp_done=0, mug_done=0, elsewhere=0) -> Cart:
    first = TaskFacts(7, "pick", "CO-0000012", (LineProgress(31, LAMP, 2, lamp_done, "Lampe", "A-01-02-1"),),
                      tote="TOTE-0001")
    second = TaskFacts(8, "pick", "CO-0000013", (LineProgress(41, MUG, 1, mug_done, "Mug", "B-02-05-1"),),
                       tote="TOTE-0002")
    return Cart(None, elsewhere=elsewhere, tasks=(first, second))


ON_THE_CART = Session(PICK_BATCH.name, S.BATCH_PICK, {"tasks": [7, 8], "totes": {"7": "TOTE-0001", "8": "TOTE-0002"}})


def test_a_bin_short_on_the_carts_walk_is_re_allocated_or_stops_that_order():
    moved = PICK_BATCH.handle(ON_THE_CART, short(31, "empty"), a_cart(elsewhere=2))
    assert (moved.state, moved.say.key, [e.params for e in moved.effects]) == (
        S.BATCH_PICK, "short_reallocated", [{"task_id": 7, "line_id": 31, "reason": "empty"}])
    held = PICK_BATCH.handle(ON_THE_CART, short(31, "damaged"), a_cart(elsewhere=1))
    assert (held.state, held.say.key, held.say.params["order"]) == (S.BATCH_PICK, "short_held", "CO-0000012")
    last = PICK_BATCH.handle(ON_THE_CART, short(41, "short"), a_cart(lamp_done=2))
    assert (last.state, last.say.key) == (S.IDLE, "pick_done_short")
    assert [(e.kind, e.params["task_id"]) for e in last.effects] == [
        ("short_pick", 8), ("complete_pick", 7), ("complete_pick", 8)]
    assert PICK_BATCH.handle(ON_THE_CART, short(31, "lost"), a_cart()).outcome == "short_refused"
    assert PICK_BATCH.handle(ON_THE_CART, short(99, "empty"), a_cart()).outcome == "short_refused"
