"""text_width's fast form (one cached sum per text) equals the plain per-glyph sum of advance()."""
from __future__ import annotations

import math

from hypothesis import given, strategies as st

from labels.fonts import advance, text_width


@given(st.text(max_size=80), st.integers(min_value=1, max_value=400))
def test_text_width_is_the_sum_of_the_glyph_advances(text, width):
    assert text_width(text, width) == math.ceil(sum(advance(ch, width) for ch in text))
