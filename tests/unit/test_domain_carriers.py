"""Carrier services and tracking numbers (server/domain/shipping): plain rules, no database."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from server.domain.shipping import services as svc
from server.domain.shipping.tracking import (BadTrackingNumber, dpd_label_number, is_valid_dpd, is_valid_dpd_barcode,
                                             iso7064_mod37_36, is_valid_s10, is_valid_ups, make_dpd, make_s10, make_ups,
                                             s10_check_digit, ups_check_digit)

# --- tracking numbers: published examples -------------------------------------------------
# S10: the worked example of the UPU S10 check digit (serial 47312482 → 9, Wikipedia "S10 (UPU
# standard)"), and the valid/invalid test numbers of jkeen/tracking_number_data couriers/s10.json.
# UPS: valid test numbers of jkeen/tracking_number_data couriers/ups.json, and UPS's long-used
# sample 1Z999AA10123456784.


def test_s10_check_digit_of_the_standards_worked_example():
    assert s10_check_digit("47312482") == 9


@pytest.mark.parametrize("number", ["RB123456785GB", "RB123456785US", "RB123456785CF", " R B 1 2 3 4 5 6 7 8 5 C F "])
def test_published_s10_numbers_are_valid(number):
    assert is_valid_s10(number)


@pytest.mark.parametrize("number", ["RB123456786US", "RB12345678GB", "R1123456785GB", "RB123456785G", ""])
def test_s10_numbers_with_a_wrong_check_digit_or_shape_are_refused(number):
    assert not is_valid_s10(number)


def test_s10_remainders_ten_and_eleven_become_zero_and_five():
    # S mod 11 == 1 → C = 10 → 0; S mod 11 == 0 → C = 11 → 5.
    assert s10_check_digit("00000000") == 5
    assert s10_check_digit("00004000") == 0  # S = 4*3 = 12, 12 mod 11 = 1
    assert all(is_valid_s10(make_s10("CP", serial, "FR")) for serial in range(0, 2000, 7))


def test_colissimo_international_number_from_the_brief():
    assert make_s10("CP", 12345678, "FR") == "CP123456785FR"
    with pytest.raises(BadTrackingNumber):
        make_s10("C1", 1, "FR")


@pytest.mark.parametrize("number", ["1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591",
                                    "1Z8V92A70367203024", "1Z999AA10123456784", "1z 999 aa1 01 2345 678 4"])
def test_published_ups_numbers_are_valid(number):
    assert is_valid_ups(number)


@pytest.mark.parametrize("number", ["2Z5R89390357567127", "1A5R89390357567127", "1Z1111111111111111",
                                    "1Z999AA10123456785", "1Z999AA1012345678"])
def test_ups_numbers_with_a_wrong_check_digit_or_shape_are_refused(number):
    assert not is_valid_ups(number)


def test_made_ups_numbers_carry_account_service_and_check_digit():
    number = make_ups("999AA1", "01", 2345678)
    assert number == "1Z999AA10123456784"
    assert all(is_valid_ups(make_ups("A1B2C3", "11", n)) for n in range(0, 3000, 11))
    assert ups_check_digit("999AA1012345678") == 4
    with pytest.raises(BadTrackingNumber):
        make_ups("short", "11", 1)


# --- services: promise and cost ------------------------------------------------------------

MONDAY_MORNING = datetime(2026, 11, 30, 9, 0)   # a Monday, local time
FRIDAY_EVENING = datetime(2026, 12, 4, 19, 0)


def test_working_days_skip_the_weekend():
    assert svc.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday + 1 → Monday
    assert svc.next_working_day(date(2026, 12, 5)) == date(2026, 12, 7)


def test_a_parcel_after_the_cutoff_leaves_the_next_working_day():
    chrono = svc.BY_CODE["CHRONO_13"]
    assert svc.hand_over_day(chrono, MONDAY_MORNING) == date(2026, 11, 30)
    assert svc.hand_over_day(chrono, MONDAY_MORNING.replace(hour=18, minute=1)) == date(2026, 12, 1)
    assert svc.hand_over_day(chrono, FRIDAY_EVENING) == date(2026, 12, 7)


def test_the_cheapest_service_that_keeps_a_loose_promise_is_taken():
    parcel = svc.Parcel("FR", "FR", 800)
    choice = svc.choose_service(parcel, date(2026, 12, 4), MONDAY_MORNING)
    assert choice.service.code == "DPD_PREDICT" and choice.meets_promise  # 6.99 € against 7.99 and up
    assert choice.delivers_on == date(2026, 12, 2)
    assert choice.reason[0] == "service_cheapest_on_time"


def test_a_tight_promise_pays_for_the_express_service():
    parcel = svc.Parcel("FR", "FR", 800)
    choice = svc.choose_service(parcel, date(2026, 12, 1), MONDAY_MORNING)  # tomorrow
    assert choice.service.code == "UPS_STANDARD"  # 11.90 € next day, cheaper than Chronopost's 17.90
    cheaper = {code: reason for code, reason, _ in choice.passed_over}
    assert cheaper["DPD_PREDICT"] == "late" and cheaper["COLISSIMO_DOM"] == "late"
    assert cheaper["CHRONO_13"] == "dearer"


def test_no_service_on_time_takes_the_fastest_and_says_the_promise_is_missed():
    parcel = svc.Parcel("FR", "FR", 800)
    choice = svc.choose_service(parcel, date(2026, 11, 30), MONDAY_MORNING)  # today: impossible
    assert not choice.meets_promise and choice.delivers_on == date(2026, 12, 1)
    assert choice.reason[0] == "service_fastest_late"


def test_abroad_uses_abroad_transit_and_price_and_skips_domestic_only_services():
    parcel = svc.Parcel("FR", "DE", 1500)
    choice = svc.choose_service(parcel, date(2026, 12, 10), MONDAY_MORNING)
    assert choice.service.code == "DPD_PREDICT" and choice.cost_cents == 849 + 500
    assert ("CHRONO_13", "no_destination", {"country": "DE"}) in choice.passed_over


def test_weight_limits_rule_services_out_and_nothing_fits_is_an_error():
    heavy = svc.Parcel("FR", "FR", 40_000)
    choice = svc.choose_service(heavy, date(2026, 12, 10), MONDAY_MORNING)
    assert choice.service.code == "UPS_STANDARD"  # the only one up to 70 kg
    with pytest.raises(svc.NoServiceFits, match="no carrier service takes 80000 g to FR"):
        svc.choose_service(svc.Parcel("FR", "FR", 80_000), date(2026, 12, 10), MONDAY_MORNING)
    with pytest.raises(svc.NoServiceFits):
        svc.choose_service(svc.Parcel("FR", "US", 500), date(2026, 12, 10), MONDAY_MORNING)


def test_promised_delivery_by_service_level():
    assert svc.promised_delivery(FRIDAY_EVENING, "express") == date(2026, 12, 7)
    assert svc.promised_delivery(MONDAY_MORNING, "standard") == date(2026, 12, 4)
    assert svc.promised_delivery(MONDAY_MORNING, "unknown-level") == date(2026, 12, 4)


def test_rate_bands_and_the_last_band_is_the_weight_limit():
    colissimo = svc.BY_CODE["COLISSIMO_DOM"]
    assert [colissimo.price(w, False) for w in (1, 500, 501, 30000, 30001)] == [649, 649, 799, 2899, None]
    assert colissimo.price(500, True) == 649 + 900
    assert all(s.rates[-1].max_weight_g == s.max_weight_g for s in svc.CATALOGUE)
    assert all(isinstance(s.cutoff, time) for s in svc.CATALOGUE)


# --- DPD: ISO/IEC 7064 MOD 37,36 (DPD Parcel Label Specification) -----------------------------
# Vectors: the two valid and two invalid label numbers of jkeen/tracking_number_data
# couriers/dpd.json (27 characters and their check character), and Lobster's published
# ISO 7064 Mod 37/36 examples (123AB → X, DADPIDA3897722461 → J, A12425GABC1234002 → M).

@pytest.mark.parametrize("data, check", [("123AB", "X"), ("DADPIDA3897722461", "J"), ("A12425GABC1234002", "M")])
def test_mod37_36_published_examples(data, check):
    assert iso7064_mod37_36(data) == check


@pytest.mark.parametrize("label", ["00 81827 0998 0000 0200 33 350 276 C", "0081 827 0998 0000 0200 45 327 276 N"])
def test_published_dpd_label_numbers_are_valid(label):
    assert is_valid_dpd_barcode(label)


@pytest.mark.parametrize("label", ["008182709980000020033350276A", "0081 827 0998 0000 0200 45 000 000 N"])
def test_dpd_label_numbers_with_a_wrong_check_character_are_refused(label):
    assert not is_valid_dpd_barcode(label)


def test_dpd_parcel_numbers_with_and_without_the_labels_check_character():
    number = make_dpd("0250", 1234567890)
    assert number == "02501234567890" and is_valid_dpd(number)
    printed = dpd_label_number(number)
    assert len(printed) == 15 and is_valid_dpd(printed)
    wrong = printed[:-1] + ("A" if printed[-1] != "A" else "B")
    assert not is_valid_dpd(wrong)
    assert not is_valid_dpd("0250123456789") and not is_valid_dpd("1Z999AA10123456784")
    with pytest.raises(BadTrackingNumber):
        make_dpd("25", 1)
    with pytest.raises(BadTrackingNumber):
        iso7064_mod37_36("a-b")
