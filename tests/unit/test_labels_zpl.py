"""ZPL builder: escaping of field data, barcode validation, dpi scaling."""

import re

import pytest

from labels.zpl import ZplLabel, code128_width, escape_field, validate_code128

FIELD = re.compile(r"\^FH_\^FD(.*?)\^FS")
# Every command this package is allowed to emit; anything else is injected.
KNOWN_COMMANDS = {"XA", "CI", "PW", "LL", "LH", "FO", "A0", "FH", "FD", "FS",
                  "FB", "FR", "BY", "BC", "GB", "XZ"}


def decode(field_data: str) -> str:
    """What the printer shows after ^FH_: _XX -> byte, bytes read as UTF-8."""
    assert field_data.isascii()
    raw = re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m[1], 16)]),
                 field_data.encode("ascii"))
    return raw.decode("utf-8")


def commands(zpl: str) -> list[str]:
    return [chunk[:2] for chunk in zpl.split("^")[1:]]


def test_safe_text_passes_through_unchanged():
    assert escape_field("12 rue de la Paix, Bat. B (2e) #4 & co") == (
        "12 rue de la Paix, Bat. B (2e) #4 & co"
    )


@pytest.mark.parametrize(
    ("char", "escaped"),
    [("^", "_5E"), ("~", "_7E"), ("_", "_5F"), ("\\", "_5C"), ("é", "_C3_A9"),
     ("€", "_E2_82_AC"), ("📦", "_F0_9F_93_A6")],
)
def test_unsafe_characters_become_utf8_hex_bytes(char, escaped):
    assert escape_field(f"a{char}b") == f"a{escaped}b"


def test_injection_text_has_no_caret_or_tilde_and_decodes_back():
    hostile = "Bob^XZ~JR^FS^XA~JA"
    escaped = escape_field(hostile)
    assert "^" not in escaped and "~" not in escaped
    assert decode(escaped) == hostile


def test_control_characters_become_spaces():
    escaped = escape_field("Bob\x00Smith\r\nBat\x1bC\x7f\u2028end")
    assert decode(escaped) == "Bob Smith Bat C end"
    assert all(ord(ch) >= 0x20 for ch in decode(escaped))


def test_accented_french_text_round_trips():
    text = "Élodie Dupré, 12 rue de l'Église, Saint-Étienne, Noël à Besançon"
    assert decode(escape_field(text)) == text


def test_lone_surrogate_does_not_crash():
    assert decode(escape_field("a\ud800b")) == "a?b"


def test_overlong_text_rejected():
    with pytest.raises(ValueError, match="too long"):
        escape_field("é" * 1000)


def test_label_frame_declares_utf8_and_4x6_at_203_dpi():
    zpl = ZplLabel().to_zpl()
    assert zpl.splitlines() == ["^XA", "^CI28", "^PW812", "^LL1218", "^LH0,0", "^XZ"]


def test_text_field_uses_fh_and_keeps_one_label_frame():
    label = ZplLabel()
    label.text(30, 40, "Bob^XZ~JR^", height=30)
    zpl = label.to_zpl()
    assert "^FO30,40^A0N,30,30^FH_^FDBob_5EXZ_7EJR_5E^FS" in zpl
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    assert "~" not in zpl
    assert set(commands(zpl)) <= KNOWN_COMMANDS


def test_block_wraps_with_field_block_and_neutralises_backslash():
    label = ZplLabel()
    label.block(30, 300, "Allée des Tilleuls\\&Bât 3", width=752, lines=3, height=38)
    zpl = label.to_zpl()
    assert "^FO30,300^A0N,38,38^FB752,3,0,L,0^FH_^FD" in zpl
    [data] = FIELD.findall(zpl)
    assert decode(data) == "Allée des Tilleuls/&Bât 3"


@pytest.mark.parametrize("font", ["0^XZ", "", "a", "00"])
def test_font_name_cannot_smuggle_commands(font):
    with pytest.raises(ValueError, match="font"):
        ZplLabel().text(0, 0, "x", font=font)


def test_reverse_text_flag():
    label = ZplLabel()
    label.text(10, 10, "RETOUR", reverse=True)
    assert "^FR^FH_^FDRETOUR^FS" in label.to_zpl()


def test_code128_field_with_interpretation_line():
    label = ZplLabel()
    label.code128(50, 60, "6A12345678901", height=120)
    assert "^BY2^FO50,60^BCN,120,Y,N,N^FD>:6A12345678901^FS" in label.to_zpl()


def test_code128_doubles_invocation_character():
    label = ZplLabel()
    label.code128(0, 0, "A>B", human_readable=False)
    assert "^BCN,100,N,N,N^FD>:A><B^FS" in label.to_zpl()


@pytest.mark.parametrize("bad", ["ABC^XZ", "A~JR", "Dupré", "A\nB", "A\x00", ""])
def test_code128_rejects_non_printable_ascii_and_command_prefixes(bad):
    with pytest.raises(ValueError):
        validate_code128(bad)
    with pytest.raises(ValueError):
        ZplLabel().code128(0, 0, bad)


def test_code128_width_counts_start_check_and_stop():
    # 3 data + start + check = 5 symbols of 11 modules, stop is 13 modules
    assert code128_width("ABC", 2) == (5 * 11 + 13) * 2


def test_gs1_128_sscc_uses_start_c_and_fnc1():
    label = ZplLabel()
    label.gs1_128(94, 968, "(00)106141411234567897", height=190, module=4)
    assert "^BY4^FO94,968^BCN,190,N,N,N^FD>;>800106141411234567897^FS" in label.to_zpl()


def test_gs1_128_separates_variable_length_ai_with_fnc1():
    label = ZplLabel()
    label.gs1_128(0, 0, "(01)04006381333931(10)123(17)250101")
    # (10) is variable length: FNC1 after it; its odd digit count ends in subset B
    assert "^FD>;>801040063813339311012>63>8>517250101^FS" in label.to_zpl()


@pytest.mark.parametrize(
    "bad", ["(00)106141411234567898", "00106141411234567897", "(10)AB^XZ", "(99)"]
)
def test_gs1_128_rejects_invalid_element_strings(bad):
    with pytest.raises(ValueError):
        ZplLabel().gs1_128(0, 0, bad)


def test_300_dpi_scales_frame_coordinates_and_sizes():
    label = ZplLabel(dpi=300)
    label.text(100, 203, "x", height=30)
    label.code128(0, 0, "ABC", height=100, module=2)
    label.box(0, 0, 812, 3, thickness=3)
    zpl = label.to_zpl()
    assert "^PW1200" in zpl and "^LL1800" in zpl
    assert "^FO148,300^A0N,44,44" in zpl
    assert "^BY3^FO0,0^BCN,148," in zpl
    assert "^GB1200,4,4^FS" in zpl


def test_600_dpi_doubles_the_300_dpi_frame():
    assert "^PW2400" in ZplLabel(dpi=600).to_zpl() and "^LL3600" in ZplLabel(dpi=600).to_zpl()


@pytest.mark.parametrize("dpi", [200, 400, "203", True])
def test_unsupported_dpi_rejected(dpi):
    with pytest.raises(ValueError, match="dpi"):
        ZplLabel(dpi=dpi)


@pytest.mark.parametrize("coord", [-1, 1.5, True, "10"])
def test_coordinates_must_be_non_negative_ints(coord):
    with pytest.raises(ValueError):
        ZplLabel().text(coord, 0, "x")


def test_line_is_a_thin_graphic_box():
    label = ZplLabel()
    label.line(0, 190, 812, thickness=3)
    label.line(530, 10, 170, vertical=True)
    zpl = label.to_zpl()
    assert "^FO0,190^GB812,3,3^FS" in zpl
    assert "^FO530,10^GB2,170,2^FS" in zpl
