"""The refund policy (server/domain/refunds.py): every expected amount is worked out by hand
from the rules in the module's docstring, in the comment beside it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.refunds import (
    PaidLine, PaidOrder, RefundPolicy, ReturnedItem, fee_for, prorate, refund_breakdown)

POLICY = RefundPolicy()  # window 30 d, restocking 10 % on changed_mind, damaged 50 %, fault: damaged, wrong_item
DELIVERED = date(2026, 3, 1)
ASKED = date(2026, 3, 10)


def one_line(price=1999, quantity=1, **order) -> PaidOrder:
    return PaidOrder([PaidLine(1, price, quantity)], delivered_on=DELIVERED, **order)


def back(line=1, quantity=1, reason="wrong_size", grade="resellable") -> ReturnedItem:
    return ReturnedItem(line, quantity, reason, grade)


def test_a_resellable_unit_gets_its_full_price_and_nothing_else():
    result = refund_breakdown(POLICY, one_line(1999, 2, shipping_cents=495), [back()], ASKED)
    line, = result.lines
    assert (line.base_cents, line.fee_cents, line.amount_cents, line.note) == (1999, 0, 1999, "refunded")
    assert result.shipping_cents == 0 and result.total_cents == 1999  # wrong_size: not the merchant's fault
    assert result.graded and not result.needs_approval


def test_the_window_counts_calendar_days_from_delivery_and_its_last_day_is_inside():
    order = one_line()
    last_day = refund_breakdown(POLICY, order, [back()], date(2026, 3, 31))  # 30 days after 1 March
    assert (last_day.inside_window, last_day.days_since_delivery, last_day.total_cents) == (True, 30, 1999)
    day_after = refund_breakdown(POLICY, order, [back()], date(2026, 4, 1))
    assert (day_after.inside_window, day_after.days_since_delivery, day_after.total_cents) == (False, 31, 0)
    assert day_after.lines[0].note == "outside_window"
    shorter = refund_breakdown(replace(POLICY, window_days=14), order, [back()], date(2026, 3, 16))
    assert shorter.total_cents == 0  # 15 days > 14


def test_a_merchant_fault_is_refunded_outside_the_window_unless_the_policy_says_otherwise():
    order = one_line(shipping_cents=495)
    late = date(2026, 6, 1)
    assert refund_breakdown(POLICY, order, [back(reason="wrong_item")], late).total_cents == 1999 + 495
    strict = replace(POLICY, merchant_fault_ignores_window=False)
    assert refund_breakdown(strict, order, [back(reason="wrong_item")], late).total_cents == 0


def test_no_delivery_known_yet_means_the_window_has_not_started():
    result = refund_breakdown(POLICY, PaidOrder([PaidLine(1, 1000, 1)]), [back()], date(2030, 1, 1))
    assert (result.inside_window, result.days_since_delivery, result.total_cents) == (True, None, 1000)


def test_changed_mind_pays_a_restocking_fee_rounded_down():
    line, = refund_breakdown(POLICY, one_line(1999), [back(reason="changed_mind")], ASKED).lines
    # 10 % of 1999 = 199.9 -> 199 (down, the customer's favour)
    assert (line.base_cents, line.fee_cents, line.fee_rule, line.amount_cents) == (1999, 199, "restocking:changed_mind", 1800)


def test_a_unit_the_customer_damaged_pays_the_larger_fee_not_both():
    line, = refund_breakdown(POLICY, one_line(1999), [back(reason="changed_mind", grade="damaged")], ASKED).lines
    # 10 % (199) and 50 % (999.5 -> 999): the larger only
    assert (line.fee_cents, line.fee_rule, line.amount_cents) == (999, "condition:damaged", 1000)


def test_a_merchant_fault_pays_no_fee_and_gets_the_outbound_shipping_back():
    result = refund_breakdown(POLICY, one_line(1999, shipping_cents=495), [back(reason="damaged", grade="damaged")], ASKED)
    assert (result.lines[0].fee_cents, result.lines[0].amount_cents) == (0, 1999)
    assert (result.shipping_cents, result.shipping_note, result.total_cents) == (495, "merchant_fault", 2494)


def test_shipping_already_refunded_is_not_refunded_again():
    order = one_line(1999, shipping_cents=495, shipping_refunded_cents=495)
    result = refund_breakdown(POLICY, order, [back(reason="wrong_item")], ASKED)
    assert (result.shipping_cents, result.total_cents) == (0, 1999)
    partly = replace(order, shipping_refunded_cents=200)
    assert refund_breakdown(POLICY, partly, [back(reason="wrong_item")], ASKED).shipping_cents == 295


def test_a_missing_unit_is_not_refunded_and_brings_no_shipping():
    result = refund_breakdown(POLICY, one_line(1999, shipping_cents=495), [back(reason="wrong_item", grade="missing")], ASKED)
    assert (result.lines[0].amount_cents, result.lines[0].priced, result.lines[0].note) == (0, 0, "missing")
    assert result.total_cents == 0


def test_partial_returns_of_one_line_round_down_and_the_last_unit_carries_the_cents():
    # 3 x 1000 with the whole 100 discount on it: 2900 paid for 3 units
    order = PaidOrder([PaidLine(1, 1000, 3)], discount_cents=100, delivered_on=DELIVERED)
    first = refund_breakdown(POLICY, order, [back()], ASKED)
    assert first.total_cents == 966  # floor(2900 / 3)
    assert (first.lines[0].gross_cents, first.lines[0].discount_cents) == (1000, 34)
    second = refund_breakdown(POLICY, replace(order, lines=[PaidLine(1, 1000, 3, 1, 966)]), [back()], ASKED)
    assert second.total_cents == 967  # floor(2900 * 2 / 3) - 966 = 1933 - 966
    third = refund_breakdown(POLICY, replace(order, lines=[PaidLine(1, 1000, 3, 2, 1933)]), [back()], ASKED)
    assert third.total_cents == 967  # 2900 - 1933
    assert 966 + 967 + 967 == 2900
    two_at_once = refund_breakdown(POLICY, order, [back(quantity=2)], ASKED)
    assert two_at_once.total_cents == 1933


def test_the_discount_is_split_by_largest_remainder_over_every_line_of_the_order():
    # 1000 over 1000 / 2000 / 3000: 166.67, 333.33, 500 -> 166, 333, 500 and the cent left to the first
    assert prorate(1000, [1000, 2000, 3000]) == [167, 333, 500]
    assert prorate(1, [1, 1]) == [1, 0]           # a tie goes to the earlier line
    assert prorate(2, [1, 1, 1]) == [1, 1, 0]
    assert prorate(0, [5, 7]) == [0, 0] and prorate(0, []) == []
    order = PaidOrder([PaidLine(1, 1000, 1), PaidLine(2, 2000, 1), PaidLine(3, 3000, 1)],
                      discount_cents=1000, delivered_on=DELIVERED)
    assert refund_breakdown(POLICY, order, [back(1)], ASKED).total_cents == 833    # 1000 - 167
    assert refund_breakdown(POLICY, order, [back(3)], ASKED).total_cents == 2500   # 3000 - 500
    everything = refund_breakdown(POLICY, order, [back(1), back(2), back(3)], ASKED)
    assert everything.total_cents == 5000  # 6000 - 1000, to the cent


def test_never_more_than_was_paid_for_the_line_less_what_was_refunded_on_it():
    order = PaidOrder([PaidLine(1, 5000, 1, refunded_before_cents=4500)], delivered_on=DELIVERED)  # a goodwill refund
    line, = refund_breakdown(POLICY, order, [back()], ASKED).lines
    assert (line.base_cents, line.capped_cents, line.amount_cents) == (5000, 4500, 500)
    all_back = PaidOrder([PaidLine(1, 1500, 2, returned_before=2, refunded_before_cents=3000)], delivered_on=DELIVERED)
    line, = refund_breakdown(POLICY, all_back, [back()], ASKED).lines
    assert (line.priced, line.amount_cents, line.note) == (0, 0, "nothing_left")
    too_many = refund_breakdown(POLICY, one_line(1500, 2), [back(quantity=5)], ASKED)
    assert (too_many.lines[0].priced, too_many.total_cents) == (2, 3000)


def test_two_units_of_one_line_graded_differently_on_one_return():
    order = one_line(1500, 2)
    result = refund_breakdown(POLICY, order, [back(reason="wrong_size"), back(reason="changed_mind", grade="damaged")], ASKED)
    assert [line.amount_cents for line in result.lines] == [1500, 750]  # 1500 - 50 %
    assert result.total_cents == 2250


def test_rules_combined_discount_fault_fee_and_shipping():
    # A 2 x 2500, B 1 x 3000; discount 800 over 8000: A 500, B 300 (exact) -> A paid 4500, B 2700
    order = PaidOrder([PaidLine(1, 2500, 2), PaidLine(2, 3000, 1)], discount_cents=800, shipping_cents=590,
                      delivered_on=DELIVERED)
    result = refund_breakdown(POLICY, order, [back(1, reason="damaged", grade="damaged"),
                                              back(2, reason="changed_mind")], ASKED)
    a, b = result.lines
    assert (a.base_cents, a.fee_cents, a.amount_cents) == (2250, 0, 2250)   # floor(4500 / 2), merchant fault
    assert (b.base_cents, b.fee_cents, b.amount_cents) == (2700, 270, 2430)  # 10 % restocking
    assert result.shipping_cents == 590
    assert result.total_cents == 2250 + 2430 + 590 == 5270


def test_above_the_threshold_a_supervisor_must_approve():
    assert not refund_breakdown(POLICY, one_line(20000), [back()], ASKED).needs_approval  # 200.00 is not above
    assert refund_breakdown(POLICY, one_line(20001), [back()], ASKED).needs_approval
    assert not refund_breakdown(replace(POLICY, approval_above_cents=50000), one_line(20001), [back()], ASKED).needs_approval


def test_before_inspection_the_amount_is_a_preview_priced_as_resellable():
    result = refund_breakdown(POLICY, one_line(1999), [back(grade=None)], ASKED)
    assert (result.graded, result.total_cents) == (False, 1999)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="grade"):
        refund_breakdown(POLICY, one_line(), [back(grade="shiny")], ASKED)
    with pytest.raises(ValueError, match="not on the order"):
        refund_breakdown(POLICY, one_line(), [back(line=9)], ASKED)
    with pytest.raises(ValueError, match="discount"):
        refund_breakdown(POLICY, one_line(100, discount_cents=101), [back()], ASKED)
    with pytest.raises(ValueError):
        RefundPolicy(restocking_fee_bp=10_001)


def test_fee_rules_by_reason_and_grade():
    assert fee_for(POLICY, "wrong_item", "damaged") == (0, "")
    assert fee_for(POLICY, "wrong_size", "resellable") == (0, "")
    assert fee_for(POLICY, "changed_mind", "resellable") == (1000, "restocking:changed_mind")
    assert fee_for(POLICY, "late", "damaged") == (5000, "condition:damaged")


def test_the_policy_reads_the_config_keys():
    policy = RefundPolicy.from_mapping({"REFUND_WINDOW_DAYS": 14, "REFUND_RESTOCKING_FEE_REASONS": ["changed_mind", "wrong_size"],
                                        "REFUND_APPROVAL_ABOVE_CENTS": 0})
    assert policy.window_days == 14 and policy.restocking_fee_reasons == {"changed_mind", "wrong_size"}
    assert policy.approval_above_cents == 0 and policy.damaged_fee_bp == 5000


# --- the property ----------------------------------------------------------------------------

REASONS = ["changed_mind", "wrong_size", "damaged", "wrong_item", "late"]


@st.composite
def histories(draw):
    lines = draw(st.lists(st.tuples(st.integers(1, 50_000), st.integers(1, 5)), min_size=1, max_size=4))
    goods = sum(price * quantity for price, quantity in lines)
    discount = draw(st.integers(0, goods))
    shipping = draw(st.integers(0, 2_000))
    policy = RefundPolicy(restocking_fee_bp=draw(st.integers(0, 10_000)), damaged_fee_bp=draw(st.integers(0, 10_000)),
                          window_days=draw(st.integers(0, 40)))
    returns = draw(st.lists(st.lists(st.builds(
        ReturnedItem, st.integers(1, len(lines)), st.integers(1, 6), st.sampled_from(REASONS),
        st.sampled_from(["resellable", "damaged", "missing", None])), min_size=1, max_size=4), max_size=6))
    asked = draw(st.lists(st.integers(0, 45), min_size=len(returns), max_size=len(returns)))
    return policy, lines, discount, shipping, returns, asked


@settings(max_examples=300, deadline=None, derandomize=True)
@given(histories())
def test_whatever_the_sequence_of_partial_returns_the_total_refunded_never_exceeds_what_was_paid(history):
    policy, lines, discount, shipping, returns, asked = history
    returned = {i: 0 for i in range(1, len(lines) + 1)}
    refunded = dict(returned)
    shipping_refunded, total = 0, 0
    for items, day in zip(returns, asked):
        order = PaidOrder([PaidLine(i, price, quantity, returned[i], refunded[i])
                           for i, (price, quantity) in enumerate(lines, 1)],
                          discount, shipping, shipping_refunded, DELIVERED)
        result = refund_breakdown(policy, order, items, date.fromordinal(DELIVERED.toordinal() + day))
        for line in result.lines:
            assert line.amount_cents >= 0
            returned[line.line_id] += line.priced
            refunded[line.line_id] += line.amount_cents
        shipping_refunded += result.shipping_cents
        total += result.total_cents
        assert result.total_cents == sum(line.amount_cents for line in result.lines) + result.shipping_cents
    goods = sum(price * quantity for price, quantity in lines)
    assert total <= goods - discount + shipping
    assert shipping_refunded <= shipping
    shares = prorate(discount, [price * quantity for price, quantity in lines])
    for i, (price, quantity) in enumerate(lines, 1):
        assert refunded[i] <= price * quantity - shares[i - 1]
        assert returned[i] <= quantity


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(1, 50_000), st.integers(1, 5)), min_size=1, max_size=4),
       st.data())
def test_every_unit_back_one_at_a_time_without_fees_refunds_exactly_what_was_paid(lines, data):
    goods = sum(price * quantity for price, quantity in lines)
    discount = data.draw(st.integers(0, goods))
    returned = {i: 0 for i in range(1, len(lines) + 1)}
    refunded = dict(returned)
    total = 0
    for i, (_, quantity) in enumerate(lines, 1):
        for _ in range(quantity):
            order = PaidOrder([PaidLine(j, p, q, returned[j], refunded[j]) for j, (p, q) in enumerate(lines, 1)],
                              discount, delivered_on=DELIVERED)
            line, = refund_breakdown(POLICY, order, [back(i)], ASKED).lines
            returned[i] += line.priced
            refunded[i] += line.amount_cents
            total += line.amount_cents
    assert total == goods - discount
