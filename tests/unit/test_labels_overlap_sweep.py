"""Canvas.check's top-to-bottom sweep finds exactly the overlaps a check of every pair finds.

The sweep stops looking once a field starts below another's bottom edge; these cases (random
boxes, many touching or of zero height, reverse text on fills) hold it to the plain rule.
"""

from __future__ import annotations

import random

import pytest

from labels.layout import Box, Canvas, LayoutError, Placed, _allowed


def every_pair_overlaps(placed: list[Placed]) -> bool:
    return any(a.box.overlaps(b.box) and not _allowed(a, b)
               for i, a in enumerate(placed) for b in placed[i + 1:])


def random_field(rng: random.Random, n: int) -> Placed:
    kind = rng.choice(["text", "text", "rule", "fill", "barcode"])
    x, y = rng.randrange(0, 500, 10), rng.randrange(0, 1100, 10)  # all on the label
    w, h = rng.choice([0, 10, 20, 50, 100, 300]), rng.choice([0, 10, 20, 40, 100])
    return Placed(kind, f"{kind}{n}", Box(x, y, w, h), reverse=kind == "text" and rng.random() < 0.3)


@pytest.mark.parametrize("seed", range(300))
def test_the_sweep_agrees_with_every_pair(seed):
    rng = random.Random(seed)
    canvas = Canvas("4x6", 203)
    canvas.placed = [random_field(rng, n) for n in range(rng.randrange(2, 12))]
    expected = every_pair_overlaps(canvas.placed)
    if expected:
        with pytest.raises(LayoutError, match="overlaps"):
            canvas.check()
    else:
        canvas.check()


def test_a_zero_height_rule_on_the_top_edge_of_a_field_is_not_an_overlap():
    canvas = Canvas("4x6", 203)
    canvas.placed = [Placed("text", "a", Box(10, 100, 200, 40)), Placed("rule", "b", Box(10, 100, 200, 0))]
    canvas.check()
    canvas.placed.append(Placed("rule", "c", Box(10, 139, 200, 2)))
    with pytest.raises(LayoutError, match="overlaps"):
        canvas.check()
