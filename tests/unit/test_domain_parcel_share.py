"""Sharing an order's units out over its parcels (issue 12, server/domain/packing.py)."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.packing import share_out


def test_heavy_units_are_spread_and_light_ones_fill_up_the_lighter_box():
    units = [("LAMP", 400), ("LAMP", 400), ("MUG", 300)]
    assert share_out(units, 2) == [{"LAMP": 1, "MUG": 1}, {"LAMP": 1}]  # a tie: the lower number
    assert share_out([("BOOK", 900), ("MUG", 300), ("MUG", 300), ("PEN", 20)], 2) == [{"BOOK": 1}, {"MUG": 2, "PEN": 1}]
    assert share_out(units, 1) == [{"LAMP": 2, "MUG": 1}]
    assert share_out(units, 3) == [{"LAMP": 1}, {"LAMP": 1}, {"MUG": 1}]


def test_weightless_units_still_give_every_parcel_one():
    assert share_out([("CARD", 0), ("CARD", 0), ("CARD", 0)], 3) == [{"CARD": 1}, {"CARD": 1}, {"CARD": 1}]


@pytest.mark.parametrize("parcels", [0, 4, -1])
def test_no_empty_parcel_and_never_none(parcels):
    with pytest.raises(ValueError):
        share_out([("LAMP", 400), ("LAMP", 400), ("MUG", 300)], parcels)


PRODUCTS = {"A": 0, "B": 35, "C": 400, "D": 4_800}  # one weight per product, as in the catalog


@given(st.lists(st.sampled_from(sorted(PRODUCTS)), min_size=1, max_size=40), st.data())
def test_every_unit_goes_in_exactly_one_parcel_and_the_parcels_weigh_about_the_same(keys, data):
    units = [(key, PRODUCTS[key]) for key in keys]
    parcels = data.draw(st.integers(1, len(units)))
    boxes = share_out(units, parcels)
    assert len(boxes) == parcels and all(sum(box.values()) >= 1 for box in boxes)
    assert sum((Counter(box) for box in boxes), Counter()) == Counter(keys)
    loads = [sum(PRODUCTS[key] * count for key, count in box.items()) for box in boxes]
    # Heaviest first into the lightest box: two boxes never differ by more than the heaviest unit.
    assert max(loads) - min(loads) <= max(PRODUCTS[key] for key in keys)
    assert share_out(list(reversed(units)), parcels) == boxes  # the same order always shares out the same way
