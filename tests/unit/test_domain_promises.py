"""The promise rules over a simulated clock: each policy action, the cost limit, and none.

Services are the carrier catalogue's (server/domain/shipping/services.py). Monday 23 November
2026, 10:00 UTC (11:00 in Paris): Colissimo Domicile (standard) leaves at 15:00 UTC and takes 2
working days, UPS Standard (priority) 17:30 UTC and 1 day, Chronopost 13h (express) 17:00 UTC
and 1 day, DPD Predict 16:00 UTC and 2 days."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from server import carriers
from server.domain import promises as rules
from server.domain.shipping import services as svc

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
TUESDAY, WEDNESDAY, THURSDAY = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)


def order(ahead=5, priority=5, released=True, deliver_by=WEDNESDAY, level="standard", ship_by_hour=14):
    return rules.OpenOrder(1, rules.level_service(level), MONDAY_10.replace(hour=ship_by_hour), deliver_by, priority,
                           released, ahead)


def pace(**kwargs):
    return rules.FloorPace(**{"now": MONDAY_10, "orders_per_hour": 10.0, "wave_wait": timedelta(hours=7),
                              "urgent_ahead": 3, **kwargs})


def extra(code, than="COLISSIMO_DOM", weight_g=rules.TYPICAL_WEIGHT_G):
    return svc.BY_CODE[code].price(weight_g, False) - svc.BY_CODE[than].price(weight_g, False)


def test_an_order_that_makes_the_cut_off_keeps_its_promise_and_nothing_is_decided():
    assert rules.judge(order(ahead=5), pace()) is None  # ready 10:30, leaves Monday, arrives Wednesday


def test_late_behind_the_queue_it_is_moved_up_when_that_keeps_the_promise():
    decision = rules.judge(order(ahead=70), pace())  # ready 17:00: misses the 15:00 UTC pickup
    assert decision.action == "priority" and decision.cost_cents == 0
    assert decision.expected_before == THURSDAY and decision.expected_after == WEDNESDAY


def test_waiting_for_a_wave_it_is_released_at_once():
    decision = rules.judge(order(ahead=2, priority=0, released=False), pace())
    assert decision.action == "release" and decision.expected_after == WEDNESDAY


def test_upgraded_to_the_cheapest_service_that_keeps_it_within_the_cost_limit():
    # Ready 17:00 UTC, already urgent: DPD (cheaper) has gone at 16:00; UPS (17:30) is cheaper than Chronopost.
    decision = rules.judge(order(ahead=70, priority=0), pace())
    assert (decision.action, decision.service, decision.cost_cents) == ("upgrade", "UPS_STANDARD", extra("UPS_STANDARD"))
    assert decision.expected_after == TUESDAY


def test_no_upgrade_over_the_cost_limit_and_then_the_decision_is_none_with_the_new_date():
    decision = rules.judge(order(ahead=70, priority=0), pace(max_extra_cents=extra("UPS_STANDARD") - 1))
    assert decision.action == "none" and decision.cost_cents == 0
    assert decision.expected_after == THURSDAY > WEDNESDAY


def test_none_when_no_service_can_arrive_in_time():
    decision = rules.judge(order(ahead=0, deliver_by=MONDAY_10.date()), pace())
    assert decision.action == "none" and "no action keeps" in decision.reason


def test_the_policy_order_decides_which_action_comes_first():
    both = order(ahead=70)
    assert rules.judge(both, pace(policy=("upgrade", "priority"))).action == "upgrade"
    assert rules.judge(both, pace(policy=("release",))).action == "none"


def test_a_parcel_ready_on_friday_evening_leaves_on_monday():
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc)
    service = rules.service_options(friday_evening, "Europe/Paris")["COLISSIMO_DOM"]
    assert rules.leaves_on(friday_evening, service) == date(2026, 11, 30)
    assert rules.arrives_on(friday_evening, service) == date(2026, 12, 2)
    assert rules.default_deliver_by(MONDAY_10, "express") == TUESDAY
    assert rules.default_deliver_by(MONDAY_10, "standard") == WEDNESDAY


def test_a_ship_by_on_a_sunday_is_kept_by_mondays_pickup():
    sunday_noon = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    weekend = rules.OpenOrder(1, "COLISSIMO_DOM", sunday_noon, date(2026, 12, 2), 5, True, 0)
    assert rules.judge(weekend, pace(now=sunday_noon - timedelta(hours=2))) is None  # leaves Monday, arrives Wednesday


def test_the_watcher_reads_the_one_carrier_catalogue_and_follows_any_change_to_it(monkeypatch):
    """The cut-offs, transit days and prices the watcher judges with are the catalogue's, the
    table routing and booking use: no second table to keep in step (one would fail here)."""
    options = rules.service_options(MONDAY_10, "Europe/Paris")
    assert set(options) == set(svc.BY_CODE)
    for code, service in svc.BY_CODE.items():
        local = datetime.combine(MONDAY_10.date(), service.cutoff, tzinfo=ZoneInfo("Europe/Paris"))
        assert options[code] == rules.ServiceOption(code, local.astimezone(timezone.utc).time(), service.transit_days,
                                                    service.price(rules.TYPICAL_WEIGHT_G, False))
    assert pace().services == options
    for level, (carrier, code) in carriers.SERVICES.items():  # booking with no service chosen: the same one
        assert rules.level_service(level) == code and svc.BY_CODE[code].carrier == carrier
    # Colissimo becomes slower and earlier in the catalogue: the watcher sees it at once.
    slower = dataclasses.replace(svc.BY_CODE["COLISSIMO_DOM"], transit_days=5, cutoff=time(9, 0))
    monkeypatch.setattr(svc, "CATALOGUE", tuple(slower if s.code == slower.code else s for s in svc.CATALOGUE))
    monkeypatch.setitem(svc.BY_CODE, slower.code, slower)
    changed = rules.service_options(MONDAY_10, "Europe/Paris")["COLISSIMO_DOM"]
    assert (changed.cutoff, changed.transit_days) == (time(8, 0), 5)
    assert rules.default_deliver_by(MONDAY_10, "standard") == date(2026, 11, 30)
    assert rules.judge(order(ahead=0, deliver_by=THURSDAY), pace(policy=())).action == "none"  # 08:00 UTC gone
