"""Warehouse routing rules (server/domain/shipping/routing.py) over three warehouses."""
from __future__ import annotations

import pytest

from server.domain.shipping.routing import UNKNOWN_KM, Line, Zone, distance, route_order

ZONES = [Zone("LYON", "FR", "", 400), Zone("LYON", "FR", "69", 10), Zone("LYON", "FR", "75", 460),
         Zone("PARIS", "FR", "", 450), Zone("PARIS", "FR", "75", 15), Zone("PARIS", "FR", "69", 460),
         Zone("LILLE", "FR", "", 500), Zone("LILLE", "FR", "75", 220), Zone("LILLE", "BE", "", 110)]
LAMP, MUG, BOOK = 1, 2, 3


def kms(country, postal):
    return {code: distance(ZONES, code, country, postal) for code in ("LYON", "PARIS", "LILLE")}


def test_the_longest_postal_prefix_wins_and_an_unknown_country_is_far():
    assert kms("FR", "69003") == {"LYON": 10, "PARIS": 460, "LILLE": 500}
    assert kms("FR", "75 011") == {"LYON": 460, "PARIS": 15, "LILLE": 220}
    assert kms("FR", "13001") == {"LYON": 400, "PARIS": 450, "LILLE": 500}
    assert kms("BE", "1000") == {"LYON": UNKNOWN_KM, "PARIS": UNKNOWN_KM, "LILLE": 110}


def test_an_order_goes_whole_to_the_nearest_warehouse_that_has_everything():
    free = {"LYON": {LAMP: 5}, "PARIS": {LAMP: 5, MUG: 5}, "LILLE": {LAMP: 5, MUG: 5}}
    lines = [Line(10, LAMP, 2), Line(11, MUG, 1)]
    route = route_order(lines, free, kms("FR", "69003"))  # Lyon is nearest but has no mug
    assert route.outcome == "whole" and [p.warehouse for p in route.parts] == ["PARIS"]
    assert route.parts[0].line_ids == (10, 11)
    assert route.reason == "routed_whole" and route.params["km"] == 460


def test_a_split_takes_the_fewest_warehouses_then_the_shortest_distance():
    free = {"LYON": {LAMP: 5, MUG: 5}, "PARIS": {BOOK: 5, LAMP: 5}, "LILLE": {BOOK: 5}}
    lines = [Line(10, LAMP, 1), Line(11, MUG, 1), Line(12, BOOK, 1)]
    route = route_order(lines, free, kms("FR", "75011"), policy="split")
    assert route.outcome == "split"
    parts = {p.warehouse: p.line_ids for p in route.parts}
    # Two warehouses are enough; LYON+PARIS (475 km) beats LYON+LILLE (680 km).
    assert parts == {"LYON": (11,), "PARIS": (10, 12)} or parts == {"LYON": (10, 11), "PARIS": (12,)}
    assert route.params["parts"] == 2


def test_the_hold_policy_keeps_an_order_no_single_warehouse_can_ship():
    free = {"LYON": {LAMP: 5}, "PARIS": {MUG: 5}, "LILLE": {}}
    lines = [Line(10, LAMP, 1), Line(11, MUG, 1)]
    route = route_order(lines, free, kms("FR", "69003"), policy="hold")
    assert (route.outcome, route.parts, route.reason) == ("held", (), "routed_held")


def test_an_order_the_network_does_not_have_is_short_whatever_the_policy():
    free = {"LYON": {LAMP: 1}, "PARIS": {LAMP: 1}, "LILLE": {}}
    for policy in ("split", "hold"):
        route = route_order([Line(10, LAMP, 3)], free, kms("FR", "69003"), policy=policy)
        assert route.outcome == "short" and route.params["products"] == [LAMP]


def test_a_line_is_never_cut_between_warehouses():
    """Three lamps, two in each warehouse: the network has four, but no warehouse takes the
    line whole, so it is not split (a line leaves from one place)."""
    free = {"LYON": {LAMP: 2}, "PARIS": {LAMP: 2}, "LILLE": {}}
    route = route_order([Line(10, LAMP, 3)], free, kms("FR", "69003"), policy="split")
    assert route.outcome == "held" and route.reason == "routed_unsplittable"


def test_two_lines_of_one_product_share_a_warehouses_stock():
    free = {"LYON": {LAMP: 3}, "PARIS": {LAMP: 3}, "LILLE": {}}
    route = route_order([Line(10, LAMP, 2), Line(11, LAMP, 2)], free, kms("FR", "69003"))
    assert route.outcome == "split" and sorted(p.warehouse for p in route.parts) == ["LYON", "PARIS"]


def test_an_unknown_policy_is_refused_by_name():
    with pytest.raises(ValueError, match="routing policy 'maybe'"):
        route_order([Line(1, LAMP, 1)], {"LYON": {LAMP: 1}}, {}, policy="maybe")
