"""The returns desk's screen carries the RMA's return label (issue 7), on SQLite and PostgreSQL:
with the scan that opens the RMA (as it would print, or as it was printed), again after a
hello or a replayed scan (the station may not have it), and not with the scans after."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from labels.raster import label_png
from server.models import PrintJob, Return, Station
from server.services import scans, steps
from server.services.printers import add_printer, print_return_label
from tests.factories import add_station
from tests.returns_kit import open_rma, shipped_order

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def desk(floor):
    """An RMA expected at the desk (a lamp back, wrong size) and the returns desk RET-01."""
    with floor.uow() as uow:
        shipped = shipped_order(uow, lamps=1, name="Zoé L'Héritier-Ñúñez")
        rma = open_rma(uow, shipped, [("lamp", 1, "wrong_size")])
        station_id, _ = add_station(uow, "RET-01", "returns")
        uow.commit()
        return {**shipped, "rma": rma, "station": station_id}


def scan(floor, station_id: int, raw: str, scan_id: str | None = None) -> dict:
    cmd = scans.ScanCommand(scan_id or str(uuid.uuid4()), raw, None, datetime.now(timezone.utc))
    with floor.uow() as uow:
        return scans.record_scan(uow, uow.session.get(Station, station_id), cmd)


def hello(floor, station_id: int) -> dict:
    with floor.uow() as uow:
        screen = steps.current_screen(uow, uow.session.get(Station, station_id))
        uow.commit()
        return screen


def barcodes(zpl: str) -> dict[str, str]:
    image = Image.open(io.BytesIO(label_png(zpl.encode())))
    return {result.text: result.symbology_identifier for result in zxingcpp.read_barcodes(image)}


def test_opening_the_rma_at_the_desk_carries_its_return_label_once(floor, desk):
    opening = str(uuid.uuid4())
    opened = scan(floor, desk["station"], desk["rma"], opening)
    assert opened["state"] == "return_inspect" and opened["message"]["code"] == "rma_found"
    label = opened["rma"]["label"]
    assert label["printed"] is False  # never printed: drawn as the desk's printer would print it
    assert label["zpl"].startswith("^XA") and desk["reference"] in label["zpl"]
    assert barcodes(label["zpl"]).get(desk["rma"]) == "]C0"  # the clerk compares it with the parcel's
    # The scans after it keep the same RMA on screen: the station has the label already.
    unit = scan(floor, desk["station"], desk["lamp"].gtin)
    assert unit["rma"]["rma"] == desk["rma"] and "label" not in unit["rma"]
    # A restarted station says hello; a lost ack is replayed: the label comes again.
    assert hello(floor, desk["station"])["rma"]["label"] == label
    replayed = scan(floor, desk["station"], desk["rma"], opening)
    assert replayed["duplicate"] is True and replayed["rma"]["label"] == label


def test_a_label_printed_for_the_rma_is_shown_as_it_was_printed(floor, desk, tmp_path):
    with floor.uow() as uow:
        printer = add_printer(uow, name="ZD-RET", url=f"file://{tmp_path}/desk.zpl", dpi=300, media="4x4")
        uow.commit()
    with floor.uow() as uow:  # queued for the desk's 300 dpi printer (the spooler is not running)
        case = uow.session.scalars(select(Return).where(Return.rma == desk["rma"])).one()
        print_return_label(uow, case.id, printer_id=printer["id"])
    with floor.uow() as uow:
        printed = uow.session.scalars(select(PrintJob.zpl).where(PrintJob.kind == "return")).one()
    label = scan(floor, desk["station"], desk["rma"])["rma"]["label"]
    assert label == {"zpl": printed, "printed": True}
    assert "^PW1200" in label["zpl"]  # the desk printer's 300 dpi, not the default 203
    assert barcodes(label["zpl"]).get(desk["rma"]) == "]C0"


def test_the_next_parcel_scanned_during_an_inspection_brings_its_own_label(floor, desk):
    with floor.uow() as uow:
        other = open_rma(uow, shipped_order(uow, lamps=1), [("lamp", 1, "late")])
        uow.commit()
    first = scan(floor, desk["station"], desk["rma"])["rma"]["label"]
    second = scan(floor, desk["station"], other)
    assert second["rma"]["rma"] == other and second["rma"]["label"]["zpl"] != first["zpl"]
    assert barcodes(second["rma"]["label"]["zpl"]).get(other) == "]C0"


def test_a_label_colis_cannot_draw_or_too_big_for_the_screen_is_sent_as_none(floor, desk, monkeypatch):
    from server.models import Address, Order
    from server.services import screens

    monkeypatch.setattr(screens, "MAX_SCREEN_LABEL_BYTES", 512)  # ours are 1-3 KB
    big = scan(floor, desk["station"], desk["rma"])
    assert big["state"] == "return_inspect" and big["rma"]["label"] is None
    with floor.uow() as uow:  # an address the label refuses (LabelDataError): the desk still opens
        order = uow.session.get(Order, desk["order_id"])
        uow.session.get(Address, order.ship_address_id).name = " "
        uow.commit()
    monkeypatch.undo()
    refused = hello(floor, desk["station"])
    assert refused["rma"]["rma"] == desk["rma"] and refused["rma"]["label"] is None
