"""Every word the station and its kiosk draw is in the one catalog, in both languages."""

import os
import re

import pytest

from wire.contract import PRINTER_PROBLEMS, Action, ScreenState
from wire.texts import CATALOG, LOCALES, placeholders

KIOSK_UI = os.path.join(os.path.dirname(__file__), "..", "..", "station", "ui")
KIOSK_SCRIPTS = ("station.js", "pack.js", "returns.js")  # every script of the page draws with K
STATION_MESSAGES = ("scan_incomplete", "scan_too_long", "scan_dead_lettered", "scan_no_answer", "action_not_sent")


def assert_in_both_locales(key):
    assert key in CATALOG, f"{key} missing from wire/texts.py"
    assert set(LOCALES) <= set(CATALOG[key]), f"{key} lacks a language"
    fr, *others = (placeholders(key, locale) for locale in LOCALES)
    assert all(other == fr for other in others), f"{key}: placeholders differ between languages"


@pytest.mark.parametrize("state", list(ScreenState))
def test_every_screen_state_has_its_title(state):
    assert_in_both_locales(f"state.{state}")


@pytest.mark.parametrize("action", list(Action))
def test_every_operator_key_has_its_label(action):
    assert_in_both_locales(f"kiosk.action.{action}")


@pytest.mark.parametrize("problem", PRINTER_PROBLEMS + ("offline", "not_ready"))
def test_every_printer_problem_is_said_in_words(problem):
    assert_in_both_locales(f"printer.{problem}")


@pytest.mark.parametrize("key", STATION_MESSAGES)
def test_the_station_own_messages_are_in_the_catalog(key):
    assert_in_both_locales(key)


def test_every_word_the_kiosk_script_uses_is_in_the_catalog():
    script = ""
    for name in KIOSK_SCRIPTS:
        with open(os.path.join(KIOSK_UI, name), encoding="utf-8") as handle:
            script += handle.read()
    used = {f"kiosk.{name}" for name in re.findall(r"\bK\.(\w+)", script)}
    used |= {f"printer.{name}" for name in re.findall(r"\bT\.printer\.(\w+)", script)}
    assert len(used) > 15  # the pattern still finds the script's words
    for key in sorted(used):
        assert_in_both_locales(key)
