"""Shipping and return labels rendered end to end."""

import dataclasses
import re
from datetime import date

import pytest

from labels import (
    LabelAddress,
    ReturnLabelData,
    ShippingLabelData,
    make_sscc,
    return_label,
    shipping_label,
)

FIELD = re.compile(r"\^FH_\^FD(.*?)\^FS")
FD_DATA = re.compile(r"\^FD(.*?)\^FS")
KNOWN_COMMANDS = {"XA", "CI", "PW", "LL", "LH", "FO", "A0", "FH", "FD", "FS",
                  "FB", "FR", "BY", "BC", "GB", "XZ"}

WAREHOUSE = LabelAddress("Colis Lyon Sud", "ZI des Platanes, quai 4", "",
                         "69200", "Vénissieux", "France")
ELODIE = LabelAddress(
    name="Élodie Dupré",
    line1="Résidence les Jardins de l'Abbaye, bâtiment C, 12 rue de l'Église",
    line2="Escalier 2",
    postal_code="42000",
    city="Saint-Étienne",
    country="France",
    phone="+33 6 12 34 56 78",
)


def decode(field_data: str) -> str:
    assert field_data.isascii()
    raw = re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m[1], 16)]),
                 field_data.encode("ascii"))
    return raw.decode("utf-8")


def texts(zpl: str) -> list[str]:
    return [decode(data) for data in FIELD.findall(zpl)]


def parcel(**changes) -> ShippingLabelData:
    data = ShippingLabelData(
        sender=WAREHOUSE,
        recipient=ELODIE,
        carrier="Colissimo",
        service="Domicile",
        tracking_number="6A12345678901",
        sscc="376123450000000016",
        order_ref="CMD-2024-004217",
        weight_g=2350,
    )
    return dataclasses.replace(data, **changes)


def render(data: ShippingLabelData, dpi: int = 203) -> str:
    return shipping_label(data, dpi=dpi).decode("utf-8")


def assert_single_clean_label(zpl: str) -> None:
    assert zpl.startswith("^XA\n^CI28\n") and zpl.endswith("^XZ\n")
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    assert "~" not in zpl
    assert {chunk[:2] for chunk in zpl.split("^")[1:]} <= KNOWN_COMMANDS
    for data in FD_DATA.findall(zpl):
        assert "^" not in data and "~" not in data
        assert all(0x20 <= ord(ch) < 0x7F for ch in data)


def test_shipping_label_is_utf8_bytes_of_one_label():
    raw = shipping_label(parcel())
    assert isinstance(raw, bytes)
    assert_single_clean_label(raw.decode("utf-8"))


def test_recipient_accents_round_trip():
    shown = texts(render(parcel()))
    assert "Élodie Dupré" in shown
    # the street wraps onto two lines; read in order, it is the street as given
    assert "Résidence les Jardins de l'Abbaye, bâtiment C, 12 rue de l'Église" in " ".join(shown)
    assert "42000 SAINT-ÉTIENNE" in shown
    assert "FRANCE Tel: +33 6 12 34 56 78" in shown


def test_long_street_wraps_over_two_lines_across_the_label():
    zpl = render(parcel())
    fields = re.findall(r"\^FO(\d+),(\d+)\^A0N,(\d+),(\d+)\^FB(\d+),1,0,L,0\^FH_\^FD(.*?)\^FS", zpl)
    street = [f for f in fields if decode(f[5]).startswith("Résidence")]
    [first] = street
    following = fields[fields.index(first) + 1]
    assert decode(first[5]) + " " + decode(following[5]) == ELODIE.line1
    assert first[0] == following[0] == "24"  # same left margin, 3 mm
    assert first[4] == following[4] == "764"  # the whole width between the margins
    assert int(following[1]) > int(first[1]) + int(first[2])  # the next line, below


def test_injection_in_customer_fields_is_neutralised():
    hostile = LabelAddress("Bob^XZ~JR^", "1 rue^FS~JA\x00\x1b", "", "75001",
                           "Paris\r\n^XA", "France", phone="~PS")
    zpl = render(parcel(recipient=hostile, order_ref="^XZ~JR"))
    assert_single_clean_label(zpl)
    shown = texts(zpl)
    assert "Bob^XZ~JR^" in shown
    assert "1 rue^FS~JA" in shown
    assert "75001 PARIS ^XA" in shown
    assert "CMD / ORDER: ^XZ~JR" in shown


def test_carrier_tracking_barcode_with_its_text_under_the_bars():
    zpl = render(parcel())
    assert re.search(r"\^BCN,\d+,N,N,N\^FD>:6A12345678901\^FS", zpl)
    assert "6A12345678901" in texts(zpl)  # printed by us, so we know where it lands
    assert "Colissimo" in texts(zpl)


def test_sscc_as_gs1_128_at_the_gs1_logistic_label_size():
    zpl = render(parcel(sscc="106141411234567897"))
    # X = 4 dots = 0.5 mm (GS1 minimum 0.495 mm), bars 256 dots = 32 mm (>= 31.75 mm)
    assert re.search(r"\^BY4\^FO\d+,\d+\^BCN,256,N,N,N\^FD>;>800106141411234567897\^FS", zpl)
    assert "(00) 1 0614141 123456789 7" in texts(zpl)


def test_order_weight_package_and_date_row():
    shown = texts(render(parcel(weight_g=12050, package_no=2, package_count=3,
                                ship_date=date(2024, 11, 5))))
    assert "CMD / ORDER: CMD-2024-004217" in shown
    assert "POIDS / WEIGHT: 12.05 kg" in shown
    assert "2/3" in shown
    assert "2024-11-05" in shown


def test_single_package_reads_one_of_one_and_no_date_without_ship_date():
    shown = texts(render(parcel()))
    assert "1/1" in shown
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) for text in shown)


def test_300_dpi_lays_out_the_same_label_on_the_larger_canvas():
    zpl = render(parcel(), dpi=300)
    assert "^PW1200" in zpl and "^LL1800" in zpl
    origins = [tuple(map(int, m)) for m in re.findall(r"\^FO(\d+),(\d+)", zpl)]
    assert max(x for x, _ in origins) < 1200 and max(y for _, y in origins) < 1800
    # X = 6 dots = 0.51 mm, bars 378 dots = 32 mm at 300 dpi
    assert re.search(r"\^BY6\^FO\d+,\d+\^BCN,378,N,N,N\^FD>;>800376123450000000016\^FS", zpl)
    assert " ".join(texts(zpl)) == " ".join(texts(render(parcel())))


@pytest.mark.parametrize(
    "sscc",
    ["376123450000000017", "37612345000000001", "3761234500000000160",
     "37612345000000001A", "３76123450000000016"],
)
def test_invalid_sscc_rejected(sscc):
    with pytest.raises(ValueError, match="SSCC"):
        parcel(sscc=sscc)


@pytest.mark.parametrize("tracking", ["6A123^XZ", "6A~JR", "6A12é", "", "6A\n1"])
def test_tracking_number_must_be_printable_ascii(tracking):
    with pytest.raises(ValueError):
        parcel(tracking_number=tracking)


@pytest.mark.parametrize(
    "changes",
    [{"weight_g": 0}, {"weight_g": 1.5}, {"package_no": 2},
     {"package_no": 0}, {"carrier": " "}, {"ship_date": "2024-11-05"}],
)
def test_other_bad_parcel_data_rejected(changes):
    with pytest.raises(ValueError):
        parcel(**changes)


def test_tracking_too_long_for_the_label_rejected():
    with pytest.raises(ValueError, match="too long"):
        shipping_label(parcel(tracking_number="9" * 70))


def test_address_requires_name_street_and_city():
    with pytest.raises(ValueError, match="name"):
        LabelAddress(" ", "1 rue", "", "75001", "Paris", "France")


def rma_return(**changes) -> ReturnLabelData:
    data = ReturnLabelData(rma="RMA-2024-000123", order_ref="CMD-2024-004217",
                           customer=ELODIE, return_to=WAREHOUSE)
    return dataclasses.replace(data, **changes)


def test_return_label_has_big_rma_barcode_and_header():
    zpl = return_label(rma_return()).decode("utf-8")
    assert_single_clean_label(zpl)
    assert re.search(r"\^BCN,\d+,N,N,N\^FD>:RMA-2024-000123\^FS", zpl)
    assert zpl.count("^BC") == 1  # no carrier: only the RMA barcode
    shown = texts(zpl)
    assert "RMA-2024-000123" in shown
    assert "RETOUR / RETURN" in shown
    assert "Élodie Dupré" in shown and "Colis Lyon Sud" in shown
    assert "69200 VÉNISSIEUX" in shown


def test_return_label_adds_carrier_tracking_when_known():
    zpl = return_label(rma_return(carrier="Colissimo Retour",
                                  tracking_number="8R00000000123"), dpi=300).decode()
    assert "^PW1200" in zpl
    assert re.search(r"\^BC[^\^]*\^FD>:8R00000000123\^FS", zpl)
    assert "Colissimo Retour" in texts(zpl)


@pytest.mark.parametrize("changes", [{"rma": "RMA~JR"}, {"rma": ""},
                                     {"tracking_number": "8R^XZ"}, {"order_ref": ""}])
def test_return_label_rejects_bad_data(changes):
    with pytest.raises(ValueError):
        rma_return(**changes)


def test_sample_sscc_from_make_sscc_is_accepted():
    assert parcel(sscc=make_sscc(3, "7612345", 42)).sscc == "376123450000000429"



def test_the_sscc_text_groups_the_company_prefix_when_its_length_is_known():
    sscc = make_sscc(0, "3761234", 1)
    zpl = shipping_label(parcel(sscc=sscc, company_prefix_length=7)).decode()
    assert "(00) 0 3761234 000000001 9" in texts(zpl)
    assert "(00) 0 3761234 000000001 9" not in texts(shipping_label(parcel(sscc=sscc)).decode())
