"""The packing bench as a state machine (issue 12), without a database: badge, tote, units,
box, weight, label; hand-over; and the rules that propose a box and check a weight."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from server.domain.packing import BoxType, PackPolicy, Unit, fits, propose_box
from server.domain.scanning import identify
from server.domain.scenarios import Input, Session, Trigger
from server.domain.scenarios.facts import TaskFacts
from server.domain.scenarios.pack_bench import SEEN_EVERY_S
from server.domain.scenarios.packing import PACK
from server.domain.verification import LineProgress
from server.services.pack_facts import FoundOrder
from wire.contract import Action, MessageLevel
from wire.contract import ScreenState as S

LAMP, MUG = "03761234000422", "03761234000439"
SMALL = BoxType("BOX-S", (200, 150, 100), tare_g=100, max_load_g=2_000)
MEDIUM = BoxType("BOX-M", (400, 300, 200), tare_g=250)
SOPHIE = {"id": 3, "name": "Sophie", "username": "sophie", "locale": "en"}
MARC = {"id": 4, "name": "Marc", "username": "marc", "locale": "fr"}
NOW = 1_800_000_000.0


@dataclass
class Bench:
    """The pack facts of one station: what it holds, which badges and totes exist, the clock."""

    held: TaskFacts | None = None
    policy: PackPolicy = field(default_factory=PackPolicy)
    labels: int = 0
    clock: float = NOW
    badges: dict = field(default_factory=lambda: {"BADGE-SOPHIE1": SOPHIE, "BADGE-MARC01": MARC})
    totes: dict = field(default_factory=dict)
    units: list = field(default_factory=lambda: [Unit(400), Unit(400), Unit(300)])
    elsewhere: dict = field(default_factory=dict)  # gtin14 -> order holding it

    def task(self):
        return self.held

    def pending_labels(self):
        return self.labels

    def backup_printer(self):
        return None

    def pack_policy(self):
        return self.policy

    def now(self):
        return self.clock

    def station_code(self):
        return "PACK-01"

    def operator_for_badge(self, code):
        return self.badges.get(code.value)

    def find_pack_task(self, code):
        return self.totes.get(code.value) or self.totes.get(code.raw.strip())

    def order_holding(self, code, task_id):
        return self.elsewhere.get(code.value)

    def parcel_units(self, task_id):
        return self.units

    def parcel_weight(self, task_id):
        return sum(unit.weight_g for unit in self.units)


def a_task(lamp_done=0, mug_done=0) -> TaskFacts:
    return TaskFacts(7, "pack", "CO-0000012", (LineProgress(31, LAMP, 2, lamp_done, "Lampe"),
                                               LineProgress(32, MUG, 1, mug_done, "Mug")), "TOTE-0001")


def at(state, **context) -> Session:
    return Session("pack", state, context)


def scan(code: str) -> Input:
    return Input.scan(identify(code))


def kinds(step) -> list[str]:
    return [effect.kind for effect in step.effects]


# --- the rules ------------------------------------------------------------------------------

def test_the_smallest_box_the_units_fit_is_proposed():
    assert propose_box([Unit(400), Unit(300)], [MEDIUM, SMALL]) == SMALL
    assert propose_box([Unit(1_900), Unit(300)], [MEDIUM, SMALL]) == MEDIUM  # over the small box's load
    assert propose_box([Unit(100, (250, 50, 50))], [MEDIUM, SMALL]) == MEDIUM  # too long for the small one
    assert propose_box([Unit(100, (90, 140, 190))], [SMALL]) == SMALL  # turned to fit
    assert propose_box([Unit(100, (190, 140, 90))] * 2, [SMALL]) is None  # together they are too much
    assert fits([], SMALL)


def test_box_types_and_the_policy_read_from_settings():
    policy = PackPolicy.from_mapping({"PACK_BOXES": "box-s:200x150x100:100:2000, BOX-M:400x300x200:250",
                                      "PACK_WEIGH": "true", "PACK_SLIP": "1", "PACK_WEIGHT_TOLERANCE_G": "20"})
    assert policy.boxes == (SMALL, MEDIUM) and policy.weigh and policy.packing_slip
    assert policy.check_weight(1_000, 1_049).ok and not policy.check_weight(1_000, 1_051).ok  # 5 % of 1 kg
    assert policy.check_weight(100, 120).ok and not policy.check_weight(100, 121).ok  # at least 20 g
    for bad in ("BOX-S", "BOX-S:200x150:100", "CARTON:1x1x1:0", "BOX-S:0x1x1:0", "BOX-S:axbxc:1"):
        with pytest.raises(ValueError):
            PackPolicy.from_mapping({"PACK_BOXES": bad})
    with pytest.raises(ValueError):
        PackPolicy.from_mapping({"PACK_WEIGHT_TOLERANCE_PCT": "150"})


# --- badge ----------------------------------------------------------------------------------

def test_a_badge_signs_in_then_out_and_an_unknown_one_is_refused():
    bench = Bench()
    signed = PACK.handle(at(S.IDLE), scan("BADGE-SOPHIE1"), bench)
    assert signed.context["operator"] == {**SOPHIE, "seen": NOW}
    assert (signed.say.key, signed.outcome, kinds(signed)) == ("signed_in", "signed_in", ["operator_signed"])
    out = PACK.handle(at(S.IDLE, **signed.context), scan("BADGE-SOPHIE1"), bench)
    assert "operator" not in out.context and out.say.key == "signed_out"
    unknown = PACK.handle(at(S.IDLE), scan("BADGE-NOBODY99"), bench)
    assert (unknown.say.level, unknown.say.key, unknown.context) == (MessageLevel.ERROR, "badge_unknown", {})


def test_nobody_takes_over_an_order_in_progress_and_silence_signs_out():
    bench = Bench(held=a_task(lamp_done=1))
    packing = at(S.PACK, task_id=7, operator={**SOPHIE, "seen": NOW})
    busy = PACK.handle(packing, scan("BADGE-MARC01"), bench)
    assert (busy.say.key, busy.context["operator"]["id"]) == ("badge_busy", SOPHIE["id"])
    assert PACK.resume(packing, bench).context["operator"]["id"] == SOPHIE["id"]
    bench.clock = NOW + bench.policy.sign_out_after_s + 1
    assert "operator" not in PACK.resume(packing, bench).context
    assert PACK.resume(packing, bench).state == S.PACK  # the order stays on the bench


def test_the_operator_last_input_is_marked_at_most_once_a_minute():
    bench = Bench(held=a_task())
    packing = at(S.PACK, task_id=7, operator={**SOPHIE, "seen": NOW})
    bench.clock = NOW + 10
    assert PACK.handle(packing, scan(LAMP), bench).context["operator"]["seen"] == NOW  # session not rewritten
    bench.clock = NOW + SEEN_EVERY_S
    assert PACK.handle(packing, scan(LAMP), bench).context["operator"]["seen"] == NOW + SEEN_EVERY_S


def test_a_bench_that_needs_a_badge_takes_no_work_until_one_is_scanned():
    bench = Bench(policy=PackPolicy(badge_required=True), totes={"TOTE-0042": FoundOrder(9, "CO-0000042", None)})
    waiting = PACK.resume(PACK.start(), bench)
    assert waiting.state == S.SIGN_IN  # not the scenario's initial state: request_task claims nothing
    refused = PACK.handle(waiting, scan("TOTE-0042"), bench)
    assert (refused.state, refused.say.key, refused.effects) == (S.SIGN_IN, "badge_needed", ())
    assert PACK.handle(waiting, scan("BADGE-NOBODY99"), bench).state == S.SIGN_IN
    signed = PACK.handle(waiting, scan("BADGE-SOPHIE1"), bench)
    assert (signed.state, signed.context["operator"]["id"]) == (S.IDLE, SOPHIE["id"])
    out = PACK.handle(at(S.IDLE, **signed.context), scan("BADGE-SOPHIE1"), bench)
    assert (out.state, out.say.key) == (S.SIGN_IN, "signed_out")
    key = PACK.handle(at(S.IDLE, **signed.context), Input.action(Action.SIGN_OUT), bench)
    assert key.state == S.SIGN_IN
    bench.clock = NOW + bench.policy.sign_out_after_s + 1  # silent too long
    assert PACK.resume(at(S.IDLE, **signed.context), bench).state == S.SIGN_IN
    assert PACK.resume(at(S.SIGN_IN), Bench()).state == S.IDLE  # a bench that no longer needs one


# --- tote or order --------------------------------------------------------------------------

def test_a_tote_or_an_order_barcode_brings_its_order_to_the_bench():
    bench = Bench(totes={"TOTE-0042": FoundOrder(9, "CO-0000042", None), "CO-0000042": FoundOrder(9, "CO-0000042", None)})
    for code in ("TOTE-0042", "CO-0000042"):
        step = PACK.handle(at(S.IDLE, operator=SOPHIE), scan(code), bench)
        assert (step.state, step.context["task_id"], kinds(step)) == (S.PACK, 9, ["take_pack_task"])
        assert step.context["operator"]["id"] == SOPHIE["id"]
    unknown = PACK.handle(at(S.IDLE), scan("TOTE-0099"), bench)
    assert (unknown.state, unknown.say.key) == (S.IDLE, "pack_nothing_for")


def test_switching_orders_releases_the_untouched_one_and_refuses_a_started_one():
    bench = Bench(held=a_task(), totes={"TOTE-0042": FoundOrder(9, "CO-0000042", None),
                                        "TOTE-0043": FoundOrder(10, "CO-0000043", "PACK-02")})
    step = PACK.handle(at(S.PACK, task_id=7), scan("TOTE-0042"), bench)
    assert kinds(step) == ["release_pack_task", "take_pack_task"] and step.context["task_id"] == 9
    elsewhere = PACK.handle(at(S.PACK, task_id=7), scan("TOTE-0043"), bench)
    assert (elsewhere.say.key, elsewhere.effects) == ("pack_order_elsewhere", ())
    bench.held = a_task(lamp_done=1)
    started = PACK.handle(at(S.PACK, task_id=7), scan("TOTE-0042"), bench)
    assert (started.say.key, started.effects, started.context["task_id"]) == ("pack_switch_started", (), 7)


def test_an_item_of_another_order_says_which_in_red():
    other = "3760123456784"
    bench = Bench(held=a_task(), elsewhere={"0" + other: "CO-0000055"})
    step = PACK.handle(at(S.PACK, task_id=7), scan(other), bench)
    assert (step.say.level, step.say.key, step.say.params, step.effects) == (
        MessageLevel.ERROR, "item_of_other_order", {"order": "CO-0000055"}, ())
    unknown = PACK.handle(at(S.PACK, task_id=7), scan("3760123456791"), bench)
    assert unknown.say.key == "wrong_item"


# --- box, weight, label -----------------------------------------------------------------------

def test_without_boxes_or_scale_the_last_unit_prints_the_label_as_before():
    step = PACK.handle(at(S.PACK, task_id=7), scan(MUG), Bench(held=a_task(lamp_done=2)))
    assert step.state == S.PRINT_LABEL and kinds(step) == ["count_unit", "close_parcel"]
    assert step.effects[1].params == {"task_id": 7, "box": None, "weights": None, "parcels": 1}


def test_the_last_unit_asks_for_the_box_proposed_then_the_scale():
    bench = Bench(held=a_task(lamp_done=2), policy=PackPolicy(boxes=(MEDIUM, SMALL), weigh=True))
    step = PACK.handle(at(S.PACK, task_id=7), scan(MUG), bench)
    assert (step.state, step.context["proposed"], step.say.key) == (S.CHOOSE_BOX, "BOX-S", "choose_box")
    bench.held = a_task(lamp_done=2, mug_done=1)
    choosing = at(S.CHOOSE_BOX, **step.context)
    assert PACK.handle(choosing, scan("BOX-X"), bench).say.key == "not_a_box"
    assert PACK.handle(choosing, scan(LAMP), bench).say.key == "not_a_box"
    bench.units = [Unit(1_500), Unit(600)]
    assert PACK.handle(choosing, scan("BOX-S"), bench).say.key == "box_too_small"
    bench.units = [Unit(400), Unit(400), Unit(300)]
    boxed = PACK.handle(choosing, scan("BOX-M"), bench)
    assert (boxed.state, boxed.context["box"], boxed.say.key, boxed.outcome) == (S.WEIGH, "BOX-M", "box_chosen",
                                                                                "box_chosen")
    pressed = PACK.handle(choosing, Input.action(Action.BOX), bench)  # the key takes the proposed box
    assert (pressed.state, pressed.context["box"]) == (S.WEIGH, "BOX-S")


def test_a_good_weight_closes_the_parcel_and_a_wrong_one_asks_for_a_recount():
    bench = Bench(held=a_task(lamp_done=2, mug_done=1), policy=PackPolicy(boxes=(SMALL,), weigh=True))
    weighing = at(S.WEIGH, task_id=7, box="BOX-S", operator=SOPHIE)
    good = PACK.handle(weighing, Input.action(Action.WEIGH, grams=1_230), bench)  # 1 100 g + 100 g box
    assert good.state == S.PRINT_LABEL and good.say.key == "weight_ok"
    assert good.effects[0].params == {"task_id": 7, "box": "BOX-S", "weights": [1_230], "parcels": 1}
    off = PACK.handle(weighing, Input.action(Action.WEIGH, grams=1_400), bench)
    assert (off.state, kinds(off), off.say.key) == (S.PACK, ["recount"], "weight_mismatch")
    assert off.say.params == {"measured": 1_400, "expected": 1_200, "margin": 60}
    assert (off.context["task_id"], off.context["operator"]["id"], set(off.context)) == (7, 3, {"task_id", "operator"})
    for bad in (0, -5, "1200", True, None, 2_000_000):
        refused = PACK.handle(weighing, Input.action(Action.WEIGH, grams=bad), bench)
        assert (refused.state, refused.say.key, refused.effects) == (S.WEIGH, "weight_refused", ())
    assert PACK.handle(weighing, scan(LAMP), bench).say.key == "weigh_first"


def test_a_scale_step_without_boxes_weighs_the_units_alone():
    bench = Bench(held=a_task(lamp_done=2), policy=PackPolicy(weigh=True))
    step = PACK.handle(at(S.PACK, task_id=7), scan(MUG), bench)
    assert (step.state, step.context.get("box")) == (S.WEIGH, None)


def test_the_label_printed_shows_the_parcel_shipped_and_keeps_the_operator():
    step = PACK.handle(at(S.PRINT_LABEL, task_id=7, operator=SOPHIE), Input.event(Trigger.LABEL_PRINTED), Bench())
    assert (step.state, step.context) == (S.IDLE, {"operator": SOPHIE, "last": 7})


# --- hand over -----------------------------------------------------------------------------------

def test_a_problem_order_is_handed_to_a_supervisor_with_a_reason():
    bench = Bench(held=a_task(lamp_done=1))
    for state in (S.PACK, S.CHOOSE_BOX, S.WEIGH):
        handed = PACK.handle(at(state, task_id=7, operator=SOPHIE), Input.action(Action.HAND_OVER, reason="damaged"),
                             bench)
        assert (handed.state, handed.say.level, kinds(handed)) == (S.IDLE, MessageLevel.WARN, ["hand_over"])
        assert handed.effects[0].params == {"task_id": 7, "reason": "damaged", "operator": "Sophie"}
    no_reason = PACK.handle(at(S.PACK, task_id=7), Input.action(Action.HAND_OVER), bench)
    assert (no_reason.state, no_reason.say.key, no_reason.effects) == (S.PACK, "hand_over_reason", ())


def test_an_order_in_several_parcels_weighs_each_and_checks_the_total():
    bench = Bench(held=a_task(lamp_done=2, mug_done=1), policy=PackPolicy(boxes=(SMALL,), weigh=True))
    choosing = at(S.CHOOSE_BOX, task_id=7, proposed="BOX-S")
    two = PACK.handle(choosing, Input.action(Action.PARCELS, count=2), bench)
    assert (two.state, two.context["parcels"], two.say.key) == (S.CHOOSE_BOX, 2, "parcels_set")
    for bad in (0, 21, "2", True):
        assert PACK.handle(choosing, Input.action(Action.PARCELS, count=bad), bench).say.key == "parcels_refused"
    # Never more parcels than units: 3 units (2 lamps, a mug) cannot fill 4 boxes.
    assert PACK.handle(choosing, Input.action(Action.PARCELS, count=3), bench).say.key == "parcels_set"
    four = PACK.handle(choosing, Input.action(Action.PARCELS, count=4), bench)
    assert (four.say.key, four.say.params) == ("parcels_refused", {"max": 3})
    weighing = PACK.handle(at(S.CHOOSE_BOX, **two.context), scan("BOX-S"), bench)
    assert (weighing.state, weighing.context["weights"]) == (S.WEIGH, [])
    first = PACK.handle(at(S.WEIGH, **weighing.context), Input.action(Action.WEIGH, grams=800), bench)
    assert (first.state, first.say.key, first.say.params, first.effects) == (S.WEIGH, "weigh_next", {"n": 2, "m": 2}, ())
    last = PACK.handle(at(S.WEIGH, **first.context), Input.action(Action.WEIGH, grams=510), bench)
    assert last.state == S.PRINT_LABEL  # 1 100 g of units + 2 boxes of 100 g = 1 300 g, read 1 310 g
    assert last.effects[0].params == {"task_id": 7, "box": "BOX-S", "weights": [800, 510], "parcels": 2}
    # Right in total, wrong box by box (the mug went in the second box, not the first as shown):
    # the boxes are 400 + 300 + 100 = 800 g and 400 + 100 = 500 g, read 500 g and 810 g.
    swapped = PACK.handle(at(S.WEIGH, **weighing.context), Input.action(Action.WEIGH, grams=500), bench)
    mixed = PACK.handle(at(S.WEIGH, **swapped.context), Input.action(Action.WEIGH, grams=810), bench)
    assert (mixed.state, mixed.say.key, mixed.say.params["expected"]) == (S.PACK, "weight_mismatch", 800)
    off = PACK.handle(at(S.WEIGH, **first.context), Input.action(Action.WEIGH, grams=200), bench)
    assert (off.state, off.say.key, off.context.get("weights")) == (S.PACK, "weight_mismatch", None)
