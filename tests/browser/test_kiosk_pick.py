"""The pick screen's keys in headless chromium, French and English (issue 6): the bin to scan
first, a quantity typed for multiples and a bin declared short with its reason, each sent as the
line's key; the kiosk fixture (a real station UI server over a board) is the states test's."""
from __future__ import annotations

import pytest

from tests.browser.test_kiosk_states import kiosk  # noqa: F401 - the fixture
from wire.contract import ScreenState
from wire.texts import text

pytestmark = pytest.mark.browser

LINE = {"id": 31, "bin": "A-01-02-1", "name": "Lampe", "sku": "SKU-00042", "quantity": 6, "done": 1, "short": 0}
TASK = {"id": 7, "kind": "pick", "order": "CO-0000012", "lines": [LINE], "next": LINE, "scan_bin": True,
        "at_bin": None, "short": False, "progress": {"done": 1, "total": 6}}


def test_the_pick_line_offers_a_typed_quantity_and_short_keys_in_the_station_language(kiosk):  # noqa: F811
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.PICK, task=TASK, actions=["quantity", "short"])
    keys = page.locator("#pick-keys")
    expect(page.locator("#scan-bin")).to_have_text(f"{text('kiosk.scan_bin', locale)} A-01-02-1")
    expect(keys.locator("button.pick-key")).to_have_text(text("kiosk.action.quantity", locale))
    expect(keys.locator("button.short-key")).to_have_text(
        [f"{text('kiosk.action.short', locale)} : {text(f'kiosk.short.{reason}', locale)}"
         for reason in ("empty", "short", "damaged")])
    expect(page.locator("#actions button")).to_have_count(0)  # drawn on the line, not twice

    keys.locator("button.pick-key").click()  # nothing typed: nothing sent
    keys.locator("input.pick-qty").fill("4")
    keys.locator("button.pick-key").click()
    page.wait_for_function("() => document.querySelector('button.pick-key').disabled")
    keys.locator("button.short-key").nth(1).click()
    page.wait_for_function("() => document.querySelectorAll('button.short-key')[1].disabled")
    deadline_polls = 50
    while len(core.actions) < 2 and deadline_polls:
        page.wait_for_timeout(100)
        deadline_polls -= 1
    assert core.actions == ["quantity", "short"]
    assert core.action_params == [{"line_id": 31, "quantity": 4}, {"line_id": 31, "reason": "short"}]


def test_the_carts_next_unit_offers_short_keys_but_no_typed_quantity(kiosk):  # noqa: F811
    from playwright.sync_api import expect

    page, core, locale = kiosk
    following = {"id": 41, "bin": "A-02-05-1", "name": "Mug", "sku": "SKU-00077", "quantity": 1, "done": 0,
                 "slot": 2, "tote": "TOTE-0002", "order": "CO-0000022"}
    core.draw(ScreenState.BATCH_PICK, batch={"orders": [], "next": following, "put": None}, actions=["short"])
    keys = page.locator("#batch #pick-keys")
    expect(keys.locator("button.short-key")).to_have_count(3)
    expect(keys.locator("button.pick-key")).to_have_count(0)
    keys.locator("button.short-key").first.click()
    page.wait_for_function("() => document.querySelector('#batch button.short-key').disabled")
    polls = 50
    while not core.actions and polls:
        page.wait_for_timeout(100)
        polls -= 1
    assert core.actions == ["short"] and core.action_params == [{"line_id": 41, "reason": "empty"}]
