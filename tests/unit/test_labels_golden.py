"""The label build gives, byte for byte, the labels it gave before it was made faster.

tests/fixtures/labels_golden.json was written by tests/labels_corpus/golden.py from the code as it
was before the speed work (commit "labels: golden corpus ..."); any change of a label's bytes,
wanted or not, shows here by name. A deliberate layout change rewrites the fixture
(``python -m tests.labels_corpus.golden``) in the same commit, and says why.
"""

from __future__ import annotations

import hashlib
import json

from tests.labels_corpus.golden import GOLDEN, labels


def test_every_label_of_the_corpus_is_byte_identical_to_the_golden_digest():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    built = {name: hashlib.sha256(zpl).hexdigest() for name, zpl in labels()}
    assert set(built) == set(expected)
    changed = sorted(name for name in built if built[name] != expected[name])
    assert not changed, f"{len(changed)} labels changed, first: {changed[:5]}"


def test_building_twice_gives_the_same_bytes():
    # The caches that make building fast must never leak one label's state into the next.
    first = dict(labels())
    assert dict(labels()) == first
