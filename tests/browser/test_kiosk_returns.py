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


def test_the_return_label_colis_made_is_drawn_beside_the_parcel_and_its_rma_reads_back(kiosk):
    import base64
    import io

    from playwright.sync_api import expect

    from labels import LabelAddress, ReturnLabelData, return_label

    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page, core, locale = kiosk
    address = LabelAddress("Zoé L'Héritier-Ñúñez", "3 rue des Lilas", "", "69003", "Lyon", "FR")
    zpl = return_label(ReturnLabelData("RMA00000042", "CO-0000012", address, address)).decode()
    opened = {**GRADED, "rma": "RMA00000042", "unit": None, "put": None, "label": {"zpl": zpl, "printed": False}}
    core.draw(ScreenState.RETURN_INSPECT, rma=opened, actions=["done"])
    picture = page.locator("#rma-label-picture")
    expect(picture).to_be_visible()
    expect(picture).to_have_attribute("alt", text("kiosk.return_label_alt", locale, rma="RMA00000042"))
    expect(page.locator("#rma-label figcaption")).to_have_text(
        f"{text('kiosk.return_label', locale)} ({text('kiosk.return_label_unprinted', locale)})")
    page.wait_for_function("() => document.getElementById('rma-label-picture').naturalWidth === 812")
    details, label = page.locator("#rma").bounding_box(), page.locator("#rma-label").bounding_box()
    assert label["x"] >= details["x"] + details["width"] and label["y"] < details["y"] + details["height"]
    # What the browser decoded, at its natural size, read back by a real decoder.
    drawn = page.evaluate("""() => { const img = document.getElementById('rma-label-picture');
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        canvas.getContext('2d').drawImage(img, 0, 0); return canvas.toDataURL('image/png'); }""")
    image = Image.open(io.BytesIO(base64.b64decode(drawn.split(",", 1)[1])))
    found = {result.text: result.symbology_identifier for result in zxingcpp.read_barcodes(image)}
    assert found.get("RMA00000042") == "]C0"
    # A unit scanned: the server sends no label again, the picture stays; the next parcel has its own.
    in_hand = {**{key: value for key, value in opened.items() if key != "label"}, "unit": 2}
    core.draw(ScreenState.RETURN_INSPECT, rma=in_hand, actions=["resellable", "damaged", "done"])
    expect(page.locator("#rma tr.in-hand")).to_contain_text("Mug")
    expect(page.locator("#rma-label")).to_be_visible()
    core.draw(ScreenState.RETURN_INSPECT, rma={**GRADED, "rma": "RMA00000043"}, actions=["done"])
    expect(page.locator("#rma-label")).to_be_hidden()
