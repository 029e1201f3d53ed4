"""The packing bench's kiosk (issue 12) in headless Debian chromium, in French and English:
the operator, the next expected scan, each line with its barcode's picture, the boxes with
the one proposed, the weight expected, the parcel shipped, the hand-over reasons, the last
error, the scans queued, a printer fault across the whole header. Screenshots of the green,
red, amber and printer-fault screens go to var/screenshots/ (not committed)."""
from __future__ import annotations

import pathlib

import pytest

from tests.browser.test_kiosk_states import PACK_TASK, kiosk  # noqa: F401  (the fixture)
from wire.contract import ScreenState
from wire.texts import text

pytestmark = pytest.mark.browser
SHOTS = pathlib.Path(__file__).resolve().parents[2] / "var" / "screenshots"
LINES = [{"id": 1, "sku": "SKU-00042", "name": "Lampe", "gtin": "4006381333931", "quantity": 2, "done": 2},
         {"id": 2, "sku": "SKU-00077", "name": "Mug", "gtin": "3760123456784", "quantity": 1, "done": 0}]
TASK = {**PACK_TASK, "lines": LINES, "progress": {"done": 2, "total": 3}}
SOPHIE = {"name": "Sophie", "locale": None}
BOXES = {"next": "box", "boxes": [{"code": "BOX-S", "label": "BOX-S (20×15×10 cm)"},
                                  {"code": "BOX-M", "label": "BOX-M (40×30×20 cm)"}], "proposed": "BOX-S", "box": None}


def message(level: str, code: str, locale: str, **params) -> dict:
    return {"level": level, "code": code, "text": text(code, locale, **params)}


def shoot(page, name: str, locale: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pack-{name}-{locale}.png"), full_page=True)


def test_the_pack_bench_in_green_red_amber_and_with_a_printer_fault(kiosk):  # noqa: F811
    from playwright.sync_api import expect

    page, core, locale = kiosk
    operator = {**SOPHIE, "locale": locale}
    core.draw(ScreenState.PACK, scenario="pack", task=TASK, operator=operator, pack={"next": "item"},
              message=message("ok", "item_ok", locale, name="Lampe"))
    expect(page.locator("#operator")).to_have_text(f'{text("kiosk.operator", locale)} — Sophie')
    expect(page.locator("#next-scan")).to_contain_text(text("kiosk.next.item", locale))
    pictures = page.locator("#task img.barcode")
    expect(pictures).to_have_count(2)
    # Each picture drawn (not a broken image): waited for, since an <img> loads after it is added
    # (read at once, a picture still loading failed this now and then on a busy machine).
    page.wait_for_function("() => [...document.querySelectorAll('#task img.barcode')]"
                           ".every(i => i.complete && i.naturalWidth > 0)", timeout=10_000)
    expect(page.locator("#message")).to_have_class("message ok flash")
    shoot(page, "green", locale)

    core.draw(ScreenState.PACK, scenario="pack", task=TASK, operator=operator, pack={"next": "item"},
              message=message("error", "item_of_other_order", locale, order="CO-0000055"))
    expect(page.locator("#message")).to_have_attribute("data-code", "item_of_other_order")
    expect(page.locator("#message")).to_have_css("background-color", "rgb(198, 40, 40)")
    shoot(page, "red", locale)

    core.draw(ScreenState.CHOOSE_BOX, scenario="pack", task=TASK, operator=operator, pack=BOXES,
              actions=["box", "hand_over"], message=message("ok", "choose_box", locale, box="BOX-S (20×15×10 cm)"))
    expect(page.locator("#last-error")).to_contain_text(text("item_of_other_order", locale, order="CO-0000055"))
    expect(page.locator("#boxes .box-key.proposed")).to_contain_text("BOX-S")
    with page.expect_response(lambda response: response.url.endswith("/action")):
        page.click("#boxes .box-key[data-box='BOX-M']")
    assert core.action_params[-1] == {"box": "BOX-M"}
    with page.expect_response(lambda response: response.url.endswith("/action")):
        page.click("#parcels-key")  # an order too big for one box
    assert core.actions[-1] == "parcels" and core.action_params[-1] == {"count": 2}

    core.draw(ScreenState.PACK, scenario="pack", task=TASK, operator=operator, pack={"next": "item"},
              actions=["hand_over"], message=message("warn", "handed_over", locale, order="CO-0000013", reason="damaged"))
    expect(page.locator("#message")).to_have_css("background-color", "rgb(255, 160, 0)")
    shoot(page, "amber", locale)
    page.click("#actions button[data-action=hand_over]")
    expect(page.locator("#hand-over button")).to_have_count(4)
    with page.expect_response(lambda response: response.url.endswith("/action")):
        page.click("#hand-over button[data-reason=missing]")
    assert core.actions[-1] == "hand_over" and core.action_params[-1] == {"reason": "missing"}

    core.draw(ScreenState.PRINT_LABEL, scenario="pack", task=TASK, operator=operator)
    core.board.set(printer={"online": True, "ready": False, "paper_out": True, "paused": False, "head_open": False,
                            "ribbon_out": False, "detail": ""})
    banner = page.locator("#printer-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(text("printer.paper_out", locale))
    assert page.eval_on_selector("header", "node => getComputedStyle(node).backgroundColor") == "rgb(198, 40, 40)"
    shoot(page, "printer-fault", locale)


def test_weighing_without_a_scale_takes_a_typed_weight_and_idle_shows_the_parcel_shipped(kiosk):  # noqa: F811
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.WEIGH, scenario="pack", task=TASK, actions=["weigh", "hand_over"],
              pack={"next": "scale", "box": "BOX-S", "expected_g": 1200, "parcels": 2, "weighed": 1,
                    "contents": [{"sku": "LAMP-01", "name": "Lampe", "quantity": 1}], "parcel_expected_g": 500})
    expect(page.locator("#pack")).to_contain_text("500 g")  # this parcel's weight, not the order's
    expect(page.locator("#pack")).to_contain_text("2 / 2")  # the second parcel of two on the scale
    # What goes in this parcel (issue 12: recorded as shown).
    expect(page.locator("#parcel-contents")).to_contain_text(text("kiosk.parcel_contents", locale))
    expect(page.locator("#parcel-contents li")).to_have_text("1 × Lampe LAMP-01")
    expect(page.locator("#actions button[data-action=weigh]")).to_have_count(0)  # typed below instead
    expect(page.locator("#operator")).to_contain_text(text("kiosk.nobody", locale))
    page.fill("#grams", "1212")
    with page.expect_response(lambda response: response.url.endswith("/action")):
        page.click("#weigh-key")
    assert core.action_params[-1] == {"grams": 1212}
    core.draw(ScreenState.IDLE, scenario="pack", pack={"next": "tote", "last": {
        "order": "CO-0000013", "carrier": "Colissimo", "tracking": "6A00000000013"}})
    expect(page.locator("#shipped")).to_contain_text("6A00000000013")
    expect(page.locator("#next-scan")).to_contain_text(text("kiosk.next.tote", locale))
    core.board.set(waiting_scans=2)
    expect(page.locator("#queued")).to_have_text(text("kiosk.queued", locale, n=2))
    scale = page.locator("#scale")
    expect(scale).to_be_hidden()  # no scale at this bench
    core.board.set(scale={"connected": False, "port": "/dev/ttyUSB1", "detail": "unplugged"})
    expect(scale).to_have_text(f'{text("kiosk.scale", locale)} — '
                               f'{text("kiosk.scale_disconnected", locale, port="/dev/ttyUSB1")}')
    expect(scale).to_have_class("problem")
    core.board.set(scale={"connected": True, "port": "/dev/ttyUSB1", "detail": ""})
    expect(scale).not_to_have_class("problem")


def test_the_page_speaks_the_language_of_the_operator_signed_in(kiosk):  # noqa: F811
    from playwright.sync_api import expect

    page, core, locale = kiosk
    other = "en" if locale == "fr" else "fr"
    core.draw(ScreenState.PACK, scenario="pack", task=TASK, operator={"name": "Sophie", "locale": other})
    expect(page.locator("html")).to_have_attribute("lang", other, timeout=10_000)  # reloaded in theirs
    expect(page.locator("#state-title")).to_have_text(text("state.pack", other))
    core.draw(ScreenState.IDLE, scenario="pack", operator=None)  # signed out: the station's again
    expect(page.locator("html")).to_have_attribute("lang", locale, timeout=10_000)
