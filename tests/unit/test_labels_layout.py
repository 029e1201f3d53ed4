"""Every label fits: hard addresses on every media and resolution, checked from the ZPL itself.

The boxes are recomputed by tests/labels_corpus.parse_zpl from the emitted
commands (^FO, ^A0, ^FB, ^BY/^BC, ^GB) with ZPL II semantics, not taken from
the layout code: a one-line ^FB of width W cannot print wider than W, a ^FO
text line inks [y - 0.25 h, y + h], a Code 128 is (symbols + check) x 11 + 13
modules plus 10-module quiet zones.
"""

import math

import pytest

from labels import LabelAddress, ReturnLabelData, ShippingLabelData, return_label, shipping_label
from labels.fonts import text_width
from labels.text import in_repertoire, printable
from tests.labels_corpus import HARD_ADDRESSES, TRACKING_NUMBERS, parse_zpl

WAREHOUSE = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes, quai 4", "", "69200",
                         "Vénissieux", "France", "+33 4 72 00 00 00")
CASES = sorted(HARD_ADDRESSES)


def shipping(address: LabelAddress, **changes) -> ShippingLabelData:
    fields = dict(sender=WAREHOUSE, recipient=address, carrier="Colissimo",
                  service="Domicile sans signature", tracking_number="9400111899223100012345",
                  sscc="376123450000000016", order_ref="CMD-2024-004217", weight_g=2350,
                  package_no=2, package_count=3, company_prefix_length=7)
    fields.update(changes)
    return ShippingLabelData(**fields)


def returning(address: LabelAddress) -> ReturnLabelData:
    return ReturnLabelData("RMA-2024-000123", "CMD-2024-004217", address, WAREHOUSE,
                           "Colissimo Retour", "8R00000000123")


def assert_fits(zpl: bytes, dpi: int) -> list:
    width, height, fields = parse_zpl(zpl.decode("utf-8"))
    assert fields
    for f in fields:
        assert 0 <= f.x and f.right <= width and 0 <= f.y and f.bottom <= height, (
            f"{f.kind} {f.data!r} at {(f.x, f.y, f.w, f.h)} leaves the {width}x{height} label")
    for i, a in enumerate(fields):
        for b in fields[i + 1:]:
            if a.overlaps(b):
                back, front = (a, b) if a.kind == "box" else (b, a)
                assert back.kind == "box" and back.filled and front.reverse and back.contains(front), (
                    f"{a.kind} {a.data!r} {(a.x, a.y, a.w, a.h)} overlaps "
                    f"{b.kind} {b.data!r} {(b.x, b.y, b.w, b.h)}")
    smallest = math.ceil(2.2 * dpi / 25.4)  # captions; data text is never below 2.5 mm
    for f in fields:
        if f.kind == "text":
            assert text_width(f.data, f.font_w) <= f.w, f"{f.data!r} wider than its block"
            assert f.font_h >= smallest and f.font_w >= round(0.8 * f.font_h) - 1
            assert all(in_repertoire(ch) for ch in f.data), f"{f.data!r} would print boxes"
    return fields


def assert_shown_or_cut(shown: list[str], expected: str) -> None:
    """The field is printed whole, or its start is printed and the cut is marked '...'."""
    joined = " ".join(shown)
    if expected in joined:
        return
    cut = [s for s in shown if s.endswith("...")]
    assert cut, f"{expected!r} is neither printed nor cut with an ellipsis in {shown}"


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["4x6", "100x150"])
@pytest.mark.parametrize("case", CASES)
def test_shipping_label_fits_with_hard_recipient_and_sender(case, size, dpi):
    address = HARD_ADDRESSES[case]
    routing = bool(printable(address.postal_code))
    zpl = shipping_label(shipping(address, sender=address, routing_barcode=routing),
                         dpi=dpi, size=size)
    fields = assert_fits(zpl, dpi)
    shown = [f.data for f in fields if f.kind == "text"]
    assert_shown_or_cut(shown, printable(address.name))
    assert_shown_or_cut(shown, printable(address.line1))
    assert len([f for f in fields if f.kind == "barcode"]) == 2 + routing


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["4x4", "4x6", "100x150"])
@pytest.mark.parametrize("case", CASES)
def test_return_label_fits_with_hard_customer_address(case, size, dpi):
    assert_fits(return_label(returning(HARD_ADDRESSES[case]), dpi=dpi, size=size), dpi)


@pytest.mark.parametrize("case", ["widest-glyphs", "two-line-street", "japanese", "zpl-commands"])
@pytest.mark.parametrize("size", ["4x6", "100x150"])
def test_600_dpi_fits_too(case, size):
    address = HARD_ADDRESSES[case]
    assert_fits(shipping_label(shipping(address, sender=address), dpi=600, size=size), 600)
    assert_fits(return_label(returning(address), dpi=600), 600)


@pytest.mark.parametrize("tracking", TRACKING_NUMBERS)
@pytest.mark.parametrize("size", ["4x6", "100x150"])
def test_every_real_tracking_format_fits(tracking, size):
    zpl = shipping_label(shipping(HARD_ADDRESSES["french-superscript"], tracking_number=tracking),
                         size=size)
    fields = assert_fits(zpl, 203)
    assert tracking in [f.data for f in fields if f.kind == "text"]


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("size", ["4x6", "100x150", "4x4"])
def test_label_frame_is_the_media_in_dots(size, dpi):
    inches = {"4x6": (4, 6), "4x4": (4, 4)}
    if size in inches:
        expected = (inches[size][0] * dpi, inches[size][1] * dpi)
    else:  # 100 x 150 mm, rounded down so nothing prints off the media
        expected = (math.floor(100 / 25.4 * dpi), math.floor(150 / 25.4 * dpi))
    data = returning(HARD_ADDRESSES["minimal"])
    width, height, _ = parse_zpl(return_label(data, dpi=dpi, size=size).decode())
    assert (width, height) == expected


def test_100x150_media_is_narrower_and_shorter_than_4x6():
    small = parse_zpl(shipping_label(shipping(WAREHOUSE), size="100x150").decode())
    large = parse_zpl(shipping_label(shipping(WAREHOUSE), size="4x6").decode())
    assert small[:2] == (799, 1198) and large[:2] == (812, 1218)
    assert max(f.right for f in small[2]) <= 799 and max(f.bottom for f in small[2]) <= 1198


def test_a_name_without_spaces_shrinks_then_breaks_then_ends_with_an_ellipsis():
    zpl = shipping_label(shipping(HARD_ADDRESSES["name-without-spaces"]))
    fields = [f for f in parse_zpl(zpl.decode())[2] if f.kind == "text"]
    start = next(i for i, f in enumerate(fields) if f.data.startswith("Hubert"))
    name = fields[start:start + 2]
    assert name[0].data == "Hubert Blaine"
    assert name[1].data.startswith("Wolfeschlegel") and name[1].data.endswith("...")
    assert name[0].font_h < round(5.5 * 203 / 25.4)  # smaller than the nominal 5.5 mm


def test_a_long_street_wraps_rather_than_shrinks_to_the_minimum():
    zpl = shipping_label(shipping(HARD_ADDRESSES["french-superscript"]))
    fields = [f for f in parse_zpl(zpl.decode())[2] if f.kind == "text"]
    street = [f for f in fields if f.data.startswith("Résidence") or f.data == "rue de l'Église"]
    # two lines of the same size, well above the 2.5 mm minimum (20 dots)
    assert len(street) == 2 and street[0].font_h == street[1].font_h >= 30
    assert "Escalier 2, 3e étage, porte gauche" in [f.data for f in fields]


def test_nothing_is_lost_without_a_mark_when_it_does_not_fit():
    # The two-line streets of this address cannot all fit: whatever is cut ends in "...".
    zpl = shipping_label(shipping(HARD_ADDRESSES["two-line-street"]), size="100x150")
    shown = [f.data for f in parse_zpl(zpl.decode())[2] if f.kind == "text"]
    for line in (HARD_ADDRESSES["two-line-street"].line1, HARD_ADDRESSES["two-line-street"].line2):
        assert_shown_or_cut(shown, printable(line))
