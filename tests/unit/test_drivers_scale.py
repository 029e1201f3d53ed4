"""Scale lines as MT-SICS and continuous-output indicators send them (issue 12): parsing,
unit conversion, framing of split and noisy input, and stable-weight detection."""
from __future__ import annotations

import pytest

from station.drivers.scale import LineFramer, Reading, Settle, parse_continuous, parse_sics, to_grams


@pytest.mark.parametrize("line, reading", [
    ("S S      1.234 kg", Reading(1234, stable=True)),
    ("S S    100.00 g", Reading(100, stable=True)),
    ("S D      1.230 kg", Reading(1230, stable=False)),
    ("S S     -0.004 kg", Reading(-4, stable=True)),
    ("S S      2.500 lb", Reading(1134, stable=True)),
    ("S I", Reading(None, error="busy")),
    ("S +", Reading(None, error="overload")),
    ("S -", Reading(None, error="underload")),
    ("ES", Reading(None, error="syntax_error")),
    ("ET", Reading(None, error="transmission_error")),
    ("EL", Reading(None, error="logical_error")),
])
def test_mt_sics_answers(line, reading):
    assert parse_sics(line) == reading


@pytest.mark.parametrize("line", ["", "S", "S S", "S S 1.2.3 kg", "S S 1.234 tons", "SI", "Z A", "ST,GS,+1.0kg",
                                  "S X 1.0 kg", "S S ١.٢ kg"])
def test_anything_else_is_not_a_weight(line):
    assert parse_sics(line) is None


@pytest.mark.parametrize("line, reading", [
    ("ST,GS,+  1.234kg", Reading(1234, stable=True)),
    ("US,GS,+  1.230kg", Reading(1230, stable=False)),
    ("ST,NT,-  0.010kg", Reading(-10, stable=True)),
    ("ST,GS,+00250.0 g", Reading(250, stable=True)),
    ("OL,GS,+  9.999kg", Reading(None, error="overload")),
])
def test_continuous_lines(line, reading):
    assert parse_continuous(line) == reading


@pytest.mark.parametrize("line", ["ST,GS,", "XX,GS,+1.0kg", "ST,GS,+1.0 stone", "S S 1.000 kg", "garbage"])
def test_continuous_noise(line):
    assert parse_continuous(line) is None


def test_grams_are_rounded_from_any_unit():
    assert to_grams("1.2346", "kg") == 1235
    assert to_grams("1", "oz") == 28
    assert to_grams("x", "kg") is None
    assert to_grams("1", "stone") is None


def test_lines_split_anywhere_are_joined_and_noise_dropped():
    framer = LineFramer()
    assert framer.feed(b"S S    ") == []
    assert framer.feed(b"  1.234 k") == []
    assert framer.feed(b"g\r\nS I\r") == ["S S      1.234 kg"]
    assert framer.feed(b"\n\xff\xfe\r\n\r\n") == ["S I"]  # undecodable noise, an empty line: nothing
    assert framer.feed(b"x" * 500 + b"\r\nES\r\n") == ["ES"]  # over-long: dropped whole


def test_stable_needs_flagged_readings_in_a_row_within_tolerance():
    settle = Settle(needed=3, tolerance=2)
    stream = [Reading(1200, True), Reading(1234, True), Reading(1235, False),  # set down, still moving
              Reading(1234, True), Reading(1235, True)]
    assert [settle.add(reading) for reading in stream] == [None] * 5
    assert settle.add(Reading(1236, True)) == 1235
    assert settle.add(Reading(1300, True)) is None  # a hand on the box: not within tolerance
    assert settle.add(Reading(None, error="overload")) is None
