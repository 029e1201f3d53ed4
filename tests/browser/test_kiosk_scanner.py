"""The kiosk says the serial scanner's state in words (issue 12), in headless Debian chromium:
connected with its port, red when unplugged (with the port) or when none is found, and
nothing at all for a keyboard-wedge-only station (no scanner field)."""
from __future__ import annotations

import pytest

from tests.browser.test_kiosk_states import kiosk  # noqa: F401  (the fixture: a page on a board)
from wire.texts import text

pytestmark = pytest.mark.browser


def test_the_scanner_state_is_said_with_its_port_and_red_when_unplugged(kiosk):  # noqa: F811
    from playwright.sync_api import expect

    page, core, locale = kiosk
    scanner = page.locator("#scanner")
    expect(scanner).to_be_hidden()  # no serial scanner configured: nothing to say
    core.board.set(scanner={"connected": True, "port": "/dev/ttyACM0", "detail": ""})
    expect(scanner).to_have_text(f'{text("kiosk.scanner", locale)} — '
                                 f'{text("kiosk.scanner_ok", locale, port="/dev/ttyACM0")}')
    expect(scanner).not_to_have_class("problem")
    core.board.set(scanner={"connected": False, "port": "/dev/ttyACM0", "detail": "device reports readiness"})
    expect(scanner).to_contain_text(text("kiosk.scanner_disconnected", locale, port="/dev/ttyACM0"))
    expect(scanner).to_have_class("problem")
    assert page.eval_on_selector("#scanner", "node => getComputedStyle(node).color") == "rgb(255, 138, 128)"
    core.board.set(scanner={"connected": False, "port": None, "detail": "no scanner found"})
    expect(scanner).to_contain_text(text("kiosk.scanner_not_found", locale))
    expect(scanner).to_have_class("problem")
    core.board.set(scanner={"connected": True, "port": "/dev/ttyACM1", "detail": ""})
    expect(scanner).to_contain_text("/dev/ttyACM1")
    expect(scanner).not_to_have_class("problem")
