"""Injection: ZPL command characters and control characters in any text field stay data.

Checked on the bytes with zplkit's ZPL parser (an independent framer that
knows ^ format commands, ~ control commands and control characters), not only
with our own regular expressions.
"""

import dataclasses

import pytest
from zplkit.parse import parse

from labels import LabelAddress, ReturnLabelData, ShippingLabelData, return_label, shipping_label
from labels.address import ADDRESS_LIMITS
from labels.text import printable
from tests.labels_corpus import printed_texts

HOME = LabelAddress("Élodie Dupré", "12 rue de l'Église", "Bât. B", "42000", "Saint-Étienne",
                    "France", "+33 6 12 34 56 78")
EMITTED = {"XA", "CI", "PW", "LL", "LH", "FO", "A0", "FB", "FR", "FH", "FD", "FS", "BY", "BC",
           "GB", "XZ"}
PAYLOADS = [
    "A^XZ^XA^FO0,0^GB812,1218,812^FS",  # end the label, start a black one
    "B~JR~PS~JA",  # control commands: reset, resume, cancel all
    "C^FS^FO0,0^A0N,200,200^FDX",  # close the field and open a huge one
    "D_5E_7EXZ",  # the ^FH escape character itself, spelling ^ and ~
    "E\\&\\&\\&",  # ^FB line breaks
    "F\x00\x03\x10\x1b\x7f\x85\x9b",  # control characters, C0 and C1
    "G\u2028\u2029\r\n^XZ",  # line separators before a command
    "H^CI0~CC^~CT~",  # change the encoding and the command prefixes
    "I^DFR:EVIL.ZPL^FS~DGR:X.GRF,2,1,FF",  # store a format, download a graphic
]
ADDRESS_FIELDS = ("name", "line1", "line2", "postal_code", "city", "country", "phone")


def assert_only_our_commands(zpl: bytes) -> None:
    elements = parse(zpl).elements
    kinds = {e.kind for e in elements}
    assert "control_command" not in kinds and "control_character" not in kinds
    commands = [bytes(e)[1:3].decode() for e in elements if e.kind == "format_command"]
    assert set(commands) <= EMITTED
    assert commands.count("XA") == 1 and commands.count("XZ") == 1
    assert b"~" not in zpl
    assert all(0x20 <= b < 0x7F or b == 0x0A for b in zpl)


def parcel(**changes) -> ShippingLabelData:
    data = ShippingLabelData(sender=HOME, recipient=HOME, carrier="Colissimo", service="Domicile",
                             tracking_number="6A12345678901", sscc="376123450000000016",
                             order_ref="CMD-2024-004217", weight_g=2350, routing_barcode=False)
    return dataclasses.replace(data, **changes)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("role", ["sender", "recipient"])
@pytest.mark.parametrize("field", ADDRESS_FIELDS)
def test_every_address_field_of_the_shipping_label(field, role, payload):
    payload = payload[:ADDRESS_LIMITS[field]]  # a postal code is 20 characters at most
    zpl = shipping_label(parcel(**{role: dataclasses.replace(HOME, **{field: payload})}))
    assert_only_our_commands(zpl)
    visible = printable(payload).upper() if field in ("city", "country") else printable(payload)
    core = visible.split(" ")[0][:4]
    assert any(core in text for text in printed_texts(zpl.decode())), (visible, printed_texts(zpl.decode()))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["carrier", "service", "order_ref"])
def test_every_parcel_text_field(field, payload):
    zpl = shipping_label(parcel(**{field: payload}), dpi=300, size="100x150")
    assert_only_our_commands(zpl)
    assert any(printable(payload)[:4] in text for text in printed_texts(zpl.decode()))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["order_ref", "carrier", *(f"customer.{f}" for f in ADDRESS_FIELDS),
                                   *(f"return_to.{f}" for f in ADDRESS_FIELDS)])
def test_every_text_field_of_the_return_label(field, payload):
    data = ReturnLabelData("RMA-1", "CMD-1", HOME, HOME, "Colissimo", "8R00000000123")
    if "." in field:
        role, name = field.split(".")
        value = payload[:ADDRESS_LIMITS[name]]
        data = dataclasses.replace(data, **{role: dataclasses.replace(HOME, **{name: value})})
    else:
        data = dataclasses.replace(data, **{field: payload})
    assert_only_our_commands(return_label(data))


@pytest.mark.parametrize("code", ["6A^XZ", "6A~JR", "6A\x00", "6A\n", "6Aé", ">;>8", "6A_5E"])
def test_barcode_data_is_validated_not_escaped(code):
    if code in (">;>8", "6A_5E"):  # printable ASCII: sent, with > doubled so it stays data
        zpl = shipping_label(parcel(tracking_number=code))
        assert_only_our_commands(zpl)
        assert f"^FD>:{code.replace('>', '><')}^FS".encode() in zpl
    else:
        with pytest.raises(ValueError, match="tracking_number"):
            parcel(tracking_number=code)
