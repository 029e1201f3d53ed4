"""The customer's return label PDF: rasterised by poppler's pdftoppm and read back with
zxing-cpp, the RMA comes out of both the Code 128 and the QR code; names in any script fit."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import zxingcpp

from server.models import Return
from server.services import return_labels
from tests.returns_kit import open_rma, shipped_order

WAREHOUSE = {"name": "Colis — Entrepôt Lyon Sud", "line1": "ZI des Platanes, quai 4", "line2": "",
             "postal_code": "69200", "city": "Vénissieux", "country": "FR"}


def rasterise(pdf: bytes, tmp_path, dpi: int = 200) -> tuple[int, int, bytes]:
    """The first page as 8-bit grey pixels (PGM from pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm (poppler-utils) is required under CI")
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF cannot be rasterised")
    source = tmp_path / "label.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
                   check=True, timeout=60)
    pgm = next(tmp_path.glob("page*.pgm")).read_bytes()
    magic, width, height, maxval, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(width), int(height), pixels[: int(width) * int(height)]


def decode(width: int, height: int, pixels: bytes) -> dict[str, str]:
    image = memoryview(pixels).cast("B", (height, width))
    return {found.format.name: found.text for found in zxingcpp.read_barcodes(image)}


@pytest.fixture
def a_return(floor):
    with floor.uow() as uow:
        shipped = shipped_order(uow, name="Αθηνά Παπαδοπούλου-Ñúñez, 3ᵉ étage")
        rma = open_rma(uow, shipped, [("lamp", 1, "wrong_size")])
        uow.commit()
    return rma


def label_of(floor, rma: str, locale: str) -> bytes:
    with floor.uow() as uow:
        case = uow.session.query(Return).filter_by(rma=rma).one()
        return return_labels.return_label_pdf(case, WAREHOUSE, locale)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_rma_reads_back_from_the_code_128_and_the_qr_code(floor, a_return, tmp_path, locale):
    pdf = label_of(floor, a_return, locale)
    assert pdf.startswith(b"%PDF-")
    found = decode(*rasterise(pdf, tmp_path))
    assert found == {"Code128": a_return, "QRCode": a_return}


def test_without_a_unicode_font_names_are_transliterated_and_still_printed(floor, a_return, tmp_path, monkeypatch):
    monkeypatch.setattr(return_labels, "UNICODE_FONTS", ())
    pdf = label_of(floor, a_return, "fr")
    assert decode(*rasterise(pdf, tmp_path))["Code128"] == a_return
    assert subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode().count("Athina Papadopo") == 1
