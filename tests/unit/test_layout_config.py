"""The floor's layout from configuration (server/services/layouts.py): a TOML or JSON file, a
LAYOUT mapping, or the demo floor; anything that does not describe a floor stops the start."""
from __future__ import annotations

import pytest

from server.domain.layout import DEMO_LAYOUT, Layout
from server.services.layouts import BadLayout, layout_from_config, layout_from_file
from server.services.unit_of_work import FloorSettings
from server.config import defaults


def test_neither_file_nor_mapping_is_the_demo_floor():
    assert layout_from_config({}) is DEMO_LAYOUT
    assert FloorSettings.from_config(defaults("/tmp/instance")).layout == DEMO_LAYOUT


def test_a_toml_file_with_a_layout_table(tmp_path):
    path = tmp_path / "layout.toml"
    path.write_text('[layout]\nzones = ["A", "B"]\naisles_per_zone = 5\nbay_width_m = 1.35\n'
                    'depot_aisle = 10\npaired_faces = true\n', encoding="utf-8")
    found = layout_from_config({"LAYOUT_FILE": str(path), "LAYOUT": {"zones": ["Z"]}})  # the file wins
    assert found == Layout(zones=("A", "B"), aisles_per_zone=5, bay_width_m=1.35, depot_aisle=10, paired_faces=True)


def test_a_json_file_and_a_mapping(tmp_path):
    path = tmp_path / "floor.json"
    path.write_text('{"zones": ["C", "B", "A"], "zone_gap_m": 2.5}', encoding="utf-8")
    assert layout_from_file(path) == Layout(zones=("C", "B", "A"), zone_gap_m=2.5)
    assert layout_from_config({"LAYOUT": {"bays_per_aisle": 20}}).bays_per_aisle == 20


@pytest.mark.parametrize(("content", "suffix", "reason"), [
    ('[layout]\nzones = ["A"]\nbays_per_isle = 3\n', ".toml", "unknown layout settings: bays_per_isle"),
    ('[layout]\nzones = ["A"]\ndepot_aisle = 9\n', ".toml", "depot_aisle must be an aisle of the block"),
    ('[layout]\nzones = []\n', ".toml", "at least one zone"),
    ('[layout]\nbay_width_m = -1.2\n', ".toml", "widths are positive metres"),
    ('[layout]\nbays_per_aisle = "twelve"\n', ".toml", "layout file"),
    ('zones = ["A"\n', ".toml", "is not valid toml"),
    ('{"zones": ["A"],}', ".json", "is not valid json"),
    ('["A", "B"]', ".json", "must be a table of layout settings"),
])
def test_a_layout_that_is_not_a_floor_stops_the_start_with_the_file_and_the_reason(tmp_path, content, suffix, reason):
    path = tmp_path / f"layout{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadLayout, match=reason) as raised:
        layout_from_config({"LAYOUT_FILE": str(path)})
    assert str(path) in str(raised.value)


def test_a_missing_file_and_a_bad_mapping_are_refused(tmp_path):
    with pytest.raises(BadLayout, match="No such file"):
        layout_from_config({"LAYOUT_FILE": str(tmp_path / "nope.toml")})
    with pytest.raises(BadLayout, match="the LAYOUT setting: unknown layout settings: aisles"):
        layout_from_config({"LAYOUT": {"aisles": 12}})
