"""The returns desk's kiosk in headless Debian chromium, FR and EN: each unit's grade and where
it went, the unit in hand, the bin to scan, the refund (an estimate before grading, then the
one recorded with its status), the order's earlier returns, and the grade keys."""
from __future__ import annotations

import pytest

from tests.browser.test_kiosk_states import RMA, BoardCore, kiosk  # noqa: F401 - the kiosk fixture
from wire.contract import ScreenState
from wire.texts import text

pytestmark = pytest.mark.browser

GRADED = {**RMA, "unit": 2, "put": {"line_id": 1, "bin": "A-01-02-1"},
          "lines": [{"id": 1, "sku": "SKU-00042", "name": "Lampe", "quantity": 1, "unit_price_cents": 2490,
                     "reason": "damaged", "grade": "damaged", "location": "Q-RETOURS"},
                    {"id": 2, "sku": "SKU-00077", "name": "Mug", "quantity": 1, "unit_price_cents": 990,
                     "reason": "wrong_size", "grade": None, "location": None}],
          "refund": {"amount_cents": 3480, "currency": "EUR", "quote": {"graded": False}, "recorded": None},
          "history": [{"rma": "RMA00000007", "status": "refunded", "units": 2, "received_at": None,
                       "refund": {"status": "paid", "amount_cents": 1990}}]}


def test_the_inspection_shows_grades_the_unit_in_hand_the_bin_and_an_estimated_refund(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.RETURN_INSPECT, rma=GRADED, actions=["resellable", "damaged", "done"])
    rma = page.locator("#rma")
    expect(rma.locator("tr").nth(1)).to_contain_text(f"{text('kiosk.grade.damaged', locale)} · Q-RETOURS")
    expect(rma.locator("tr.in-hand")).to_contain_text("Mug")
    expect(page.locator("#rma-put")).to_contain_text("A-01-02-1")
    expect(page.locator("#rma-refund")).to_contain_text(text("kiosk.refund_estimate", locale))
    expect(page.locator("#rma-history")).to_contain_text("RMA00000007")
    expect(page.locator("#rma-history")).to_contain_text(text("kiosk.return_status.refunded", locale))
    page.get_by_role("button", name=text("kiosk.action.resellable", locale)).click()
    expect(page.get_by_role("button", name=text("kiosk.action.damaged", locale))).to_be_visible()
    for _ in range(100):  # the key's POST reaches the station's core
        if "resellable" in core.actions:
            break
        page.wait_for_timeout(50)
    assert core.actions == ["resellable"]


def test_the_refund_recorded_shows_its_status(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    recorded = {**GRADED, "unit": None, "put": None,
                "refund": {"amount_cents": 3480, "currency": "EUR", "quote": {"graded": True},
                           "recorded": {"status": "awaiting_approval", "amount_cents": 3480, "currency": "EUR"}}}
    core.draw(ScreenState.RETURN_INSPECT, rma=recorded, actions=["done"])
    expect(page.locator("#rma-refund")).to_contain_text(text("kiosk.refund_status.awaiting_approval", locale))
    expect(page.locator("#rma-refund")).to_contain_text(text("kiosk.refund_recorded", locale))


def _sent(page, core, name):
    for _ in range(100):  # the key's POST reaches the station's core
        if name in core.actions:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{name} never reached the core: {core.actions}")


def test_a_note_typed_on_the_unit_in_hand_goes_with_its_grade(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.RETURN_INSPECT, rma={**GRADED, "put": None}, actions=["resellable", "damaged", "done"])
    note = page.get_by_label(text("kiosk.note", locale))
    expect(note).to_be_visible()
    note.fill("  rayure sur le pied  ")
    page.get_by_role("button", name=text("kiosk.action.damaged", locale)).click()
    _sent(page, core, "damaged")
    assert core.action_params == [{"note": "rayure sur le pied"}]
    core.draw(ScreenState.RETURN_INSPECT, rma={**GRADED, "unit": None, "put": None}, actions=["done"])
    expect(page.locator("#rma-note")).to_be_hidden()  # no unit in hand: nothing to note


def test_an_extra_item_is_accepted_with_the_reason_chosen(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.RETURN_INSPECT, rma={**GRADED, "unit": None, "put": None},
              actions=["resellable", "damaged", "extra", "done"])
    page.get_by_role("button", name=text("kiosk.action.extra", locale)).click()
    reasons = page.locator("#extra-reasons")
    expect(reasons).to_contain_text(text("kiosk.extra_reason", locale))
    assert reasons.locator("button").count() == 7  # the RMA's reasons, all of them
    reasons.get_by_role("button", name=text("kiosk.reason.wrong_item", locale)).click()
    _sent(page, core, "extra")
    assert core.action_params == [{"reason": "wrong_item"}]
    expect(reasons).to_be_hidden()
