"""The packing slip that goes into the box: what the customer should find in it.

Printed on the station's label printer (4x6 in or 100x150 mm, 203/300/600 dpi), so a packing
bench needs no second printer. Top to bottom, on every page: a black BON DE LIVRAISON /
PACKING SLIP banner; the order reference as Code 128 (the customer service desk scans it
when a parcel comes back); the recipient, the date and "package n of m"; then one row per
order line, quantity in a fixed column and the item's name and SKU fitted to one line (shrunk,
then cut with "..."); the page number and the units on the slip at the foot.

An order with more lines than a page holds takes as many pages as it needs (each a whole
``^XA…^XZ`` label), all listed. Every field is placed by :class:`~labels.layout.Canvas`, which
refuses a layout where two fields overlap or one leaves the media.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from labels.layout import Canvas, LabelSize, fit_text, label_size
from labels.returns import _barcode
from labels.shipping import GAP, MARGIN, _check_int, _checked, _hrule, _line
from labels.text import LabelDataError, clean_text, printable
from labels.zpl import DESIGN_DPI, validate_code128

__all__ = ["PackingSlipData", "SlipLine", "packing_slip"]

MAX_LINES = 500  # an order past that is an export, not a parcel
MAX_QUANTITY = 9999
BANNER = 7.0
ORDER_BARS = 10.0
ROW = 3.5   # text height of an item row, mm
QTY_COLUMN = 14.0
FOOTER = 3.0


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int

    def __post_init__(self) -> None:
        clean_text("line.sku", self.sku, required=True, max_chars=40)
        clean_text("line.name", self.name, required=True, max_chars=200)
        _check_int("line.quantity", self.quantity, 1, MAX_QUANTITY)


@dataclass(frozen=True)
class PackingSlipData:
    order_ref: str
    recipient_name: str
    lines: tuple[SlipLine, ...]
    package_no: int = 1
    package_count: int = 1
    ship_date: date | None = None

    def __post_init__(self) -> None:
        _checked("order_ref", validate_code128, self.order_ref)
        clean_text("recipient_name", self.recipient_name, required=True, max_chars=120)
        if not self.lines or not all(isinstance(line, SlipLine) for line in self.lines):
            raise LabelDataError("lines", "must be one or more SlipLine")
        if len(self.lines) > MAX_LINES:
            raise LabelDataError("lines", f"{len(self.lines)} lines: at most {MAX_LINES}")
        _check_int("package_count", self.package_count, 1, 999)
        _check_int("package_no", self.package_no, 1, self.package_count)
        if self.ship_date is not None and not isinstance(self.ship_date, date):
            raise LabelDataError("ship_date", "must be a date or None")


def packing_slip(data: PackingSlipData, dpi: int = DESIGN_DPI, size: str | LabelSize = "4x6") -> bytes:
    """The slip as UTF-8 ZPL: one label, or several when the lines need more than a page."""
    if not isinstance(data, PackingSlipData):
        raise ValueError("packing_slip needs a PackingSlipData")
    media = label_size(size)
    per_page = _rows_per_page(data, media, dpi)
    pages = [data.lines[start:start + per_page] for start in range(0, len(data.lines), per_page)]
    units = sum(line.quantity for line in data.lines)
    return b"".join(_page(data, media, dpi, rows, number, len(pages), units)
                    for number, rows in enumerate(pages, start=1))


def _header(c: Canvas, data: PackingSlipData) -> int:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    width = c.width - 2 * m
    banner_h = c.mm(BANNER)
    c.fill("banner", 0, 0, c.width, banner_h)
    title = fit_text("BON DE LIVRAISON / PACKING SLIP", width, height=c.mm(5.0), min_height=c.mm_up(2.5),
                     max_block_height=banner_h - 2 * c.mm(1.0))
    c.text("banner.text", m, (banner_h - title.block_height) // 2, width, title, reverse=True)
    y = _barcode(c, "order", banner_h + gap, data.order_ref, 0.375, ORDER_BARS, "order_ref") + gap // 2
    y = _line(c, "recipient", m, y, width, printable(data.recipient_name), 4.0)
    when = data.ship_date.isoformat() if data.ship_date else ""
    parcel = f"COLIS / PACKAGE {data.package_no}/{data.package_count}"
    y = _line(c, "parcel", m, y, width, f"{when}   {parcel}".strip(), 3.0)
    y = _hrule(c, "rule.items", y + gap) + gap
    qty_w = c.mm(QTY_COLUMN)
    _line(c, "caption.qty", m, y, qty_w - gap, "QTE/QTY", 2.5)
    return _line(c, "caption.item", m + qty_w, y, width - qty_w, "ARTICLE / ITEM", 2.5) + gap // 2


def _row_height(c: Canvas) -> int:
    return fit_text("X", c.width, height=c.mm(ROW), min_height=c.mm_up(2.5)).block_height


def _footer_height(c: Canvas) -> int:
    return fit_text("X", c.width, height=c.mm(FOOTER), min_height=c.mm_up(2.5)).block_height + c.mm(GAP)


def _rows_per_page(data: PackingSlipData, media: LabelSize, dpi: int) -> int:
    probe = Canvas(media, dpi)
    room = probe.height - _header(probe, data) - _footer_height(probe) - probe.mm(GAP)
    rows = room // _row_height(probe)
    if rows < 1:
        raise LabelDataError("lines", "no room for one item on this media")
    return rows


def _page(data: PackingSlipData, media: LabelSize, dpi: int, rows: tuple[SlipLine, ...], number: int,
          pages: int, units: int) -> bytes:
    c = Canvas(media, dpi)
    m, gap = c.mm(MARGIN), c.mm(GAP)
    width, qty_w = c.width - 2 * m, c.mm(QTY_COLUMN)
    y = _header(c, data)
    for index, line in enumerate(rows):
        # A row is as tall as its taller field: a long name shrinks, the quantity does not.
        qty_end = _line(c, f"row{index}.qty", m, y, qty_w - gap, str(line.quantity), ROW)
        y = max(qty_end, _line(c, f"row{index}.item", m + qty_w, y, width - qty_w,
                               f"{printable(line.name)} - {line.sku}", ROW))
    footer_top = c.height - _footer_height(c)
    _hrule(c, "rule.footer", footer_top - c.mm_up(0.4))
    _line(c, "footer", m, footer_top + gap // 2, width,
          f"PAGE {number}/{pages}   {units} ARTICLE(S) / ITEM(S)", FOOTER)
    return c.finish()
