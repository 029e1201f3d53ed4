"""The kiosk page in headless Debian chromium (Playwright, never a downloaded browser) draws
every screen state the wire contract names, in French and in English, with the catalog's
words: titles, the return inspection, the operator's keys, amber warnings, the printer's
condition, set-aside scans and the offline banner.

A real station UI server serves the page; behind it a ScreenBoard the test writes stands in
for the core, and records the keys the page sends.
"""
from __future__ import annotations

import pytest

from station.ui.board import ScreenBoard
from station.ui.server import UiServer
from wire.contract import PRINTER_STATUS_KEYS, ScreenState, empty_screen
from wire.texts import LOCALES, text

WAITING = 3

pytestmark = pytest.mark.browser

PICK_TASK = {"id": 7, "kind": "pick", "order": "CO-0000012", "lines": [],
             "next": {"bin": "A-01-02-1", "name": "Lampe", "sku": "SKU-00042", "quantity": 2, "done": 1},
             "progress": {"done": 1, "total": 2}}
PACK_TASK = {"id": 8, "kind": "pack", "order": "CO-0000013", "tote": "TOTE-0002", "progress": {"done": 1, "total": 3},
             "lines": [{"id": 1, "sku": "SKU-00042", "name": "Lampe", "quantity": 2, "done": 1}]}
RMA = {"rma": "RMA-0000042", "order": {"reference": "CO-0000012", "currency": "EUR"},
       "customer": {"name": "Camille Martin", "address": {"line1": "3 rue des Lilas", "postal_code": "69003",
                                                          "city": "Lyon", "country": "FR"}},
       "lines": [{"sku": "SKU-00042", "name": "Lampe", "quantity": 2, "unit_price_cents": 2490,
                  "reason": "damaged", "seen": 1},
                 {"sku": "SKU-00077", "name": "Mug", "quantity": 1, "unit_price_cents": 990,
                  "reason": "wrong_size", "seen": 0}],
       "refund": {"amount_cents": 5970, "currency": "EUR"}}
CART_ORDERS = [{"slot": 1, "task_id": 1, "order": "CO-0000021", "tote": "TOTE-0001",
                "progress": {"done": 1, "total": 1}},
               {"slot": 2, "task_id": 2, "order": "CO-0000022", "tote": "TOTE-0002",
                "progress": {"done": 0, "total": 2}}]
NEXT_UNIT = {"bin": "A-02-05-1", "name": "Mug", "sku": "SKU-00077", "quantity": 1, "done": 0, "slot": 2,
             "tote": "TOTE-0002", "order": "CO-0000022"}
BATCH = {"orders": CART_ORDERS, "next": NEXT_UNIT, "put": None}
COUNT_TASK = {"id": 9, "kind": "count", "order": None, "bin": "C-01-01-1", "reason": "contrôle mensuel",
              "lines": [{"id": 41, "sku": "SKU-00042", "name": "Lampe", "gtin": "3761234000422", "bin": "C-01-01-1",
                         "quantity": 5, "done": 4},
                        {"id": 42, "sku": "SKU-00077", "name": "Mug", "gtin": "3761234000439", "bin": "C-01-01-1",
                         "quantity": 3, "done": 3}],
              "next": None, "progress": {"done": 7, "total": 8}}
SAMPLES = {  # what the server sends with each state (offline is the station's own)
    ScreenState.IDLE: {},
    ScreenState.PICK: {"task": PICK_TASK},
    ScreenState.PACK: {"task": PACK_TASK},
    ScreenState.PRINT_LABEL: {"task": PACK_TASK, "print": [{"job_id": 5, "kind": "shipping", "zpl": "^XA^XZ"}]},
    ScreenState.BIND_TOTES: {"scenario": "pick_batch", "batch": {**BATCH, "next": None}},
    ScreenState.BATCH_PICK: {"scenario": "pick_batch", "batch": BATCH},
    ScreenState.PUT_TOTE: {"scenario": "pick_batch",
                           "batch": {**BATCH, "put": {"task_id": 2, "line_id": 21, "tote": "TOTE-0002", "slot": 2}}},
    ScreenState.RETURN_SCAN: {"scenario": "returns"},
    ScreenState.RETURN_INSPECT: {"scenario": "returns", "rma": RMA, "actions": ["done"]},
    ScreenState.COUNT_BIN: {"scenario": "count", "task": COUNT_TASK},
    ScreenState.COUNT: {"scenario": "count", "task": COUNT_TASK, "actions": ["count", "done"]},
    ScreenState.SIGN_IN: {"scenario": "pack", "pack": {"next": "badge"}},
    ScreenState.CHOOSE_BOX: {"scenario": "pack", "task": PACK_TASK, "actions": ["box", "hand_over"],
                             "pack": {"next": "box", "boxes": [{"code": "BOX-S", "label": "BOX-S (20×15×10 cm)"}],
                                      "proposed": "BOX-S", "box": None}},
    ScreenState.WEIGH: {"scenario": "pack", "task": PACK_TASK, "actions": ["weigh", "hand_over"],
                        "pack": {"next": "scale", "box": "BOX-S", "expected_g": 1200}},
    ScreenState.OFFLINE: {"task": PACK_TASK},
}


class BoardCore:
    """What the UI server needs of a core: the board to draw, and somewhere to send keys."""

    def __init__(self, locale: str):
        self.board = ScreenBoard({"code": "PACK-01", "name": None, "role": "pack", "locale": locale})
        self.actions: list[str] = []
        self.action_params: list[dict] = []
        self.reprints = 0

    def screen(self) -> dict:
        return self.board.snapshot()

    def wait_screen(self, after: int, timeout: float) -> dict:
        return self.board.wait_newer(after, timeout)

    def submit_typed(self, code: str):
        raise ValueError("this board takes no scans")

    def submit_action(self, name: str, params: dict | None = None) -> None:
        self.actions.append(name)
        if params:
            self.action_params.append(params)

    def reprint(self) -> None:
        self.reprints += 1

    def draw(self, state: ScreenState, **extra) -> None:
        offline = state is ScreenState.OFFLINE
        self.board.show({**empty_screen(ScreenState.IDLE if offline else state), **SAMPLES[state], **extra})
        self.board.set(offline=offline, waiting_scans=WAITING if offline else 0)


@pytest.fixture(params=LOCALES)
def kiosk(request, browser):
    core = BoardCore(request.param)
    core.draw(ScreenState.IDLE)
    ui = UiServer(core, port=0, poll_timeout=1.0)
    page = browser.new_page()
    page.goto(ui.url)
    page.wait_for_function("() => document.body.dataset.state === 'idle'")  # drawn once: new messages flash
    yield page, core, request.param
    page.close()
    ui.stop()


def test_every_screen_state_is_titled_in_the_station_language(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    expect(page.locator("html")).to_have_attribute("lang", locale)
    for state in ScreenState:
        core.draw(state)
        expect(page.locator("body")).to_have_attribute("data-state", state)
        expect(page.locator("#state-title")).to_have_text(text(f"state.{state}", locale, n=WAITING))
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#offline")).to_have_text(text("kiosk.connecting", locale))
    expect(page.locator("#task")).to_contain_text("CO-0000013")  # the last task stays, dimmed


def test_the_return_inspection_shows_reasons_received_counts_and_the_done_key(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.RETURN_INSPECT)
    rma = page.locator("#rma")
    expect(rma).to_contain_text("RMA-0000042")
    expect(rma.locator("th")).to_have_text([text(f"kiosk.{key}", locale)
                                             for key in ("item", "quantity", "received", "reason", "unit_price")])
    expect(rma.locator("tr").nth(1)).to_contain_text("1 / 2")
    expect(rma.locator("tr").nth(1)).to_contain_text(text("kiosk.reason.damaged", locale))
    expect(rma.locator("tr").nth(2)).to_contain_text(text("kiosk.reason.wrong_size", locale))
    expect(page.locator("#rma-received")).to_contain_text("1 / 3")
    done = page.locator("#actions button[data-action=done]")
    expect(done).to_have_text(text("kiosk.action.done", locale))
    with page.expect_response(lambda response: response.url.endswith("/action")) as posted:
        done.click()
    assert posted.value.status == 202
    expect(done).to_be_disabled()  # one press, one action
    assert core.actions == ["done"]


def test_the_cart_shows_the_next_bin_then_the_tote_the_unit_goes_in(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.BATCH_PICK)
    batch = page.locator("#batch")
    expect(batch).to_contain_text("A-02-05-1")
    expect(batch.locator(".batch-orders tr")).to_have_count(3)
    expect(batch.locator(".batch-orders tr").nth(1)).to_have_class("done")
    expect(batch.locator(".batch-orders tr").nth(2)).to_contain_text("2 · TOTE-0002")
    core.draw(ScreenState.PUT_TOTE)
    expect(page.locator("#put-tote")).to_contain_text(text("kiosk.put_in", locale))
    expect(page.locator("#put-tote .big").nth(1)).to_have_text("TOTE-0002")
    core.draw(ScreenState.PACK)
    expect(batch).to_be_hidden()
    expect(page.locator("#task")).to_contain_text("TOTE-0002")  # the packer finds the order's tote


def test_a_pending_label_offers_the_station_own_reprint_key(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.PRINT_LABEL)
    reprint = page.locator("#actions button[data-action=reprint]")
    expect(reprint).to_have_text(text("kiosk.action.reprint", locale))
    with page.expect_response(lambda response: response.url.endswith("/reprint")) as posted:
        reprint.click()
    assert posted.value.status == 202
    expect(reprint).to_be_disabled()
    assert core.reprints == 1 and core.actions == []


def test_a_refused_label_offers_the_backup_key_and_f8_presses_it_once(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    why = text("label_failed_backup", locale, error=text("printer.paper_out", locale), printer="ZD-SPARE")
    core.draw(ScreenState.PRINT_LABEL, actions=["backup_printer"],
              message={"level": "error", "code": "label_failed_backup", "text": why})
    expect(page.locator("#message")).to_have_text(why)  # why, in words, with the key to press
    key = page.locator("#actions button[data-action=backup_printer]")
    expect(key).to_have_text(text("kiosk.action.backup_printer", locale))
    expect(page.locator("#actions button[data-action=reprint]")).to_be_visible()  # the label is still here
    with page.expect_response(lambda response: response.url.endswith("/action")) as posted:
        page.keyboard.press("F8")
    assert posted.value.status == 202
    expect(key).to_be_disabled()  # one press, one action
    page.keyboard.press("F8")  # a second press before the next screen sends nothing
    page.wait_for_timeout(200)
    assert core.actions == ["backup_printer"] and core.reprints == 0
    # Without the key on the screen (no backup, or the label already moved), F8 does nothing.
    core.draw(ScreenState.PRINT_LABEL)
    expect(page.locator("#actions button[data-action=backup_printer]")).to_have_count(0)
    page.keyboard.press("F8")
    page.wait_for_timeout(200)
    assert core.actions == ["backup_printer"]


def test_the_label_waiting_to_print_is_shown_as_a_picture_whose_barcodes_read_back(kiosk):
    import io

    from playwright.sync_api import expect

    from labels import LabelAddress, ReturnLabelData, return_label

    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page, core, locale = kiosk
    address = LabelAddress("Camille Martin", "3 rue des Lilas", "", "69003", "Lyon", "FR")
    zpl = return_label(ReturnLabelData("RMA00000042", "CO-0000012", address, address)).decode()
    core.draw(ScreenState.PRINT_LABEL, print=[{"job_id": 5, "kind": "return", "zpl": zpl}])
    picture = page.locator("#label-picture")
    expect(picture).to_be_visible()
    expect(picture).to_have_attribute("src", "/label/5.png")
    page.wait_for_function("() => document.getElementById('label-picture').naturalWidth === 812")
    png = page.request.get(page.url.rstrip("/") + "/label/5.png")
    assert png.ok and png.headers["content-type"] == "image/png"
    found = {r.text: r.symbology_identifier for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body())))}
    assert found.get("RMA00000042") == "]C0"
    core.draw(ScreenState.IDLE)
    expect(picture).to_be_hidden()


def test_a_count_shows_the_bin_counted_and_expected_and_sends_a_typed_quantity(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    core.draw(ScreenState.COUNT)
    task = page.locator("#task")
    expect(task).to_contain_text("C-01-01-1")
    expect(task).to_contain_text("contrôle mensuel")
    table = task.locator("table.count-lines")
    expect(table.locator("th")).to_have_text([text("kiosk.item", locale), text("kiosk.counted", locale),
                                              text("kiosk.expected", locale), ""])
    expect(table.locator("tr").nth(1).locator("td.counted")).to_have_text("4")
    expect(table.locator("tr").nth(1).locator("td.expected")).to_have_text("5")
    expect(table.locator("tr").nth(2)).to_have_class("done")
    # Only Done sits with the keys: the count key is on each line, next to its quantity box.
    expect(page.locator("#actions button")).to_have_text([text("kiosk.action.done", locale)])
    box = table.locator("input.count-qty[data-line-id='41']")
    box.click()
    page.wait_for_timeout(1200)  # the wedge-scanner refocus leaves a quantity being typed alone
    expect(box).to_be_focused()
    box.fill("24")
    with page.expect_response(lambda response: response.url.endswith("/action")) as posted:
        box.press("Enter")
    assert posted.value.status == 202
    expect(table.locator("button.count-key[data-line-id='41']")).to_have_text(text("kiosk.action.count", locale))
    assert core.actions == ["count"] and core.action_params == [{"line_id": 41, "quantity": 24}]


def test_keys_are_greyed_out_while_offline(kiosk):
    from playwright.sync_api import expect

    page, core, _ = kiosk
    core.draw(ScreenState.RETURN_INSPECT)
    expect(page.locator("#actions button[data-action=done]")).to_be_enabled()
    core.board.set(offline=True)
    expect(page.locator("#actions button[data-action=done]")).to_be_disabled()


def test_a_warning_flashes_amber_unlike_ok_and_error(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    message = page.locator("#message")
    colours = {}
    for level, code in (("warn", "rma_already_received"), ("ok", "item_ok"), ("error", "wrong_item")):
        core.board.set(message={"level": level, "code": code, "text": f"{level} text"})
        expect(message).to_have_class(f"message {level} flash")
        colours[level] = message.evaluate("node => getComputedStyle(node).backgroundColor")
    assert colours["warn"] == "rgb(255, 160, 0)"
    assert len(set(colours.values())) == 3


def test_the_printer_condition_and_set_aside_scans_are_said_in_words(kiosk):
    from playwright.sync_api import expect

    page, core, locale = kiosk
    status = dict.fromkeys(PRINTER_STATUS_KEYS, False) | {"online": True, "detail": ""}
    core.board.set(printer=status | {"paper_out": True, "head_open": True})
    printer = page.locator("#printer")
    expect(printer).to_contain_text(text("printer.paper_out", locale))
    expect(printer).to_contain_text(text("printer.head_open", locale))
    expect(printer).to_have_class("problem")
    core.board.set(printer=status | {"online": False})
    expect(printer).to_contain_text(text("printer.offline", locale))
    core.board.set(printer=status | {"ready": True})
    expect(printer).to_have_text(f'{text("kiosk.printer", locale)} — {text("kiosk.printer_ok", locale)}')
    dead = page.locator("#dead-scans")
    expect(dead).to_be_hidden()
    core.board.set(dead_scans=2)
    expect(dead).to_have_text(text("kiosk.dead_letters", locale, n=2))
