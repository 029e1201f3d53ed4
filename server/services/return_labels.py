"""A return's labels: ZPL for the returns desk's printer (through the printer fleet) and a PDF
the customer prints at home: the RMA as a Code 128 barcode (python-barcode) and as a QR code
(segno), both drawn as filled rectangles by fpdf2 (vectors), with the order, the customer and the return address.

The desk scans the Code 128 (tests/unit/test_return_label_pdf.py rasterises the PDF and reads
both codes back with zxing-cpp).
"""
from __future__ import annotations

import logging
from pathlib import Path

import barcode
import segno
from anyascii import anyascii
from fpdf import FPDF

from server.models import Return
from wire import texts

log = logging.getLogger(__name__)
# A Unicode font when the system has one (names in any script); else PDF core Helvetica with
# what Latin-1 lacks transliterated (anyascii), as the ZPL labels do.
UNICODE_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf")
BAR_MODULE_MM = 0.4  # Code 128 X dimension: well above what phone and desk scanners need
BAR_HEIGHT_MM = 18.0


def print_at_desk(uow, case: Return) -> dict | None:
    """Queue the ZPL label for the returns desk's printer (the fleet's ``print_return_label``,
    which commits). None when no printer can take it: the PDF still exists."""
    try:
        from server.services.printers import FleetError, print_return_label
    except ImportError:  # no printer fleet in this build
        return None
    try:
        return print_return_label(uow, case.id)
    except FleetError as exc:
        log.info("return label %s not printed: %s", case.rma, exc)
        return {"error": exc.key, "text": str(exc)}


def code128_modules(data: str) -> str:
    """The Code 128 symbol as python-barcode encodes it: "1" a dark module, "0" a light one
    (start, data, check character and stop included)."""
    return barcode.get("code128", data).build()[0]


def draw_code128(pdf: FPDF, data: str, x: float, y: float) -> float:
    """Bars drawn as filled rectangles (vectors: sharp at any zoom or printer). Returns the width."""
    modules = code128_modules(data)
    for start, run in _runs(modules):
        pdf.rect(x + start * BAR_MODULE_MM, y, run * BAR_MODULE_MM, BAR_HEIGHT_MM, style="F")
    return len(modules) * BAR_MODULE_MM


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    matrix = segno.make(data, error="m", micro=False).matrix  # a phone reads QR, rarely Micro QR
    cell = size / len(matrix)
    for row, cells in enumerate(matrix):
        for start, run in _runs("".join("1" if dark else "0" for dark in cells)):
            pdf.rect(x + start * cell, y + row * cell, run * cell, cell, style="F")


def _runs(modules: str):
    """(start, length) of each run of dark modules."""
    start = None
    for index, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = index
        elif module == "0" and start is not None:
            yield start, index - start
            start = None


def return_label_pdf(case: Return, return_to: dict, locale: str = "fr") -> bytes:
    """The customer's label on an A4 page: cut it out and stick it on the parcel."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    write = _font(pdf)
    word = lambda key, **params: texts.text(f"web.ret.{key}", locale, **params)  # noqa: E731
    pdf.set_line_width(0.4)
    pdf.rect(15, 15, 180, 140)
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(15, 15, 180, 14, style="F")
    pdf.set_text_color(255, 255, 255)
    write(20, 19, word("pdf_title"), size=18, width=170)
    pdf.set_text_color(0, 0, 0)
    draw_code128(pdf, case.rma, 24, 36)  # 4 mm left of the box edge, 10 modules of quiet zone
    write(20, 60, case.rma, size=16, width=110)
    draw_qr(pdf, case.rma, 154, 36, 30)
    write(20, 70, f"{word('order')} : {case.order.reference}", size=11, width=120)
    address = case.order.ship_address
    write(20, 84, word("pdf_from"), size=9, width=80)
    _address(write, 20, 90, [address.name, address.line1, address.line2,
                             f"{address.postal_code} {address.city}", address.country])
    write(110, 84, word("pdf_to"), size=9, width=80)
    _address(write, 110, 90, [return_to.get("name", ""), return_to.get("line1", ""), return_to.get("line2", ""),
                              f"{return_to.get('postal_code', '')} {return_to.get('city', '')}",
                              return_to.get("country", "")])
    write(20, 140, word("pdf_instructions"), size=9, width=170)
    return bytes(pdf.output())


def _address(write, x: float, y: float, lines: list[str]) -> None:
    for index, line in enumerate(line for line in lines if line and line.strip()):
        write(x, y + index * 6, line, size=11, width=80)


def _font(pdf: FPDF):
    """A ``write(x, y, text, size, width)`` drawing one line clipped to ``width`` mm."""
    path = next((p for p in UNICODE_FONTS if Path(p).exists()), None)
    if path is not None:
        pdf.add_font("label", fname=path)
        family, clean, more = "label", (lambda value: value), "…"
    else:
        family, clean, more = "helvetica", _latin1, "..."

    def write(x: float, y: float, value: str, *, size: float, width: float) -> None:
        pdf.set_font(family, size=size)
        text = clean(" ".join(str(value).split()))
        if pdf.get_string_width(text) > width:  # cut, and say so
            while text and pdf.get_string_width(text + more) > width:
                text = text[:-1]
            text += more
        pdf.text(x, y + size * 0.35, text)
    return write


def _latin1(value: str) -> str:
    return "".join(ch if ord(ch) < 256 else anyascii(ch) for ch in value)
