"""The SSCC at 600 dpi: GS1's minimum X (0.495 mm) is 12 dots there, past ``^BY``'s 10, so its
bars are drawn as ``^GB`` boxes (labels/bars.py). Checked against zplkit's own ``^BC`` drawing
of the same data (bar for bar), and decoded by zxing-cpp from the rendered 600 dpi label
with the module measured on the raster."""
from __future__ import annotations

import re

import pytest
import zxingcpp

from labels import LabelAddress, ShippingLabelData, make_sscc, shipping_label
from labels.bars import bar_runs, modules, symbol_values
from labels.layout import Canvas
from labels.zpl import code128_modules, gs1_128_data
from tests.labels_corpus import gs1_check_digit, render

SSCC = "106141411234567897"  # GS1 General Specifications example
HOME = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes", "", "69200", "Vénissieux", "France")


def row_through(zpl: bytes, dpi: int, y: int) -> str:
    width, _height, pixels = render(zpl, dpi)
    return "".join("1" if dot == 0 else "0" for dot in pixels[y * width:(y + 1) * width])


def runs(row: str) -> list[tuple[int, int]]:
    return [(m.start(), len(m.group())) for m in re.finditer("1+", row)]


def test_symbol_values_have_the_mod_103_check_the_gs1_example_expects():
    values = symbol_values(gs1_128_data(f"(00){SSCC}"))
    assert values[:3] == [105, 102, 0]  # start C, FNC1, "00"
    assert values[-1] == (105 + sum(i * v for i, v in enumerate(values[1:-1], 1))) % 103
    assert len(modules(gs1_128_data(f"(00){SSCC}"))) == code128_modules(gs1_128_data(f"(00){SSCC}")) == 156


@pytest.mark.parametrize("element", [f"(00){SSCC}", "(420)69003", "(420)SW1A1AA", "(00)376123400000000059"])
def test_drawn_bars_are_the_bars_zpl_draws_for_the_same_data(element):
    """zplkit renders ^BC (module 3) and our ^GB boxes (module 3): the same dots, bar for bar."""
    printer, ours = Canvas("4x6", 203), Canvas("4x6", 203)
    printer.gs1_128("bc", 60, 40, element, 3, 60)
    ours.gs1_128_drawn("gb", 60, 40, element, 3, 60)
    assert runs(row_through(ours.finish(), 203, 70)) == runs(row_through(printer.finish(), 203, 70))


def test_bad_field_data_is_refused():
    for bad in ("12345", ">;1", ">:\x80", ">;>4"):
        with pytest.raises(ValueError):
            bar_runs(bad)


def test_the_600_dpi_sscc_decodes_at_gs1s_module():
    data = ShippingLabelData(sender=HOME, recipient=HOME, carrier="Colissimo", service="Domicile",
                             tracking_number="6A12345678901", sscc=SSCC, order_ref="CMD-2024-004217",
                             weight_g=2350)
    zpl = shipping_label(data, dpi=600)
    assert zpl.count(b"^BY") == 1  # only the tracking barcode is ^BC; the SSCC is boxes
    width, height, pixels = render(zpl, 600)
    image = memoryview(pixels).cast("B", (height, width))
    found = {b.text: b for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)}
    assert found[f"(00){SSCC}"].symbology_identifier == "]C1"
    assert gs1_check_digit(SSCC[:-1]) == SSCC[-1]
    bars = found[f"(00){SSCC}"].position
    y = (bars.top_left.y + bars.bottom_left.y) // 2
    row = "".join("1" if dot == 0 else "0" for dot in pixels[y * width:(y + 1) * width])
    elements = [len(m.group()) for m in re.finditer("1+|0+", row[bars.top_left.x - 2:bars.top_right.x + 3])][1:-1]
    module = min(elements)
    assert module == 12 and module * 25.4 / 600 >= 0.495  # 0.508 mm
    assert sum(elements) == 156 * 12  # the whole symbol, start to stop, at that module
    assert (width - sum(elements)) // 2 >= 10 * module  # quiet zones
