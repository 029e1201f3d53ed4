"""The pick walk: floor geometry, the classic heuristics by their published definitions, and the
exact router (Ratliff & Rosenthal 1983) against brute force over every visiting order.

Hand-computed cases use a small floor with round numbers (``SMALL``): bay b stands at
y = 1 + (b - 0.5) = b + 0.5 m, an aisle is 10 bays + 2 m of cross-aisle = 12 m between the
cross-aisles' centre lines, neighbouring aisles are 4 m apart, the depot is at the front of aisle 1.
Heuristics follow Roodbergen & de Koster (2001), section 3 (after Hall 1993).
"""
from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings, strategies as st

from server.demo_data.rows import bin_rows
from server.domain import route as R
from server.domain.layout import DEMO_LAYOUT, Layout, Spot, parse_bin
from server.domain.route import (largest_gap, optimal, route_order, s_shape, sort_by_route, tour_length,
                                 walk_key_of_code)

SMALL = Layout(zones=("A",), aisles_per_zone=5, bays_per_aisle=10, bay_width_m=1.0, aisle_spacing_m=4.0,
               cross_aisle_width_m=2.0)
MIDDLE_DEPOT = Layout(zones=("A",), aisles_per_zone=5, bays_per_aisle=10, bay_width_m=1.0, aisle_spacing_m=4.0,
                      cross_aisle_width_m=2.0, depot_aisle=3)
TWO_ZONES_GAP = Layout(zones=("A", "B"), aisles_per_zone=3, bays_per_aisle=6, zone_gap_m=5.0, depot_aisle=6)


def at(aisle: int, bay: int, layout: Layout = SMALL) -> Spot:
    return layout.spot(parse_bin(f"A-{aisle:02d}-{bay:02d}-1"))


def brute_force(spots, layout: Layout) -> float:
    """Every visiting order, each leg the shortest walk: the optimum by definition."""
    spots = sorted(set(spots))
    stops = [layout.depot, *spots]
    d = [[R.distance(p, q, layout) for q in stops] for p in stops]
    best = float("inf")
    for perm in itertools.permutations(range(1, len(stops))):
        length, here = 0.0, 0
        for stop in perm:
            length += d[here][stop]
            here = stop
        best = min(best, length + d[here][0])
    return best


# --- geometry ------------------------------------------------------------------------------------

def test_the_demo_floor_is_one_block_of_twelve_aisles_zone_after_zone():
    assert DEMO_LAYOUT.aisles == 12 and DEMO_LAYOUT.aisle_length_m == pytest.approx(12 * 1.2 + 3.0)
    assert DEMO_LAYOUT.spot_of_code("A-01-01-1") == Spot(1, pytest.approx(1.5 + 0.6))
    assert DEMO_LAYOUT.spot_of_code("B-02-07-3") == Spot(6, pytest.approx(1.5 + 6.5 * 1.2))  # B = aisles 5-8
    assert DEMO_LAYOUT.aisle_x(6) == pytest.approx(5 * 3.0)
    assert DEMO_LAYOUT.depot == Spot(1, 0.0)


def test_every_demo_bin_has_a_spot_and_levels_of_a_bay_share_it():
    spots = {row["code"]: DEMO_LAYOUT.spot_of_code(row["code"]) for row in bin_rows(1, 400)}
    assert None not in spots.values()
    assert spots["A-03-05-1"] == spots["A-03-05-4"] != spots["A-03-06-1"]


@pytest.mark.parametrize("code", ["D-01-01-1", "A-05-01-1", "A-01-13-1", "A-00-01-1", "A-01-00-1"])
def test_a_bin_off_the_floor_has_no_spot(code):
    assert parse_bin(code) is not None and DEMO_LAYOUT.spot_of_code(code) is None


@pytest.mark.parametrize("code", ["", "A-01-03", "A-01-03-1-2", "A-x-03-1", "-01-03-1", "TOTE-0001"])
def test_a_code_that_is_not_zone_aisle_bay_level_does_not_parse(code):
    assert parse_bin(code) is None and DEMO_LAYOUT.spot_of_code(code) is None


def test_paired_faces_put_odd_and_even_bays_face_to_face():
    paired = Layout(paired_faces=True)
    assert paired.spot_of_code("A-01-01-1") == paired.spot_of_code("A-01-02-3") != paired.spot_of_code("A-01-03-1")
    assert paired.aisle_length_m == pytest.approx(6 * 1.2 + 3.0)


def test_zone_gap_widens_the_walk_between_zones_only():
    assert TWO_ZONES_GAP.aisle_x(3) - TWO_ZONES_GAP.aisle_x(2) == pytest.approx(3.0)
    assert TWO_ZONES_GAP.aisle_x(4) - TWO_ZONES_GAP.aisle_x(3) == pytest.approx(8.0)


def test_a_layout_comes_from_plain_settings_and_refuses_nonsense():
    assert Layout.from_mapping({"zones": ["A", "B"], "depot_aisle": 8}) == Layout(zones=("A", "B"), depot_aisle=8)
    with pytest.raises(ValueError):
        Layout.from_mapping({"aisle_count": 3})
    with pytest.raises(ValueError):
        Layout(depot_aisle=13)
    with pytest.raises(ValueError):
        Layout(bay_width_m=0)


def test_distance_is_along_the_aisle_or_round_the_nearer_cross_aisle():
    assert at(2, 3).y == 3.5 and SMALL.aisle_length_m == 12.0
    assert R.distance(at(2, 3), at(2, 9), SMALL) == pytest.approx(6.0)
    assert R.distance(at(1, 2), at(3, 3), SMALL) == pytest.approx(2.5 + 3.5 + 8)  # by the front
    assert R.distance(at(1, 10), at(2, 9), SMALL) == pytest.approx(1.5 + 2.5 + 4)  # by the back
    assert R.distance(SMALL.depot, at(1, 4), SMALL) == pytest.approx(4.5)


# --- S-shape and largest gap, by their definitions -------------------------------------------

def test_s_shape_traverses_every_pick_aisle_and_returns_in_the_last_when_their_number_is_odd():
    picks = [at(4, 6), at(1, 3), at(4, 2), at(2, 8)]
    walk = s_shape(picks, SMALL)
    # up aisle 1 (12), back to 2 (4), down aisle 2 (12), front to 4 (8), into 4 as far as 6.5 and out (13),
    # front back to the depot (12)
    assert walk.length == pytest.approx(12 + 4 + 12 + 8 + 13 + 12)
    assert walk.order == (at(1, 3), at(2, 8), at(4, 2), at(4, 6))


def test_s_shape_walks_an_even_number_of_pick_aisles_end_to_end_even_for_picks_at_the_front():
    walk = s_shape([at(2, 1), at(3, 1)], SMALL)
    assert walk.length == pytest.approx(4 + 12 + 4 + 12 + 8)
    assert optimal([at(2, 1), at(3, 1)], SMALL).length == pytest.approx(4 + 3 + 4 + 3 + 8)  # two return trips


def test_s_shape_with_the_depot_in_the_middle_reaches_the_leftmost_pick_aisle_first():
    walk = s_shape([at(1, 1, MIDDLE_DEPOT), at(5, 1, MIDDLE_DEPOT)], MIDDLE_DEPOT)
    assert walk.length == pytest.approx(8 + 12 + 16 + 12 + 8)
    assert optimal([at(1, 1, MIDDLE_DEPOT), at(5, 1, MIDDLE_DEPOT)], MIDDLE_DEPOT).length == pytest.approx(
        8 + 3 + 16 + 3 + 8)


def test_largest_gap_enters_middle_aisles_up_to_their_largest_gap_from_each_side():
    picks = [at(1, 3), at(2, 2), at(2, 10), at(3, 5)]
    walk = largest_gap(picks, SMALL)
    # aisle 2's gaps: 2.5 (front to bay 2), 8 (bay 2 to bay 10), 1.5 (bay 10 to back): skip the 8.
    # up aisle 1 (12), back to 2 (4), down to 10.5 and back (3), back to 3 (4), down aisle 3 (12),
    # front to 2 (4), up to 2.5 and back (5), front to the depot (4)
    assert walk.length == pytest.approx(12 + 4 + 3 + 4 + 12 + 4 + 5 + 4)
    assert walk.order == (at(1, 3), at(2, 10), at(3, 5), at(2, 2))


def test_largest_gap_with_one_pick_aisle_is_a_return_trip():
    assert largest_gap([at(3, 4), at(3, 7)], SMALL).length == pytest.approx(8 + 2 * 7.5 + 8)


# --- the exact router ----------------------------------------------------------------------------

def test_one_pick_in_the_depot_aisle_is_walked_to_and_back():
    assert optimal([at(1, 5)], SMALL) == ((at(1, 5),), pytest.approx(11.0))


def test_deep_picks_in_two_aisles_are_reached_through_the_aisles_not_back_and_forth():
    walk = optimal([at(1, 10), at(2, 10)], SMALL)
    assert walk.length == pytest.approx(12 + 4 + 12 + 4)  # against 2 * 21 + 8 = 50 by return trips
    assert walk.order == (at(1, 10), at(2, 10))


def test_nothing_to_pick_is_no_walk():
    assert optimal([], SMALL) == ((), 0.0) and route_order([]) == []


@pytest.mark.parametrize("layout", [SMALL, MIDDLE_DEPOT, TWO_ZONES_GAP, DEMO_LAYOUT], ids=lambda l: f"depot{l.depot_aisle}")
def test_the_router_matches_brute_force_on_seeded_lists_of_up_to_eight_spots(layout):
    rng = random.Random(layout.depot_aisle * 7919)
    every = [Spot(a, layout.cross_aisle_width_m / 2 + (p - 0.5) * layout.bay_width_m)
             for a in range(1, layout.aisles + 1) for p in range(1, layout.positions_per_aisle + 1)]
    for size in (1, 2, 3, 4, 5, 6, 7, 8, 8, 8):
        spots = rng.sample(every, size)
        walk = optimal(spots, layout)
        best = brute_force(spots, layout)
        assert walk.length == pytest.approx(best), spots
        assert tour_length(walk.order, layout) == pytest.approx(best), spots  # the order, walked, is that short
        assert sorted(walk.order) == sorted(spots)


@st.composite
def floor_and_spots(draw):
    layout = draw(st.sampled_from([SMALL, MIDDLE_DEPOT, TWO_ZONES_GAP, DEMO_LAYOUT]))
    aisle = st.integers(1, layout.aisles)
    position = st.integers(1, layout.positions_per_aisle)
    spots = draw(st.lists(st.tuples(aisle, position), min_size=1, max_size=6, unique=True))
    return layout, [Spot(a, layout.cross_aisle_width_m / 2 + (p - 0.5) * layout.bay_width_m) for a, p in spots]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(floor_and_spots())
def test_the_router_is_never_beaten_by_any_visiting_order(case):
    layout, spots = case
    walk = optimal(spots, layout)
    best = brute_force(spots, layout)
    assert walk.length == pytest.approx(best)
    assert tour_length(walk.order, layout) == pytest.approx(best)
    assert s_shape(spots, layout).length >= best - 1e-9 and largest_gap(spots, layout).length >= best - 1e-9
    # the heuristics' orders, walked leg by leg, are no longer than the heuristics say
    assert tour_length(s_shape(spots, layout).order, layout) <= s_shape(spots, layout).length + 1e-9
    assert tour_length(largest_gap(spots, layout).order, layout) <= largest_gap(spots, layout).length + 1e-9


# --- what the product calls ----------------------------------------------------------------------

DEMO_CODES = [row["code"] for row in bin_rows(1, 400)]


def test_route_order_never_walks_longer_than_the_entry_order_or_the_serpentine():
    rng = random.Random(6)
    for _ in range(200):
        codes = rng.sample(DEMO_CODES, rng.randint(5, 30))
        routed = tour_length([DEMO_LAYOUT.spot_of_code(c) for c in route_order(codes)])
        entry = tour_length([DEMO_LAYOUT.spot_of_code(c) for c in codes])
        serpentine = tour_length([DEMO_LAYOUT.spot_of_code(c) for c in sorted(codes, key=walk_key_of_code)])
        spots = {DEMO_LAYOUT.spot_of_code(c) for c in codes}
        assert routed <= min(entry, serpentine, s_shape(spots).length, largest_gap(spots).length) + 1e-9
        assert routed == pytest.approx(optimal(spots).length)


def test_route_order_depends_on_the_set_of_bins_not_on_the_order_they_come_in():
    rng = random.Random(7)
    for _ in range(50):
        codes = rng.sample(DEMO_CODES, rng.randint(2, 30)) + ["nowhere", "A-09-01-1"]
        first = route_order(codes)
        shuffled = codes[:]
        rng.shuffle(shuffled)
        R._optimal_order.cache_clear()
        again = route_order(shuffled)
        assert sorted(first) == sorted(codes)
        assert [c for c in again if parse_bin(c)] == [c for c in first if parse_bin(c)]


def test_levels_of_one_bay_are_picked_together_lowest_first():
    assert route_order(["A-01-03-3", "A-02-05-1", "A-01-03-1", "A-01-03-2"]) == [
        "A-01-03-1", "A-01-03-2", "A-01-03-3", "A-02-05-1"]


def test_a_bin_given_twice_is_walked_to_once():
    assert route_order(["A-02-05-1", "A-01-03-1", "A-02-05-1"]) == ["A-01-03-1", "A-02-05-1"]


def test_off_layout_bins_follow_in_serpentine_order_and_malformed_codes_go_last_as_given():
    codes = ["zz", "A-07-02-1", "A-06-02-1", "", "B-01-01-1", "A-06-09-1", "A-1-x-2"]
    # aisles 6 and 7 are not on the demo floor (4 aisles a zone): the old order, aisle 6 walked down
    assert route_order(codes) == ["B-01-01-1", "A-06-09-1", "A-06-02-1", "A-07-02-1", "zz", "", "A-1-x-2"]


def test_sort_by_route_keeps_items_at_one_bin_in_the_order_they_came_in():
    items = [("order 1", "A-02-05-1"), ("order 2", "A-01-03-1"), ("order 2", "A-02-05-1"), ("order 3", "??")]
    assert sort_by_route(items, lambda item: item[1]) == [
        ("order 2", "A-01-03-1"), ("order 1", "A-02-05-1"), ("order 2", "A-02-05-1"), ("order 3", "??")]


def test_a_walk_and_its_reverse_are_equally_long_the_one_starting_at_the_lowest_aisle_is_given():
    # depot at aisle 1: going out along the front to aisle 12 first would be the same length
    assert route_order(["C-04-01-1", "A-01-12-1", "B-01-06-1"])[0] == "A-01-12-1"
