"""The layout's fast forms equal the plain ones: text_width from one cached sum per text, and the
overlap check that sorts fields left to right."""
from __future__ import annotations

import math

from hypothesis import given, strategies as st

from labels.fonts import advance, text_width


@given(st.text(max_size=80), st.integers(min_value=1, max_value=400))
def test_text_width_is_the_sum_of_the_glyph_advances(text, width):
    assert text_width(text, width) == math.ceil(sum(advance(ch, width) for ch in text))


boxes = st.lists(st.tuples(st.integers(0, 700), st.integers(0, 1100), st.integers(1, 300), st.integers(1, 300)),
                 max_size=25)


@given(boxes)
def test_the_sorted_overlap_check_finds_exactly_the_pairs_a_plain_check_finds(rects):
    from labels.layout import Box, Canvas, LayoutError

    canvas = Canvas("4x6", 203)
    for i, (x, y, w, h) in enumerate(rects):
        canvas.rule(f"r{i}", x, y, min(w, canvas.width - x), min(h, canvas.height - y))
    placed = [p.box for p in canvas.placed]
    plain = any(a.overlaps(b) for i, a in enumerate(placed) for b in placed[i + 1:])
    try:
        canvas.check()
        found = False
    except LayoutError:
        found = True
    assert found == plain
    assert all(isinstance(box, Box) for box in placed)
