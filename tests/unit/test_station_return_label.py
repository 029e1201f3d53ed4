"""The returns desk's picture of the RMA's return label (issue 7): the screen payload the server
sends once, when the RMA is opened; the station keeps it while that RMA is on screen, gives its
kiosk page whether there is one (never the ZPL) and draws it with labels/raster.py."""
from __future__ import annotations

import io
import json

import pytest

from labels import LabelAddress, ReturnLabelData, return_label
from server.domain.scenarios import Session
from server.services.steps import _opens_parcel
from station.ui.board import ScreenBoard
from station.ui.server import make_ui_app
from tests.labels_corpus import HARD_ADDRESSES
from wire.contract import MAX_MESSAGE_BYTES, MAX_SCREEN_LABEL_BYTES, ScreenState, empty_screen

WAREHOUSE = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes, quai 4", "", "69200", "Vénissieux", "FR")
HERE = "127.0.0.1:8800"


def zpl(rma: str = "RMA00000042", customer: str = "french-superscript") -> str:
    return return_label(ReturnLabelData(rma, "CO-0000012", HARD_ADDRESSES[customer], WAREHOUSE,
                                        f"https://colis.example/r/{rma}")).decode()


def inspect(rma: str, label=...) -> dict:
    """A return_inspect screen for ``rma``; ``label`` only when the server sends one."""
    view = {"rma": rma, "order": {"reference": "CO-0000012"}, "lines": []}
    if label is not ...:
        view["label"] = label
    return {**empty_screen(ScreenState.RETURN_INSPECT), "rma": view}


def test_the_station_keeps_the_label_sent_with_the_rma_while_that_rma_is_on_screen():
    board = ScreenBoard({"code": "RET-01"})
    board.show(inspect("RMA00000042", {"zpl": zpl(), "printed": True}))
    board.show(inspect("RMA00000042"))  # a unit scanned: the answer carries no label
    assert board.return_label_zpl("RMA00000042") == zpl()
    assert board.return_label_zpl("RMA00000043") is None
    page = board.snapshot()
    assert page["rma"]["label"] == {"printed": True}  # the page learns there is one, not its ZPL
    assert "^XA" not in json.dumps(page)


@pytest.mark.parametrize("next_screen", [inspect("RMA00000043"), empty_screen(ScreenState.RETURN_SCAN),
                                         inspect("RMA00000042", None)])
def test_another_rma_no_rma_or_a_label_the_server_could_not_draw_forgets_it(next_screen):
    board = ScreenBoard({"code": "RET-01"})
    board.show(inspect("RMA00000042", {"zpl": zpl(), "printed": False}))
    board.show(next_screen)
    assert board.return_label_zpl("RMA00000042") is None
    if next_screen["rma"]:
        assert board.snapshot()["rma"]["label"] is None


def test_the_kiosk_draws_the_kept_label_whose_rma_reads_back_and_nothing_for_another():
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    class Core:
        board = ScreenBoard({"code": "RET-01"})

    Core.board.show(inspect("RMA00000042", {"zpl": zpl(), "printed": True}))
    web = make_ui_app(Core()).test_client()
    picture = web.get("/return-label/RMA00000042.png", base_url=f"http://{HERE}")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    image = Image.open(io.BytesIO(picture.data))
    assert image.size == (812, 812)  # 4x4 in at 203 dpi: one pixel a printer dot
    found = {result.text: result.symbology_identifier for result in zxingcpp.read_barcodes(image)}
    assert found.get("RMA00000042") == "]C0"
    assert web.get("/return-label/RMA00000043.png", base_url=f"http://{HERE}").status_code == 404
    Core.board.show(empty_screen(ScreenState.RETURN_SCAN))
    assert web.get("/return-label/RMA00000042.png", base_url=f"http://{HERE}").status_code == 404


def test_the_label_goes_only_with_the_screen_that_opens_a_parcel():
    scanning = Session("returns_receive", ScreenState.RETURN_SCAN, {})
    on_desk = Session("returns_inspect", ScreenState.RETURN_INSPECT, {"return_id": 7})
    assert _opens_parcel(scanning, on_desk)
    assert _opens_parcel(on_desk, Session("returns_inspect", ScreenState.RETURN_INSPECT, {"return_id": 8}))
    assert not _opens_parcel(on_desk, Session("returns_inspect", ScreenState.RETURN_INSPECT,
                                              {"return_id": 7, "unit": 3}))
    assert not _opens_parcel(on_desk, scanning)


def test_a_screen_with_the_largest_return_label_fits_one_socket_message():
    largest = max((zpl(customer=name) for name in HARD_ADDRESSES), key=len)
    assert len(largest.encode()) < MAX_SCREEN_LABEL_BYTES < MAX_MESSAGE_BYTES // 2
