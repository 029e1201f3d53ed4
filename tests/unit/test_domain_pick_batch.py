"""Batch (cluster) picking as a state machine, without a database."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from server.domain.layout import DEMO_LAYOUT
from server.domain.pick_rules import PickRules
from server.domain.scanning import identify
from server.domain.scenarios import Input, Session, Trigger
from server.domain.scenarios.facts import TaskFacts
from server.domain.scenarios.pick_batch import PICK_BATCH, next_line, walk
from server.domain.verification import LineProgress
from wire.contract import MessageLevel, ScreenState as S

LAMP, MUG, CUP = "03761234000422", "03761234000439", "03761234000446"


@dataclass
class Cart:
    tasks: tuple[TaskFacts, ...]
    rules: PickRules = PickRules()

    def batch(self):
        return self.tasks

    def pick_rules(self):
        return self.rules

    def layout(self):
        return DEMO_LAYOUT

    def today(self):
        return date(2026, 11, 29)


def order(task_id: int, *lines: tuple[int, str, str, int], tote: str | None = None) -> TaskFacts:
    return TaskFacts(task_id, "pick", f"CO-{task_id:07d}",
                     tuple(LineProgress(line_id, gtin, qty, 0, f"item {line_id}", bin_code)
                           for line_id, gtin, bin_code, qty in lines), tote)


def two_orders(tote_1=None, tote_2=None) -> Cart:
    return Cart((order(1, (11, LAMP, "A-02-05-1", 1), tote=tote_1),
                 order(2, (21, MUG, "A-01-03-1", 1), (22, LAMP, "A-02-05-1", 1), tote=tote_2)))


def scan(code: str) -> Input:
    return Input.scan(identify(code))


def test_a_claimed_batch_asks_for_one_tote_per_order_and_a_tote_is_never_used_twice():
    cart = two_orders()
    start = PICK_BATCH.handle(PICK_BATCH.start(), Input.event(Trigger.TASK_ASSIGNED, task_ids=[1, 2]), cart)
    assert start.state == S.BIND_TOTES and start.say.params == {"slot": 1, "order": "CO-0000001"}
    first = PICK_BATCH.handle(Session("pick_batch", start.state, start.context), scan("TOTE-0001"), cart)
    assert first.state == S.BIND_TOTES and first.context["totes"] == {"1": "TOTE-0001"}
    assert first.effects[0].params == {"task_id": 1, "tote": "TOTE-0001"}
    again = PICK_BATCH.handle(Session("pick_batch", first.state, first.context), scan("TOTE-0001"), cart)
    assert again.outcome == "tote_in_use" and again.effects == ()
    not_tote = PICK_BATCH.handle(Session("pick_batch", first.state, first.context), scan(LAMP), cart)
    assert not_tote.outcome == "not_a_tote" and not_tote.say.level is MessageLevel.ERROR
    second = PICK_BATCH.handle(Session("pick_batch", first.state, first.context), scan("TOTE-0002"), cart)
    assert second.state == S.BATCH_PICK and second.context["totes"] == {"1": "TOTE-0001", "2": "TOTE-0002"}


def test_the_walk_takes_every_order_s_lines_in_one_route_order():
    route = [(task.id, line.line_id) for task, line in walk(two_orders().tasks)]
    assert route == [(2, 21), (1, 11), (2, 22)]  # aisle 1 first, then aisle 2 (bin A-02-05 holds two)


def test_an_item_is_counted_then_must_go_into_its_order_s_tote_and_no_other():
    cart = two_orders("TOTE-0001", "TOTE-0002")
    picking = Session("pick_batch", S.BATCH_PICK, {"tasks": [1, 2], "totes": {"1": "TOTE-0001", "2": "TOTE-0002"}})
    picked = PICK_BATCH.handle(picking, scan(MUG), cart)
    assert (picked.state, picked.outcome) == (S.PUT_TOTE, "counted")
    assert picked.effects[0].params == {"task_id": 2, "line_id": 21}
    assert picked.context["put"] == {"task_id": 2, "line_id": 21, "tote": "TOTE-0002", "slot": 2}
    holding = Session("pick_batch", picked.state, picked.context)
    wrong = PICK_BATCH.handle(holding, scan("TOTE-0001"), cart)
    assert (wrong.state, wrong.outcome, wrong.effects) == (S.PUT_TOTE, "wrong_tote", ())
    assert wrong.say.params == {"tote": "TOTE-0001", "slot": 2, "right": "TOTE-0002"}
    item_again = PICK_BATCH.handle(holding, scan(LAMP), cart)
    assert item_again.outcome == "put_first"
    cart.tasks = (cart.tasks[0], replace(cart.tasks[1], lines=(replace(cart.tasks[1].lines[0], done_qty=1),
                                                              cart.tasks[1].lines[1])))
    put = PICK_BATCH.handle(holding, scan("TOTE-0002"), cart)
    assert (put.state, put.outcome) == (S.BATCH_PICK, "put_ok") and "put" not in put.context


def test_the_first_open_line_on_the_walk_takes_a_product_two_orders_want():
    cart = two_orders("TOTE-0001", "TOTE-0002")
    picking = Session("pick_batch", S.BATCH_PICK, {"tasks": [1, 2], "totes": {}})
    assert PICK_BATCH.handle(picking, scan(LAMP), cart).context["put"]["task_id"] == 1
    assert next_line(cart.tasks)[1].line_id == 21


def test_a_wrong_item_is_refused_and_nothing_is_counted():
    picking = Session("pick_batch", S.BATCH_PICK, {"tasks": [1, 2], "totes": {}})
    step = PICK_BATCH.handle(picking, scan(CUP), two_orders("TOTE-0001", "TOTE-0002"))
    assert (step.state, step.outcome, step.effects, step.say.key) == (S.BATCH_PICK, "wrong_item", (), "not_in_batch")


def test_the_last_put_finishes_every_order_of_the_batch():
    done = lambda task: replace(task, lines=tuple(replace(line, done_qty=line.quantity) for line in task.lines))
    cart = Cart(tuple(done(task) for task in two_orders("TOTE-0001", "TOTE-0002").tasks))
    last = Session("pick_batch", S.PUT_TOTE, {"tasks": [1, 2], "totes": {},
                                               "put": {"task_id": 1, "line_id": 11, "tote": "TOTE-0001", "slot": 1}})
    step = PICK_BATCH.handle(last, scan("TOTE-0001"), cart)
    assert step.state == S.IDLE and step.say.key == "batch_done"
    assert [(e.kind, e.params["task_id"]) for e in step.effects] == [("complete_pick", 1), ("complete_pick", 2)]


def test_a_batch_taken_away_sends_the_picker_back_to_idle():
    picking = Session("pick_batch", S.BATCH_PICK, {"tasks": [1, 2], "totes": {}})
    assert PICK_BATCH.resume(picking, Cart(())) == PICK_BATCH.start()
    assert PICK_BATCH.handle(picking, scan(LAMP), Cart((two_orders().tasks[0],))).say.key == "task_lost"
