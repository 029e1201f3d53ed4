"""The packing slip (issue 12), rendered by zplkit and read back by zxing-cpp: the order's
barcode decodes on every page, every line is listed once across the pages, long names are
fitted into their row, and bad data is refused naming the field."""
from __future__ import annotations

import re
from datetime import date

import pytest
import zxingcpp

from labels.layout import LayoutError
from labels.packing_slip import PackingSlipData, SlipLine, packing_slip
from labels.text import LabelDataError
from tests.labels_corpus import HARD_ADDRESSES, parse_zpl, render

LONG_NAME = "Lampe de bureau articulée « Émeraude » en laiton brossé, abat-jour en verre soufflé bouche " * 2


def slip(lines, **extra) -> PackingSlipData:
    return PackingSlipData("CO-0000042", HARD_ADDRESSES["french-superscript"].name, tuple(lines),
                           ship_date=date(2026, 11, 29), **extra)


def pages(zpl: bytes) -> list[bytes]:
    return [page + b"^XZ\n" for page in zpl.split(b"^XZ")[:-1]]


def decode(page: bytes, dpi: int) -> set[str]:
    width, height, pixels = render(page, dpi)
    image = memoryview(pixels).cast("B", (height, width))
    return {found.text for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)}


def texts(page: bytes) -> list[str]:
    _, _, fields = parse_zpl(page.decode())
    return [field.data for field in fields if field.kind == "text"]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["4x6", "100x150"])
def test_a_short_order_fits_one_page_with_its_order_barcode(size, dpi):
    lines = [SlipLine("SKU-00042", "Lampe", 2), SlipLine("SKU-00077", LONG_NAME, 1)]
    zpl = packing_slip(slip(lines, package_no=2, package_count=3), dpi=dpi, size=size)
    [page] = pages(zpl)
    assert decode(page, dpi) == {"CO-0000042"}
    words = texts(page)
    assert any("PACKAGE 2/3" in text for text in words)
    assert any(text.startswith("Lampe - SKU-00042") for text in words)
    long_row = next(text for text in words if text.startswith("Lampe de bureau"))
    assert long_row.endswith("...")  # fitted to its row, cut rather than overprinted
    assert any("3 ARTICLE(S)" in text for text in words)


def test_a_long_order_takes_as_many_pages_as_it_needs_each_line_once():
    lines = [SlipLine(f"SKU-{n:05d}", f"Article numéro {n}", n % 3 + 1) for n in range(60)]
    zpl = packing_slip(slip(lines), dpi=203)
    printed = pages(zpl)
    assert len(printed) >= 2
    listed = [re.search(r"SKU-\d{5}", text).group() for page in printed for text in texts(page)
              if re.search(r" - SKU-\d{5}", text)]
    assert listed == [line.sku for line in lines]
    for number, page in enumerate(printed, start=1):
        assert decode(page, 203) == {"CO-0000042"}
        assert any(f"PAGE {number}/{len(printed)}" in text for text in texts(page))


@pytest.mark.parametrize("data, field", [
    (lambda: PackingSlipData("CO-1", "Camille", ()), "lines"),
    (lambda: PackingSlipData("CO-\x01", "Camille", (SlipLine("S", "n", 1),)), "order_ref"),
    (lambda: PackingSlipData("CO-1", "", (SlipLine("S", "n", 1),)), "recipient_name"),
    (lambda: PackingSlipData("CO-1", "Camille", (SlipLine("S", "n", 1),), package_no=2), "package_no"),
    (lambda: SlipLine("S", "n", 0), "line.quantity"),
    (lambda: SlipLine("", "n", 1), "line.sku"),
])
def test_bad_slip_data_is_refused_naming_the_field(data, field):
    with pytest.raises(LabelDataError) as refused:
        data()
    assert refused.value.field == field


def test_no_field_overlaps_another_on_any_media():
    lines = [SlipLine(f"SKU-{n:05d}", LONG_NAME, 9999) for n in range(30)]
    for size in ("4x6", "100x150", "4x4"):
        for dpi in (203, 300, 600):
            try:
                packing_slip(slip(lines), dpi=dpi, size=size)
            except LayoutError as exc:  # pragma: no cover - the failure names the fields
                pytest.fail(f"{size} at {dpi} dpi: {exc}")
