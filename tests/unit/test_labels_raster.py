"""Label pictures (labels/raster.py): a PNG of the label's own ZPL that decodes, one pixel a
printer dot, whose barcodes a real decoder (zxing-cpp) reads back as the label's data."""
from __future__ import annotations

import io
from datetime import date

import pytest

from labels import (LabelAddress, PackingSlipData, ReturnLabelData, ShippingLabelData, SlipLine, make_sscc,
                    packing_slip, return_label, shipping_label)
from labels.raster import PreviewError, label_png, labels_in
from tests.labels_corpus import HARD_ADDRESSES, gs1_check_digit

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

WAREHOUSE = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes, quai 4", "", "69200", "Vénissieux", "FR")


def picture(zpl: bytes, page: int = 0):
    png = label_png(zpl, page)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes the whole picture, not only its header
    return image


def read(image) -> dict[str, str]:
    return {result.text: result.symbology_identifier for result in zxingcpp.read_barcodes(image)}


def shipping(recipient: str = "french-superscript", **extra) -> ShippingLabelData:
    return ShippingLabelData(sender=WAREHOUSE, recipient=HARD_ADDRESSES[recipient], carrier="Colissimo",
                             service="Domicile", tracking_number="6A12345678901", sscc=make_sscc(3, "7612345", 1),
                             order_ref="CMD-2026-000042", weight_g=2350, ship_date=date(2026, 11, 29), **extra)


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("size", ["4x6", "100x150"])
def test_a_shipping_label_picture_reads_back_its_tracking_number_and_sscc(dpi, size):
    data = shipping(routing_barcode=True)
    image = picture(shipping_label(data, dpi=dpi, size=size))
    width, height = (812, 1218) if (dpi, size) == (203, "4x6") else image.size
    assert image.size == (width, height) and image.mode == "L"
    found = read(image)
    assert found.get("6A12345678901") == "]C0"
    sscc = data.sscc
    assert found.get(f"(00){sscc}") == "]C1"  # GS1-128: FNC1 first
    assert sscc[-1] == gs1_check_digit(sscc[:-1])  # the check digit read back is right
    assert found.get("(420)42000") == "]C1"


def test_the_picture_is_one_pixel_a_printer_dot():
    assert picture(shipping_label(shipping(), dpi=300, size="4x6")).size == (1200, 1800)
    assert picture(return_label(ReturnLabelData("RMA00000042", "CMD-2026-000042", HARD_ADDRESSES["greek"],
                                                WAREHOUSE))).size == (812, 812)


def test_a_return_label_picture_reads_back_its_rma_and_status_page_qr_code():
    data = ReturnLabelData(rma="RMA00000042", order_ref="CMD-2026-000042", customer=HARD_ADDRESSES["japanese"],
                           return_to=WAREHOUSE, status_url="https://colis.example/r/RMA00000042")
    for dpi in (203, 300):
        found = read(picture(return_label(data, dpi=dpi)))
        assert found.get("RMA00000042") == "]C0"
        assert found.get("https://colis.example/r/RMA00000042", "").startswith("]Q")


def test_the_text_is_drawn_inside_the_label_and_reverse_text_is_white_on_black():
    image = picture(return_label(ReturnLabelData("RMA00000042", "CMD-2026-000042", HARD_ADDRESSES["widest-glyphs"],
                                                 WAREHOUSE)))
    pixels = image.load()
    # The banner: black, with white letters in it (RETOUR / RETURN).
    banner = [pixels[x, 30] for x in range(0, image.size[0])]
    assert banner.count(0) > len(banner) // 2 and banner.count(255) > 10
    assert sum(1 for x in range(image.size[0]) for y in range(200, 260) if pixels[x, y] < 128) > 0


def test_every_page_of_a_packing_slip_has_its_picture():
    slip = packing_slip(PackingSlipData("CMD-2026-000042", "Camille Martin",
                                        tuple(SlipLine(f"SKU-{i:04d}", f"Article {i}", 1) for i in range(60))))
    pages = labels_in(slip)
    assert pages >= 2
    for page in range(pages):
        assert read(picture(slip, page)).get("CMD-2026-000042") == "]C0"
    with pytest.raises(PreviewError):
        label_png(slip, pages)


@pytest.mark.parametrize("zpl", [b"", b"hello", b"^XA^PW99999^LL10^XZ", b"^XA^FOx,1^GB1,1,1^FS^XZ",
                                 b"^XA^BY2^FO1,1^BCN,50,N,N,N^FD:nostart^FS^XZ", "^XA^XZ"])
def test_zpl_that_is_not_a_colis_label_is_refused_in_words(zpl):
    with pytest.raises(PreviewError):
        label_png(zpl)
