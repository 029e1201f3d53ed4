"""The promise rules over a simulated clock: each policy action, the cost limit, and none."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from server.domain import promises as rules

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
THURSDAY = date(2026, 11, 26)


def order(ahead=5, priority=5, released=True, deliver_by=THURSDAY, level="standard", ship_by_hour=16):
    return rules.OpenOrder(1, level, MONDAY_10.replace(hour=ship_by_hour), deliver_by, priority, released, ahead)


def pace(**kwargs):
    return rules.FloorPace(**{"now": MONDAY_10, "orders_per_hour": 10.0, "wave_wait": timedelta(hours=7),
                              "urgent_ahead": 3, **kwargs})


def test_an_order_that_makes_the_cut_off_keeps_its_promise_and_nothing_is_decided():
    assert rules.judge(order(ahead=5), pace()) is None  # ready 10:30, leaves Monday, arrives Thursday


def test_late_behind_the_queue_it_is_moved_up_when_that_keeps_the_promise():
    decision = rules.judge(order(ahead=70), pace())  # ready 17:00: misses the 16:00 pickup
    assert decision.action == "priority" and decision.cost_cents == 0
    assert decision.expected_before == date(2026, 11, 27) and decision.expected_after == THURSDAY


def test_waiting_for_a_wave_it_is_released_at_once():
    decision = rules.judge(order(ahead=2, priority=0, released=False), pace())
    assert decision.action == "release" and decision.expected_after == THURSDAY


def test_upgraded_to_the_cheapest_service_that_keeps_it_within_the_cost_limit():
    decision = rules.judge(order(ahead=70, priority=0), pace())  # already urgent, still late
    assert (decision.action, decision.service_level, decision.cost_cents) == ("upgrade", "priority", 300)
    assert decision.expected_after == THURSDAY


def test_no_upgrade_over_the_cost_limit_and_then_the_decision_is_none_with_the_new_date():
    decision = rules.judge(order(ahead=70, priority=0), pace(max_extra_cents=200))
    assert decision.action == "none" and decision.cost_cents == 0
    assert decision.expected_after == date(2026, 11, 27) > THURSDAY


def test_none_when_no_service_can_arrive_in_time():
    decision = rules.judge(order(ahead=0, deliver_by=date(2026, 11, 23)), pace())
    assert decision.action == "none" and "no action keeps" in decision.reason


def test_the_policy_order_decides_which_action_comes_first():
    both = order(ahead=70)
    assert rules.judge(both, pace(policy=("upgrade", "priority"))).action == "upgrade"
    assert rules.judge(both, pace(policy=("release",))).action == "none"


def test_a_parcel_ready_on_friday_evening_leaves_on_monday():
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc)
    service = rules.SERVICES["standard"]
    assert rules.leaves_on(friday_evening, service) == date(2026, 11, 30)
    assert rules.arrives_on(friday_evening, service) == date(2026, 12, 3)
    assert rules.default_deliver_by(MONDAY_10, "express") == date(2026, 11, 24)


def test_a_ship_by_on_a_sunday_is_kept_by_mondays_pickup():
    sunday_noon = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    weekend = rules.OpenOrder(1, "standard", sunday_noon, date(2026, 12, 3), 5, True, 0)
    assert rules.judge(weekend, pace(now=sunday_noon - timedelta(hours=2))) is None  # leaves Monday, arrives Thursday
