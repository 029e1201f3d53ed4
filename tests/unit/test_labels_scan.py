"""Labels rendered by an independent ZPL renderer, then read by a real barcode decoder.

zplkit (an offline ZPL renderer with font 0 captured from a Zebra ZD621) turns
the very bytes the printer would get into dots; zxing-cpp decodes every
barcode in that picture. The SSCC must come back as GS1 (symbology identifier
]C1, i.e. FNC1 in first position) with a correct mod-10 check digit, computed
here independently. Each text field is also rendered alone, without its field
block, to show its ink stays in the box the layout gave it.
"""

import re

import pytest
import zxingcpp

from labels import LabelAddress, ReturnLabelData, ShippingLabelData, make_sscc, return_label, shipping_label
from labels.fonts import FONT0_ADVANCES_32, text_width
from tests.labels_corpus import (
    HARD_ADDRESSES,
    TRACKING_NUMBERS,
    gs1_check_digit,
    ink_box,
    parse_zpl,
    render,
)

WAREHOUSE = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes, quai 4", "", "69200",
                         "Vénissieux", "France")


def decode(zpl: bytes, dpi: int) -> dict[str, tuple[str, str]]:
    width, height, pixels = render(zpl, dpi)
    image = memoryview(pixels).cast("B", (height, width))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    return {b.text: (b.symbology_identifier, b.content_type.name) for b in found}


def shipping(tracking: str, sscc: str, recipient: LabelAddress, routing: bool) -> ShippingLabelData:
    return ShippingLabelData(sender=WAREHOUSE, recipient=recipient, carrier="Colissimo",
                             service="Domicile", tracking_number=tracking, sscc=sscc,
                             order_ref="CMD-2024-004217", weight_g=2350,
                             routing_barcode=routing)


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["4x6", "100x150"])
@pytest.mark.parametrize(("tracking", "serial", "case"), [
    (TRACKING_NUMBERS[0], 1, "french-superscript"),
    (TRACKING_NUMBERS[1], 42, "welsh-village"),
    (TRACKING_NUMBERS[2], 999_999_999, "japanese"),
    (TRACKING_NUMBERS[3], 123_456, "zpl-commands"),
    (TRACKING_NUMBERS[4], 7, "widest-glyphs"),
])
def test_every_barcode_of_a_shipping_label_decodes_to_its_data(tracking, serial, case, size, dpi):
    recipient = HARD_ADDRESSES[case]
    sscc = make_sscc(3, "7612345", serial)
    zpl = shipping_label(shipping(tracking, sscc, recipient, routing=True), dpi=dpi, size=size)
    found = decode(zpl, dpi)
    postal = re.sub(r"[\s-]", "", recipient.postal_code).upper()
    assert set(found) == {tracking, f"(00){sscc}", f"(420){postal}"}
    assert found[tracking][0] == "]C0"  # plain Code 128
    assert found[f"(00){sscc}"] == ("]C1", "GS1")  # GS1-128: FNC1 first
    assert found[f"(420){postal}"] == ("]C1", "GS1")
    assert gs1_check_digit(sscc[:-1]) == sscc[-1]


def test_the_gs1_reference_sscc_reads_back_with_its_check_digit():
    zpl = shipping_label(shipping("6A12345678901", "106141411234567897", WAREHOUSE, routing=False))
    found = decode(zpl, 203)
    assert found["(00)106141411234567897"] == ("]C1", "GS1")
    assert gs1_check_digit("10614141123456789") == "7"  # GS1 General Specifications example


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["4x4", "4x6", "100x150"])
def test_return_label_rma_and_tracking_decode(size, dpi):
    data = ReturnLabelData("RMA-2024-000123", "CMD-2024-004217", HARD_ADDRESSES["emoji"],
                           WAREHOUSE, "Colissimo Retour", "8R00000000123")
    found = decode(return_label(data, dpi=dpi, size=size), dpi)
    assert set(found) == {"RMA-2024-000123", "8R00000000123"}


def _fields_alone(zpl: str, keep_block: bool):
    """Each text field as its own label, with or without its one-line ^FB."""
    head = zpl.split("^FO", 1)[0]
    for chunk in re.findall(r"\^FO[^\n]*?\^A0N[^\n]*?\^FS", zpl):
        if not keep_block:
            chunk = re.sub(r"\^FB\d+,1,0,[LCRJ],0", "", chunk)
        yield chunk, (head + chunk + "\n^XZ\n").encode()


@pytest.mark.parametrize("case", sorted(HARD_ADDRESSES))
def test_rendered_text_ink_stays_in_its_box(case):
    address = HARD_ADDRESSES[case]
    zpl = shipping_label(ShippingLabelData(
        sender=address, recipient=address, carrier="Colissimo", service="Domicile",
        tracking_number="6A12345678901", sscc="376123450000000016", order_ref="CMD-1",
        weight_g=1000)).decode()
    width, height, fields = parse_zpl(zpl)
    texts = [f for f in fields if f.kind == "text"]
    for field, (_, alone) in zip(texts, _fields_alone(zpl, keep_block=True), strict=True):
        box = ink_box(*render(alone, 203))
        if box is None:
            continue
        left, top, right, bottom = box
        assert field.x <= left and right <= field.right, f"{field.data!r} ink leaves its block"
        assert field.y <= top and bottom <= field.bottom, f"{field.data!r} ink leaves its band"
    for field, (_, alone) in zip(texts, _fields_alone(zpl, keep_block=False), strict=True):
        box = ink_box(*render(alone, 203))
        if box is not None:  # unconstrained by ^FB, the line is still no wider than its block
            assert box[2] - box[0] <= field.w, f"{field.data!r} relies on ^FB to fit"


# A second real capture of font 0, at ^A0N,24,12 on the same ZD621 (codyps/zpl
# fixture font0-common-zd621-v1/font-24-12): the advance of each glyph, in dots.
CAPTURED_24X12 = {
    " ": 4, "!": 4, '"': 6, "#": 6, "$": 6, "%": 11, "&": 7, "'": 4, "(": 4, ")": 4, "*": 6,
    "+": 11, ",": 4, "-": 11, ".": 4, "/": 4, ":": 4, ";": 4, "<": 12, "=": 11, ">": 12,
    "?": 5, "@": 11, "A": 7, "B": 7, "C": 6, "D": 7, "E": 6, "F": 6, "G": 7, "H": 7, "I": 3,
    "J": 5, "K": 7, "L": 6, "M": 9, "N": 7, "O": 7, "P": 7, "Q": 7, "R": 7, "S": 6, "T": 6,
    "U": 7, "V": 6, "W": 10, "X": 7, "Y": 7, "Z": 6, "[": 4, "\\": 4, "]": 4, "^": 6, "_": 6,
    "`": 4, "a": 6, "b": 6, "c": 5, "d": 6, "e": 6, "f": 3, "g": 6, "h": 6, "i": 3,
    **dict.fromkeys("0123456789", 6),
}


def test_width_model_never_underestimates_a_real_capture_it_was_not_built_from():
    for ch, advance in CAPTURED_24X12.items():
        assert text_width(ch, 12) >= advance, ch
    line = "".join(CAPTURED_24X12)
    assert text_width(line, 12) >= sum(CAPTURED_24X12.values())


@pytest.mark.parametrize("width", [16, 20, 24, 28, 33, 40, 44, 52, 64])
def test_width_model_covers_the_renderer_at_other_sizes(width):
    # zplkit scales its 32-dot printer strike; the model must not be narrower anywhere.
    for ch in FONT0_ADVANCES_32:
        glyphs = ch * 10 + "|"
        data = "".join(f"_{b:02X}" for b in glyphs.encode())
        zpl = f"^XA^CI28^PW2000^LL200^FO10,40^A0N,{width},{width}^FH_^FD{data}^FS^XZ".encode()
        bar = f"^XA^CI28^PW2000^LL200^FO10,40^A0N,{width},{width}^FH_^FD_7C^FS^XZ".encode()
        measured = (ink_box(*render(zpl, 203))[2] - ink_box(*render(bar, 203))[2]) / 10
        assert text_width(ch, width) >= measured, (ch, width)
