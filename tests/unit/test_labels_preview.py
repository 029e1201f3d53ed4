"""On-screen SVG previews, the labels-preview CLI and the package surface."""

import xml.etree.ElementTree as ET

import pytest

import labels
from labels.cli import main, sample_return_data, sample_shipping_data
from labels.preview import barcode_svg


def test_code128_preview_is_svg_xml_with_bars():
    svg = barcode_svg("6A12345678901")
    assert isinstance(svg, bytes) and b"<svg" in svg
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}rect")) > 10
    assert b"6A12345678901" in svg  # the human-readable text under the bars


def test_ean13_preview_draws_the_gtin():
    svg = barcode_svg("400638133393", symbology="ean13")
    assert b"4006381333931" in svg  # python-barcode adds the check digit


@pytest.mark.parametrize(("data", "symbology"),
                         [("Dupré", "code128"), ("", "code128"), ("123", "qr")])
def test_preview_rejects_undrawable_input(data, symbology):
    with pytest.raises(ValueError):
        barcode_svg(data, symbology=symbology)


def test_cli_writes_shipping_zpl_at_300_dpi(tmp_path, capsys):
    out = tmp_path / "out.zpl"
    assert main(["shipping", str(out), "--dpi", "300"]) == 0
    zpl = out.read_bytes().decode("utf-8")
    assert zpl.startswith("^XA\n^CI28\n^PW1200\n^LL1800")
    assert f">;>800{sample_shipping_data().sscc}" in zpl
    assert "wrote shipping label (300 dpi" in capsys.readouterr().out


def test_cli_writes_return_zpl(tmp_path, capsys):
    out = tmp_path / "rma.zpl"
    assert main(["return", str(out)]) == 0
    zpl = out.read_text(encoding="utf-8")
    assert "^PW812" in zpl
    assert f"^FD>:{sample_return_data().rma}^FS" in zpl
    capsys.readouterr()


def test_cli_rejects_unknown_dpi(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["shipping", str(tmp_path / "x.zpl"), "--dpi", "400"])
    assert "invalid choice" in capsys.readouterr().err
    assert not (tmp_path / "x.zpl").exists()


def test_package_exports_the_public_api():
    for name in labels.__all__:
        assert getattr(labels, name) is not None
    assert labels.make_sscc(1, "0614141", 123456789) == "106141411234567897"
