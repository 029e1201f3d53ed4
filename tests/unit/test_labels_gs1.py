"""GS1 check digits, GTIN validation and SSCC construction."""

import pytest

from labels.gs1 import (
    gs1_check_digit,
    is_valid_gtin,
    is_valid_sscc,
    make_gtin13,
    make_sscc,
    sscc_hri,
    validate_sscc,
)


@pytest.mark.parametrize(
    ("payload", "check"),
    [
        ("10614141123456789", "7"),  # GS1 General Specifications SSCC example
        ("400638133393", "1"),  # GTIN-13 4006381333931
        ("03600029145", "2"),  # UPC-A 036000291452
        ("1234567", "0"),  # GTIN-8 12345670
        ("1061414100041", "5"),  # GTIN-14 10614141000415
    ],
)
def test_check_digit_matches_published_examples(payload, check):
    assert gs1_check_digit(payload) == check


@pytest.mark.parametrize("bad", ["", "12a4", " 123", "１２３", None])
def test_check_digit_rejects_non_ascii_digits(bad):
    with pytest.raises(ValueError, match="ASCII digits"):
        gs1_check_digit(bad)


@pytest.mark.parametrize(
    "code", ["4006381333931", "036000291452", "12345670", "10614141000415"]
)
def test_valid_gtins_of_every_length(code):
    assert is_valid_gtin(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "4006381333932",  # wrong check digit
        "40063813339",  # 11 digits is no GTIN length
        "400638133393100",  # 15 digits
        " 4006381333931",  # biip would strip this; a barcode must not
        "４００６３８１３３３９３１",  # full-width digits
        "400638133393A",
        "",
        None,
    ],
)
def test_invalid_gtins_rejected(code):
    assert is_valid_gtin(code) is False


def test_make_gtin13_appends_check_digit():
    assert make_gtin13("400638133393") == "4006381333931"
    assert is_valid_gtin(make_gtin13("376123450001"))


@pytest.mark.parametrize("bad", ["40063813339", "4006381333931", "40063813339X"])
def test_make_gtin13_needs_twelve_digits(bad):
    with pytest.raises(ValueError):
        make_gtin13(bad)


def test_make_sscc_reproduces_gs1_example():
    assert make_sscc(1, "0614141", 123456789) == "106141411234567897"


def test_make_sscc_zero_pads_serial_to_seventeen_digits():
    sscc = make_sscc(3, "7612345", 1)
    assert sscc == "376123450000000016"
    assert sscc[8:17] == "000000001"


def test_make_sscc_longer_prefix_leaves_fewer_serial_digits():
    sscc = make_sscc(0, "1234567890", 999999)
    assert sscc[:17] == "01234567890999999"
    assert is_valid_sscc(sscc)
    with pytest.raises(ValueError, match="does not fit in 6 digits"):
        make_sscc(0, "1234567890", 1_000_000)


def test_make_sscc_rejects_serial_that_does_not_fit():
    with pytest.raises(ValueError, match="does not fit in 9 digits"):
        make_sscc(3, "7612345", 1_000_000_000)


@pytest.mark.parametrize(
    ("ext", "prefix", "serial"),
    [
        (10, "7612345", 1),  # extension is a single digit
        (-1, "7612345", 1),
        (3, "761234", 1),  # company prefix too short
        (3, "76123456789", 1),  # too long
        (3, "76123A5", 1),
        (3, "7612345", -5),
        (3, "7612345", "1"),
    ],
)
def test_make_sscc_rejects_bad_parts(ext, prefix, serial):
    with pytest.raises(ValueError):
        make_sscc(ext, prefix, serial)


def test_validate_sscc_explains_the_problem():
    assert validate_sscc("106141411234567897") == "106141411234567897"
    with pytest.raises(ValueError, match="expected 7"):
        validate_sscc("106141411234567898")
    with pytest.raises(ValueError, match="18 digits"):
        validate_sscc("10614141123456789")
    assert not is_valid_sscc("10614141123456789X")


def test_sscc_hri_groups_company_prefix_and_serial():
    assert sscc_hri("106141411234567897") == "(00) 1 0614141 123456789 7"
    assert sscc_hri("376123450000000016", company_prefix_length=7) == (
        "(00) 3 7612345 000000001 6"
    )
