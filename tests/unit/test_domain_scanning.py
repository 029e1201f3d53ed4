import pytest

from server.domain.scanning import CodeKind, ScannedCode, biip_symbology, identify


def test_an_ean13_is_an_item_compared_as_gtin14():
    code = identify("4006381333931")
    assert code.kind is CodeKind.ITEM
    assert code.value == "04006381333931"


def test_a_gtin_with_a_wrong_check_digit_is_not_an_item():
    assert identify("4006381333932").kind is CodeKind.UNKNOWN


def test_gs1_128_with_ai_01_and_lot_is_the_item_of_its_gtin():
    code = identify("0104006381333931" + "10LOT42", symbology="]C1")
    assert (code.kind, code.value) == (CodeKind.ITEM, "04006381333931")


def test_an_sscc_with_ai_00_is_a_parcel():
    code = identify("00106141411234567897", symbology="]C1")
    assert (code.kind, code.value) == (CodeKind.PARCEL, "106141411234567897")


def test_rma_bins_badges_and_totes_are_recognised_case_insensitively():
    assert identify("rma00000042").kind is CodeKind.RMA
    assert identify("RMA00000042").value == "RMA00000042"
    assert identify("B-03-12-2").kind is CodeKind.BIN
    assert identify("BADGE-7F3A91").kind is CodeKind.BADGE
    assert identify("TOTE-0042").kind is CodeKind.TOTE


def test_garbage_empty_and_oversized_scans_are_unknown():
    for raw in ("", "   ", "héllo wörld", "\x1b[2J", "9" * 600, "RMA123"):
        assert identify(raw).kind is CodeKind.UNKNOWN, raw


# --- Hard cases from the GS1 General Specifications and ISO/IEC 15424 -------
# GS (0x1D) is how scanners transmit FNC1: it ends a variable-length AI such
# as (10) lot or (21) serial when another AI follows.

GS = "\x1d"
GTIN = "04006381333931"  # GTIN-14 of the EAN-13 4006381333931
SSCC = "106141411234567897"


@pytest.mark.parametrize(
    ("raw", "symbology", "kind", "value"),
    [
        # EAN/UPC: ]E0 carries 13 digits, UPC-A and UPC-E with a leading 0.
        ("4006381333931", "]E0", CodeKind.ITEM, GTIN),
        ("]E04006381333931", None, CodeKind.ITEM, GTIN),
        ("0036000291452", "]E0", CodeKind.ITEM, "00036000291452"),
        ("036000291452", None, CodeKind.ITEM, "00036000291452"),
        ("55123457", "]E4", CodeKind.ITEM, "00000055123457"),
        # ]E3: the 2- or 5-digit add-on follows the 13 digits; it is not the GTIN.
        ("400638133393112", "]E3", CodeKind.ITEM, GTIN),
        ("978187367100954499", "]E3", CodeKind.ITEM, "09781873671009"),
        ("4006381333931", "]E3", CodeKind.ITEM, GTIN),
        ("04006381333931", "]I1", CodeKind.ITEM, GTIN),  # ITF-14
        # GS1 DataBar, DataMatrix, QR, GS1-128: AI 01, with lot, expiry, serial.
        ("0104006381333931", "]e0", CodeKind.ITEM, GTIN),
        ("01" + GTIN + "10LOT42" + GS + "17260630", "]C1", CodeKind.ITEM, GTIN),
        ("01" + GTIN + "17260630" + "10LOT42", "]C1", CodeKind.ITEM, GTIN),
        ("01" + GTIN + "21SER9" + GS + "10LOT42" + GS + "17260630", "]d2", CodeKind.ITEM, GTIN),
        ("01" + GTIN + "10LOT42" + GS + "17260630", "]Q3", CodeKind.ITEM, GTIN),
        ("01" + GTIN + "10LOT42" + GS + "17260630", None, CodeKind.ITEM, GTIN),
        ("01" + GTIN + "10LOT42" + GS, "]C1", CodeKind.ITEM, GTIN),  # trailing FNC1
        (GS + "01" + GTIN, None, CodeKind.ITEM, GTIN),  # leading FNC1 sent as GS
        ("]C1" + "01" + GTIN + "10LOT42", "]C1", CodeKind.ITEM, GTIN),  # id reported twice
        ("02" + GTIN + "3712", "]C1", CodeKind.ITEM, GTIN),  # content GTIN of a case
        ("https://id.gs1.org/01/" + GTIN, "]Q3", CodeKind.ITEM, GTIN),  # Digital Link
        # AI 00: the SSCC of a logistic unit, even with its content after it.
        ("00" + SSCC, "]C1", CodeKind.PARCEL, SSCC),
        ("00" + SSCC, None, CodeKind.PARCEL, SSCC),
        ("00" + SSCC + "02" + GTIN + "3712", "]C1", CodeKind.PARCEL, SSCC),
        # The DotCode id ]J1 is missing from biip's table: parse without it.
        ("01" + GTIN, "]J1", CodeKind.ITEM, GTIN),
    ],
)
def test_gs1_hard_cases(raw, symbology, kind, value):
    code = identify(raw, symbology)  # lot, expiry... are checked in test_domain_scanning_gs1.py
    assert (code.kind, code.value, code.raw) == (kind, value, raw)


@pytest.mark.parametrize(
    ("raw", "symbology"),
    [
        ("0104006381333932", "]C1"),  # bad GTIN check digit
        ("00106141411234567898", "]C1"),  # bad SSCC check digit
        ("400638133393", "]E0"),  # EAN-13 one digit short
        ("01" + "4006381333931", None),  # AI 01 with 13 digits
        ("01" + "4006381333931", "]C1"),
        ("01" + GTIN + "junk", "]d2"),  # not an AI after the GTIN
        ("01" + GTIN + "10LOT42" + GS + "17261340", "]C1"),  # month 13
        ("https://id.gs1.org/01/", None),  # Digital Link without its key
        ("0000000000000", None),  # never allocated, though its check digit fits
        ("00" + "0" * 18, "]C1"),
        ("٤٠٠٦٣٨١٣٣٣٩٣١", None),  # Arabic-Indic digits are not GS1 data
        ("RMA٠٠٠٠٠٠٤٢", None),
        ("12", "]E1"),  # an add-on read on its own
    ],
)
def test_invalid_gs1_data_is_unknown(raw, symbology):
    assert identify(raw, symbology) == ScannedCode(CodeKind.UNKNOWN, "", raw)


# Each of these made biip raise (IndexError, ParseError, ValueError) before.
@pytest.mark.parametrize(
    ("raw", "symbology"),
    [
        ("]", None),
        ("]1234", None),
        ("]]12", None),
        ("]\ud800", None),
        ("]Y\x00(", None),
        ("]C", None),
        ("]C1", None),
        ("]C1" + GS, None),
        ("]d2junk", None),
        ("]C1]1", None),
        ("http://[", None),
        ("https://[::1", "]Q3"),
        ("0104006381333931", "]"),
        ("0104006381333931", "]1"),
        ("0104006381333931", "]x9"),
        ("0104006381333931", "]\x00\x00"),
        ("0104006381333931", "]é1"),
    ],
)
def test_inputs_that_crashed_biip_are_unknown_or_read_without_the_bad_id(raw, symbology):
    code = identify(raw, symbology)
    assert code.raw == raw
    assert code.kind in (CodeKind.UNKNOWN, CodeKind.ITEM)
    if code.kind is CodeKind.ITEM:  # the bad id is ignored, the data still read
        assert code.value == GTIN


def test_an_unknown_aim_id_in_the_code_is_dropped_and_the_data_still_read():
    assert identify("]x94006381333931") == ScannedCode(CodeKind.ITEM, GTIN, "]x94006381333931")
    assert identify("]x9").kind is CodeKind.UNKNOWN


def test_patterns_are_ascii_only():
    # Unicode case mapping would turn these into real-looking codes.
    for raw in ("badge-ıııı", "tote-٠٠٤٢", "rma٠٠٠٠٠٠٤٢", "B-0３-12-2"):
        assert identify(raw).kind is CodeKind.UNKNOWN, raw


def test_patterns_are_read_behind_an_aim_id():
    assert identify("]A0TOTE-0042").value == "TOTE-0042"
    assert identify("]C1RMA00000042", "]C1").kind is CodeKind.RMA


def test_a_symbology_that_is_not_an_aim_id_is_ignored():
    for symbology in ("", "C1", "]", "]C", "]C10", "]1x", "]x9", "]Y9", "]ＣＱ"):
        assert identify(GTIN, symbology).value == GTIN, symbology


@pytest.mark.parametrize(
    ("symbology", "expected"),
    [
        (None, ""), ("]C1", "]C1"), (" ]d2\n", "]d2"), ("]e0", "]e0"), ("]E3", "]E3"),
        ("]", ""), ("]C", ""), ("]C1x", ""), ("]x9", ""), ("]J1", ""), ("]Y9", ""),
        ("]١1", ""), ("C1", ""),
    ],
)
def test_only_aim_ids_biip_knows_are_passed_on(symbology, expected):
    assert biip_symbology(symbology) == expected


def test_huge_control_and_surrogate_inputs_are_unknown():
    for raw in ("0" * 10_000_000, "\x00" * 100, GS * 600, "\ud800\udfff", "]" * 513):
        assert identify(raw, "]C1").kind is CodeKind.UNKNOWN
