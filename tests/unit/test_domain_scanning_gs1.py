"""Lot, expiry, serial, count and weight read from GS1 item codes (``identify``).

The expected values are worked from the GS1 General Specifications, not from what the code
does: element strings (section 3), FNC1 as separator after a variable-length AI and nowhere
else (7.8.5; a scanner transmits it as GS, ASCII 29), the YYMMDD date fields with day "00"
as the month's last day and the century chosen within 49 years back / 50 ahead (7.12), and the
AIM symbology identifiers that announce GS1 data (]C1 GS1-128, ]e0 DataBar, ]d2 GS1
DataMatrix, ]Q3 GS1 QR; 5.1.3): behind ]C0, ]d1 or ]Q1 the same digits are not GS1 data.
"""
from __future__ import annotations

from datetime import date

import pytest

from server.domain.scanning import CodeKind, identify

GTIN = "04006381333931"  # GS1 Germany's example GTIN-13 as GTIN-14
GS = "\x1d"  # FNC1 as a scanner transmits it inside the data


def attributes(raw: str, symbology: str | None = None) -> tuple:
    code = identify(raw, symbology)
    assert code.kind is CodeKind.ITEM and code.value == GTIN, code
    return code.lot, code.expiry, code.serial, code.count


@pytest.mark.parametrize("raw, symbology, expected", [
    # Variable-length lot (X..20) followed by another AI: FNC1 ends it.
    ("01" + GTIN + "10ABC123" + GS + "17251231", "]C1", ("ABC123", date(2025, 12, 31), None, None)),
    # Fixed-length expiry first, lot last: no separator needed anywhere.
    ("01" + GTIN + "17251231" + "10ABC123", "]C1", ("ABC123", date(2025, 12, 31), None, None)),
    # GS1 DataMatrix, serial (X..20, lower case and "-" "/" are in the character set 82) then lot.
    ("01" + GTIN + "21a1-B/2" + GS + "10L" + GS + "17270115", "]d2", ("L", date(2027, 1, 15), "a1-B/2", None)),
    # GS1 QR and GS1 DataBar Expanded carry the same element strings.
    ("01" + GTIN + "10LOT7" + GS + "17260630", "]Q3", ("LOT7", date(2026, 6, 30), None, None)),
    ("01" + GTIN + "10LOT7" + GS + "17260630", "]e0", ("LOT7", date(2026, 6, 30), None, None)),
    # The identifier left at the start of the data by a keyboard-wedge scanner.
    ("]d2" + "01" + GTIN + "10LOT7", None, ("LOT7", None, None, None)),
    # No identifier at all (a scanner set to send none): read as GS1 if it parses as GS1.
    ("01" + GTIN + "10LOT7" + GS + "17260630", None, ("LOT7", date(2026, 6, 30), None, None)),
    # A separator after a fixed-length AI is tolerated (some printers put one everywhere),
    # and a trailing one ends nothing.
    ("01" + GTIN + GS + "10LOT7" + GS, "]C1", ("LOT7", None, None, None)),
    # Without FNC1 after the lot, the lot runs to the end: "17..." is part of it (7.8.5).
    ("01" + GTIN + "10ABC12317251231", "]C1", ("ABC12317251231", None, None, None)),
    # Day 00: the last day of the month, leap years included.
    ("01" + GTIN + "17260200", "]C1", (None, date(2026, 2, 28), None, None)),
    ("01" + GTIN + "17280200", "]C1", (None, date(2028, 2, 29), None, None)),
    ("01" + GTIN + "17261100", "]C1", (None, date(2026, 11, 30), None, None)),
    # AI 30, variable count (N..8), followed by a lot: FNC1 after the count.
    ("01" + GTIN + "3012" + GS + "10LOT7", "]C1", ("LOT7", None, None, 12)),
    ("01" + GTIN + "30" + "00000006", "]C1", (None, None, None, 6)),
    # The bracketed human-readable form, typed at a kiosk.
    ("(01)" + GTIN + "(10)LOT7(17)260630", None, ("LOT7", date(2026, 6, 30), None, None)),
    # A GS1 Digital Link URI with its key qualifiers and an expiry in the query string.
    ("https://id.gs1.org/01/" + GTIN + "/10/LOT7/21/S9?17=260630", "]Q1", ("LOT7", date(2026, 6, 30), "S9", None)),
])
def test_item_attributes_from_gs1_element_strings(raw, symbology, expected):
    assert attributes(raw, symbology) == expected


def test_a_case_code_gives_the_contents_gtin_and_how_many_units_it_holds():
    # AI 02 (GTIN of the trade items contained) with AI 37 (their count, N..8): a case of 24.
    code = identify("02" + GTIN + "37" + "24" + GS + "10LOT7", "]C1")
    assert (code.kind, code.value, code.count, code.lot) == (CodeKind.ITEM, GTIN, 24, "LOT7")


def test_net_weight_ai_310n_is_kilograms_with_n_decimals():
    assert identify("01" + GTIN + "3103" + "001525", "]C1").net_weight_g == 1525  # 1.525 kg
    assert identify("01" + GTIN + "3102" + "000250", "]C1").net_weight_g == 2500  # 2.50 kg


@pytest.mark.parametrize("symbology", ["]C0", "]d1", "]Q1"])
def test_digits_behind_a_non_gs1_symbology_carry_no_lot_or_expiry(symbology):
    # Code 128 without FNC1 in first position, ECC 200 DataMatrix and QR without FNC1: the
    # digits may identify the item, but "10..." and "17..." are not application identifiers.
    code = identify("01" + GTIN + "10LOT7" + GS + "17200101", symbology)
    assert (code.lot, code.expiry) == (None, None)


def test_the_century_of_an_expiry_is_within_49_years_back_and_50_ahead():
    # GS1 General Specifications 7.12: YY minus this year's last two digits in 51..99 → the
    # previous century, in -99..-50 → the next one, otherwise this century.
    this_year = date.today().year

    def year_read(years_from_now: int) -> int:
        return identify(f"01{GTIN}17{(this_year + years_from_now) % 100:02d}0101", "]C1").expiry.year

    assert year_read(50) == this_year + 50
    assert year_read(51) == this_year + 51 - 100  # 51 ahead is read as 49 back
    assert year_read(-49) == this_year - 49
    assert year_read(-50) == this_year - 50 + 100  # 50 back is read as 50 ahead


@pytest.mark.parametrize("raw", [
    "01" + GTIN + "10" + "A" * 21,  # a lot is at most 20 characters
    "01" + GTIN + "21" + "S" * 21,  # so is a serial
    "01" + GTIN + "17261301",  # month 13
    "01" + GTIN + "17260230",  # 30 February
    "01" + GTIN + "3000",  # a count of no units
    "01" + GTIN + "10LOT" + GS + "17",  # an AI with no data
])
def test_broken_gs1_item_data_is_not_an_item(raw):
    assert identify(raw, "]C1").kind is CodeKind.UNKNOWN


def test_plain_ean_and_upc_carry_nothing_but_the_gtin():
    code = identify("4006381333931", "]E0")
    assert (code.kind, code.value, code.lot, code.expiry, code.serial, code.count) == (
        CodeKind.ITEM, GTIN, None, None, None, None)
