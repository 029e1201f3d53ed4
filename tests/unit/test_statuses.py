"""The life cycles of orders, tasks, packages, returns and print jobs (pure domain)."""
from __future__ import annotations

import ast
import json
from collections import deque
from pathlib import Path

import pytest

from server.domain import statuses
from server.domain.statuses import (
    LIFE_CYCLES, IllegalTransition, OrderStatus, PackageStatus, PrintJobStatus, RefundStatus, ReturnStatus, TaskStatus,
    UnknownStatus, check_transition, mermaid, parse_status,
)

CYCLES = list(LIFE_CYCLES.values())
DECLARED = [(old, new) for cycle in CYCLES for old, targets in cycle.moves.items() for new in sorted(targets, key=str)]
UNDECLARED = [(old, new) for cycle in CYCLES for old in cycle.statuses for new in cycle.statuses
              if old != new and new not in cycle.moves[old]]

# What the floor's code does today (services, demo, tests): each must stay declared.
MOVES_THE_FLOOR_MAKES = [
    (OrderStatus.NEW, OrderStatus.ALLOCATED),           # allocation
    (OrderStatus.NEW, OrderStatus.BACKORDERED),         # allocation, a line short
    (OrderStatus.ALLOCATED, OrderStatus.PICKING),       # dispatch, pick task handed out
    (OrderStatus.PICKING, OrderStatus.PICKED),          # last unit picked
    (OrderStatus.PICKING, OrderStatus.SHORT),           # short pick, no other bin has the units
    (OrderStatus.PICKED, OrderStatus.PACKING),          # dispatch, pack task handed out
    (OrderStatus.PACKING, OrderStatus.PACKED),          # last unit packed
    (OrderStatus.PACKED, OrderStatus.SHIPPED),          # shipping label printed
    (TaskStatus.OPEN, TaskStatus.ASSIGNED),
    (TaskStatus.ASSIGNED, TaskStatus.DONE),
    (PackageStatus.LABEL_PENDING, PackageStatus.SHIPPED),
    (ReturnStatus.AUTHORIZED, ReturnStatus.RECEIVED),   # returns desk scans the RMA
    (PrintJobStatus.QUEUED, PrintJobStatus.PRINTED),
    (PrintJobStatus.QUEUED, PrintJobStatus.FAILED),     # paper out
    (PrintJobStatus.FAILED, PrintJobStatus.PRINTED),    # reprinted
]

FINAL = {
    OrderStatus: {OrderStatus.RETURNED, OrderStatus.CANCELLED},
    TaskStatus: {TaskStatus.DONE, TaskStatus.CANCELLED},
    PackageStatus: {PackageStatus.DELIVERED},
    ReturnStatus: {ReturnStatus.CLOSED},
    RefundStatus: {RefundStatus.PAID, RefundStatus.REJECTED},
    PrintJobStatus: {PrintJobStatus.PRINTED, PrintJobStatus.CANCELLED},
}

# Moves that must stay refused, whatever else is added.
NEVER = [
    (OrderStatus.SHIPPED, OrderStatus.NEW),
    (OrderStatus.NEW, OrderStatus.SHIPPED),          # no parcel without picking and packing
    (OrderStatus.PICKING, OrderStatus.CANCELLED),    # units already left their bins
    (OrderStatus.BACKORDERED, OrderStatus.PICKING),
    (TaskStatus.DONE, TaskStatus.OPEN),
    (TaskStatus.OPEN, TaskStatus.DONE),
    (PackageStatus.SHIPPED, PackageStatus.LABEL_PENDING),
    (ReturnStatus.RECEIVED, ReturnStatus.AUTHORIZED),
    (ReturnStatus.RECEIVED, ReturnStatus.REFUNDED),  # inspected first
    (PrintJobStatus.CANCELLED, PrintJobStatus.QUEUED),
    (PrintJobStatus.PRINTED, PrintJobStatus.FAILED),    # a second label for a shipped parcel
]


def ids(pairs):
    return [f"{type(old).__name__}:{old}->{new}" for old, new in pairs]


@pytest.mark.parametrize(("old", "new"), DECLARED, ids=ids(DECLARED))
def test_every_declared_move_is_allowed(old, new):
    assert check_transition(old, new) is new


@pytest.mark.parametrize(("old", "new"), MOVES_THE_FLOOR_MAKES, ids=ids(MOVES_THE_FLOOR_MAKES))
def test_every_move_the_floor_makes_today_is_declared(old, new):
    assert check_transition(str(old), new) is new


def test_every_undeclared_move_is_refused_and_says_who_from_where_to_where():
    assert len(UNDECLARED) > 100
    for old, new in UNDECLARED:
        with pytest.raises(IllegalTransition) as refused:
            check_transition(old, new)
        cycle = LIFE_CYCLES[type(new)]
        assert (refused.value.entity, refused.value.old, refused.value.new) == (cycle.entity, old, new)


@pytest.mark.parametrize(("old", "new"), NEVER, ids=ids(NEVER))
def test_a_sample_of_moves_the_floor_must_never_make(old, new):
    with pytest.raises(IllegalTransition, match=f"'{old}' to '{new}'"):
        check_transition(old, new)


def test_an_illegal_transition_is_a_value_error_naming_the_ways_out():
    expected = r"order cannot go from 'picking' to 'shipped' \(from picking: picked, short\)"
    with pytest.raises(ValueError, match=expected):
        check_transition("picking", OrderStatus.SHIPPED)
    with pytest.raises(IllegalTransition, match="nothing, it is final"):
        check_transition(TaskStatus.DONE, TaskStatus.ASSIGNED)


@pytest.mark.parametrize("status", [s for cycle in CYCLES for s in cycle.statuses],
                         ids=lambda s: f"{type(s).__name__}:{s}")
def test_staying_in_the_same_status_is_allowed_for_replays(status):
    assert check_transition(status, status) is status
    assert check_transition(str(status), status) is status


def test_a_new_entity_starts_only_in_an_initial_status():
    assert check_transition(None, OrderStatus.NEW) is OrderStatus.NEW
    expected = r"a new order cannot start as 'shipped' \(starts as: new\)"
    with pytest.raises(IllegalTransition, match=expected) as refused:
        check_transition(None, OrderStatus.SHIPPED)
    assert refused.value.old is None
    assert {cycle.entity: {str(s) for s in cycle.initial} for cycle in CYCLES} == {
        "order": {"new"}, "task": {"open"}, "package": {"label_pending"}, "return": {"authorized"},
        "refund": {"awaiting_approval", "approved"}, "print job": {"queued"}}


@pytest.mark.parametrize("cycle", CYCLES, ids=lambda c: c.entity)
def test_every_status_is_reachable_from_an_initial_status(cycle):
    assert _reachable(cycle, cycle.initial) == set(cycle.statuses)


@pytest.mark.parametrize("cycle", CYCLES, ids=lambda c: c.entity)
def test_every_status_but_the_final_ones_has_a_way_forward_to_an_end(cycle):
    assert set(cycle.final) == FINAL[cycle.statuses]
    for status in cycle.statuses:
        assert _reachable(cycle, {status}) & FINAL[cycle.statuses], f"{cycle.entity} {status} never ends"


def test_the_existing_strings_are_kept_exactly():
    assert {cycle.entity: [str(s) for s in cycle.statuses] for cycle in CYCLES} == {
        "order": ["new", "backordered", "allocated", "released", "picking", "picked", "short", "packing",
                  "packed", "shipped", "delivered", "returned_to_sender", "returned", "cancelled"],
        "task": ["open", "assigned", "done", "cancelled"],
        "package": ["label_pending", "shipped", "delivered", "returned_to_sender"],
        "return": ["authorized", "received", "inspected", "refunded", "closed"],
        "refund": ["awaiting_approval", "approved", "paid", "rejected"],
        "print job": ["queued", "sent", "printed", "failed", "cancelled"],
    }


def test_statuses_behave_as_the_plain_strings_existing_code_compares_and_sends():
    assert OrderStatus.SHIPPED == "shipped" and "shipped" == OrderStatus.SHIPPED
    assert OrderStatus.SHIPPED in ("shipped", "delivered")
    assert {OrderStatus.NEW: 3}.get("new") == 3  # the dashboard's counts by status
    assert f"pick_{TaskStatus.OPEN}" == "pick_open"
    assert json.dumps({ReturnStatus.RECEIVED: ReturnStatus.RECEIVED}) == '{"received": "received"}'


def test_parse_status_turns_a_string_into_its_member_and_refuses_anything_else():
    assert parse_status(OrderStatus, "backordered") is OrderStatus.BACKORDERED
    assert parse_status(OrderStatus, OrderStatus.NEW) is OrderStatus.NEW
    for bad in ("SHIPPED", "shiped", "", None, 3):
        with pytest.raises(UnknownStatus, match="is not a known order status") as refused:
            parse_status(OrderStatus, bad)
        assert isinstance(refused.value, ValueError) and refused.value.value == bad
    expected = r"'lost' is not a known print job status \(one of: queued, sent, printed"
    with pytest.raises(UnknownStatus, match=expected):
        check_transition("lost", PrintJobStatus.QUEUED)


def test_check_transition_needs_a_member_to_know_the_entity():
    with pytest.raises(TypeError, match="parse_status"):
        check_transition("new", "allocated")


def test_a_life_cycle_with_a_status_left_out_or_borrowed_does_not_import():
    with pytest.raises(TypeError, match=r"no row for \['done'.*foreign statuses \[.*OrderStatus.NEW"):
        statuses._life_cycle("task", TaskStatus, {TaskStatus.OPEN}, {
            TaskStatus.OPEN: {OrderStatus.NEW}, TaskStatus.ASSIGNED: set(), TaskStatus.CANCELLED: set()})


def test_mermaid_draws_every_declared_move_once_with_starts_and_ends():
    drawing = mermaid(ReturnStatus)
    assert drawing == (
        "stateDiagram-v2\n"
        "    [*] --> authorized\n"
        "    authorized --> received\n"
        "    authorized --> closed\n"
        "    received --> inspected\n"
        "    inspected --> refunded\n"
        "    inspected --> closed\n"
        "    refunded --> closed\n"
        "    closed --> [*]\n")
    for cycle in CYCLES:
        edges = mermaid(cycle.statuses).splitlines()[1:]
        moves = [line for line in edges if "[*]" not in line]
        assert sorted(moves) == sorted(f"    {old} --> {new}" for old, targets in cycle.moves.items()
                                       for new in targets)


def test_the_domain_module_imports_no_framework():
    tree = ast.parse(Path(statuses.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "dataclasses", "enum", "typing"}


def _reachable(cycle, starts) -> set:
    seen, todo = set(starts), deque(starts)
    while todo:
        for following in cycle.moves[todo.popleft()] - seen:
            seen.add(following)
            todo.append(following)
    return seen
