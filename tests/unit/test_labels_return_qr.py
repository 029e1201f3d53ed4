"""The return label's QR code (the return's status page): decoded by zxing-cpp from zplkit's
rendering on every media and resolution, its ink apart from every other field's ink, and a bad
URL refused when the label data is built."""
from __future__ import annotations

import re

import pytest
import zxingcpp

from labels import LabelAddress, LabelDataError, ReturnLabelData, return_label
from tests.labels_corpus import HARD_ADDRESSES, parse_zpl, render

URL = "https://colis.example.fr/track/eyJvIjoxMjN9.Zx3-AbCdEfGhIjKlMnOp_qrstu"
DESK = LabelAddress("Colis - Retours", "ZI des Platanes, quai 4", "", "69200", "Vénissieux", "France")


def ink(zpl: bytes, dpi: int) -> tuple[int, int, set[int]]:
    width, height, pixels = render(zpl, dpi)
    return width, height, {i for i, dot in enumerate(pixels) if dot == 0}


@pytest.mark.parametrize(("size", "dpi", "case"), [
    ("4x4", 203, "french-superscript"), ("4x4", 300, "welsh-village"), ("4x4", 600, "japanese"),
    ("4x6", 203, "welsh-village"), ("4x6", 300, "japanese"),
    ("100x150", 203, "japanese"), ("100x150", 300, "french-superscript"),
])
def test_the_qr_code_reads_back_and_touches_no_other_field(size, dpi, case):
    data = ReturnLabelData("RMA00000123", "CMD-2026-000123", HARD_ADDRESSES[case], DESK, status_url=URL)
    zpl = return_label(data, dpi=dpi, size=size)
    width, height, pixels = render(zpl, dpi)
    found = {b.format.name: b.text for b in zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))}
    assert found == {"QRCode": URL, "Code128": "RMA00000123"}
    # The QR's ink: what the label prints with the ^BQ field minus what it prints without it.
    without = re.sub(rb"\^FO\d+,\d+\^BQN[^\^]*\^FD[^\^]*\^FS", b"", zpl)
    assert without != zpl
    _, _, others = ink(without, dpi)
    _, _, everything = ink(zpl, dpi)
    qr = everything - others
    assert qr and not (qr & others) and everything == qr | others


def test_without_a_status_url_there_is_no_qr_code():
    assert b"^BQ" not in return_label(ReturnLabelData("RMA00000123", "CMD-1", DESK, DESK))


@pytest.mark.parametrize("bad", ["colis.example.fr/track/x", "https://x/^XZ", "https://x/~JR", "javascript:alert(1)",
                                 "https://x/" + "a" * 100, "https://x/ espace", None])
def test_a_bad_status_url_is_refused_naming_the_field(bad):
    with pytest.raises(LabelDataError) as refused:
        ReturnLabelData("RMA00000123", "CMD-1", DESK, DESK, status_url=bad)
    assert refused.value.field == "status_url"


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("case", ["french-superscript", "two-line-street", "widest-glyphs", "japanese", "minimal"])
def test_a_4x4_label_with_a_qr_code_and_a_tracking_barcode_fits_and_every_code_reads_back(case, dpi):
    # This combination used to raise LayoutError on 4x4 media for every address (the QR code
    # made the customer's block so tall that the return address had no room left).
    data = ReturnLabelData("RMA00000123", "CMD-2026-000123", HARD_ADDRESSES[case], DESK, carrier="Colissimo Retour",
                           tracking_number="8R00000000123", status_url=URL)
    zpl = return_label(data, dpi=dpi, size="4x4")
    width, height, pixels = render(zpl, dpi)
    found = {b.text: b.format.name for b in zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))}
    assert found == {URL: "QRCode", "RMA00000123": "Code128", "8R00000000123": "Code128"}
    # Every other field, as the ZPL places it, keeps out of the QR code's box (quiet zone included).
    x, y, magnification = map(int, re.search(rb"\^FO(\d+),(\d+)\^BQN,2,(\d+)", zpl).groups())
    side = 49 * magnification
    left, top = x - 4 * magnification, y - 4 * magnification
    without_qr = re.sub(rb"\^FO\d+,\d+\^BQN[^\^]*\^FD[^\^]*\^FS", b"", zpl)  # parse_zpl reads no ^BQ
    _, _, fields = parse_zpl(without_qr.decode("utf-8"))
    for f in fields:
        assert f.right <= left or f.x >= left + side or f.bottom <= top or f.y >= top + side, (
            f"{f.kind} {f.data!r} {(f.x, f.y, f.w, f.h)} is in the QR code's box")
