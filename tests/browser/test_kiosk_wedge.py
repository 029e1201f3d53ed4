"""Keyboard-wedge (HID) scanners in the kiosk (issue 12), in headless Debian chromium.

The keys are sent through the DevTools protocol as the operating system would deliver them:
the physical key a US-layout scanner presses (``code``) with the character the PC's own
layout makes of it (``key``/``text``): on AZERTY the scanner's "4" arrives as "'". Each key
carries its own timestamp, so a burst (5 ms apart) and a person typing (150 ms apart) are
told apart by the page's clock, not by how fast this machine runs.
"""
from __future__ import annotations

import pytest

from station.ui.board import ScreenBoard
from station.ui.server import UiServer
from wire.contract import ScreenState, empty_screen

pytestmark = pytest.mark.browser

GTIN = "4006381333931"
# What each layout's OS types for the US key the scanner presses: (code, shift) -> character.
AZERTY_DIGITS = dict(zip("1234567890", "&é\"'(-è_çà"))
QWERTZ_SWAPPED = {"KeyZ": "y", "KeyY": "z"}


def azerty(code: str, shift: bool) -> str:
    return AZERTY_DIGITS[code[-1]] if code.startswith("Digit") and not shift else _us(code, shift)


def qwertz(code: str, shift: bool) -> str:
    char = QWERTZ_SWAPPED.get(code)
    return (char.upper() if shift else char) if char else _us(code, shift)


def uk(code: str, shift: bool) -> str:
    return '"' if (code, shift) == ("Digit2", True) else _us(code, shift)


LAYOUTS = {"azerty": azerty, "qwertz": qwertz, "uk": uk}
US_SHIFTED = dict(zip("1234567890", "!@#$%^&*()"))


def _us(code: str, shift: bool) -> str:
    if code.startswith("Digit"):
        return US_SHIFTED[code[-1]] if shift else code[-1]
    if code.startswith("Key"):
        return code[-1] if shift else code[-1].lower()
    return {"Minus": "_" if shift else "-", "Period": ">" if shift else "."}[code]


def us_keys(text: str) -> list[tuple[str, bool]]:
    """The physical keys (code, shift) a US-layout scanner presses to type ``text``."""
    keys = []
    for char in text:
        if char.isdigit():
            keys.append((f"Digit{char}", False))
        elif char.isalpha():
            keys.append((f"Key{char.upper()}", char.isupper()))
        elif char in US_SHIFTED.values():
            digit = next(d for d, c in US_SHIFTED.items() if c == char)
            keys.append((f"Digit{digit}", True))
        else:
            keys.append(({"-": "Minus", ".": "Period"}[char], False))
    return keys


class Keyboard:
    """Trusted key events through the DevTools protocol, each with its own timestamp."""

    def __init__(self, page, layout: str):
        self.cdp = page.context.new_cdp_session(page)
        self.layout = LAYOUTS[layout]
        self.clock = 1_800_000_000.0  # seconds, as the protocol takes them

    def press(self, code: str, *, shift=False, ctrl=False, alt=False, gap_ms: float = 5, key: str | None = None):
        self.clock += gap_ms / 1000
        modifiers = (1 if alt else 0) | (2 if ctrl else 0) | (8 if shift else 0)
        if key is None:
            key = self.layout(code, shift)
        typing = not (ctrl or alt or len(key) > 1) or code in ("Enter", "Tab")
        text = "" if not typing else ("\r" if code == "Enter" else ("\t" if code == "Tab" else key))
        event = {"code": code, "key": key, "modifiers": modifiers, "timestamp": self.clock,
                 "windowsVirtualKeyCode": {"Enter": 13, "Tab": 9}.get(code, ord(key.upper()[0]))}
        self.cdp.send("Input.dispatchKeyEvent", {**event, "type": "keyDown" if text else "rawKeyDown",
                                                 **({"text": text} if text else {})})
        self.cdp.send("Input.dispatchKeyEvent", {**event, "type": "keyUp"})

    def scan(self, text: str, *, gap_ms: float = 5, terminator: str = "Enter", first_gap_ms: float = 300):
        for index, (code, shift) in enumerate(us_keys(text)):
            self.press(code, shift=shift, gap_ms=gap_ms if index else first_gap_ms)
        self.press(terminator, gap_ms=gap_ms, key=terminator)


class TickingCore:
    """A station core standing in for the server's answer: a scanned GTIN ticks its line."""

    def __init__(self):
        self.board = ScreenBoard({"code": "PACK-01", "name": None, "role": "pack", "locale": "fr"})
        self.lines = [{"id": 1, "sku": "SKU-1", "name": "Stylo", "gtin": GTIN, "quantity": 2, "done": 0}]
        self.scans: list[str] = []
        self.board.show(self._screen(None))
        self.board.set(offline=False)

    def _screen(self, message):
        done = sum(line["done"] for line in self.lines)
        task = {"id": 8, "kind": "pack", "order": "CO-0000013", "lines": self.lines,
                "progress": {"done": done, "total": 2}}
        return {**empty_screen(ScreenState.PACK), "task": task, "message": message}

    def screen(self):
        return self.board.snapshot()

    def wait_screen(self, after, timeout):
        return self.board.wait_newer(after, timeout)

    def submit_typed(self, code):
        self.scans.append(code)
        line = next((line for line in self.lines if line["gtin"] == code), None)
        if line is not None:
            line["done"] += 1
        level = "ok" if line else "error"
        self.board.show(self._screen({"level": level, "code": "item_ok" if line else "wrong_item", "text": code}))
        return type("Pending", (), {"uuid": "u"})()


@pytest.fixture
def kiosk(browser):
    core = TickingCore()
    ui = UiServer(core, port=0, poll_timeout=1.0)
    page = browser.new_page()
    page.goto(ui.url)
    page.wait_for_function("() => document.body.dataset.state === 'pack'")
    yield page, core
    page.close()
    ui.stop()


@pytest.mark.parametrize("layout", ["azerty", "qwertz", "uk"])
def test_a_wedge_scan_on_any_layout_ticks_the_line_with_no_input_focused(kiosk, layout):
    from playwright.sync_api import expect

    page, core = kiosk
    assert page.evaluate("() => document.activeElement === document.body")  # nothing focused
    keyboard = Keyboard(page, layout)
    keyboard.scan(GTIN)
    expect(page.locator("#task tr").nth(1)).to_contain_text("1 / 2")
    assert core.scans == [GTIN]
    keyboard.scan("Zy-@.Q9", terminator="Tab")  # letters QWERTZ swaps, a key UK shifts otherwise
    page.wait_for_function("() => document.getElementById('message').dataset.code === 'wrong_item'")
    assert core.scans == [GTIN, "Zy-@.Q9"]


def test_a_person_typing_is_not_a_scan_and_a_short_burst_neither(kiosk):
    page, core = kiosk
    keyboard = Keyboard(page, "azerty")
    keyboard.scan(GTIN, gap_ms=150)  # a person typing the same keys
    keyboard.scan("12", gap_ms=5)  # too short for a bar code
    keyboard.press("Digit1", gap_ms=500)  # a person's key, then a scan: the burst alone counts
    keyboard.scan(GTIN[:6], gap_ms=5, first_gap_ms=200)
    page.wait_for_timeout(300)
    assert core.scans == [GTIN[:6]]


def test_a_burst_into_a_focused_input_is_taken_back_and_the_gs1_separator_restored(kiosk):
    page, core = kiosk
    page.fill("#scan-input", "typed")
    page.focus("#scan-input")
    keyboard = Keyboard(page, "azerty")
    for code, shift in us_keys("0104006381333931"):
        keyboard.press(code, shift=shift)
    keyboard.press("BracketRight", ctrl=True, key="]")  # the scanner's GS: Ctrl+]
    for code, shift in us_keys("10LOT7"):
        keyboard.press(code, shift=shift)
    keyboard.press("Enter", key="Enter")
    page.wait_for_function("() => document.getElementById('message').dataset.code === 'wrong_item'")
    assert core.scans == ["0104006381333931\x1d10LOT7"]
    assert page.input_value("#scan-input") == "typed"  # the person's text is untouched


@pytest.mark.parametrize("setting, chords", [
    ("F8", [("F8", {})]),
    ("Alt+Numpad0,Alt+Numpad0,Alt+Numpad2,Alt+Numpad9",
     [("Numpad0", {"alt": True}), ("Numpad0", {"alt": True}), ("Numpad2", {"alt": True}), ("Numpad9", {"alt": True})]),
])
def test_the_gs1_separator_is_the_key_sequence_the_scanner_is_set_to_send(browser, setting, chords):
    core = TickingCore()
    ui = UiServer(core, port=0, poll_timeout=1.0, wedge={"gs_keys": setting})
    page = browser.new_page()
    try:
        page.goto(ui.url)
        page.wait_for_function("() => document.body.dataset.state === 'pack'")
        keyboard = Keyboard(page, "azerty")
        for code, shift in us_keys("0104006381333931"):
            keyboard.press(code, shift=shift)
        for code, held in chords:
            keyboard.press(code, alt=held.get("alt", False), key=code)
        for code, shift in us_keys("10LOT7"):
            keyboard.press(code, shift=shift)
        keyboard.press("Enter", key="Enter")
        page.wait_for_function("() => document.getElementById('message').dataset.code === 'wrong_item'")
        assert core.scans == ["0104006381333931\x1d10LOT7"]
    finally:
        page.close()
        ui.stop()
