from server.domain.scanning import CodeKind, identify


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
