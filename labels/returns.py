"""The return label: the returns desk scans the big RMA barcode first.

Media: 4x4 in by default (also 4x6 in and 100x150 mm), at 203, 300 or 600 dpi.
Top to bottom: a black RETOUR / RETURN banner, the RMA as Code 128 with its
text, the order reference, the customer (from), the return address (to), and
the carrier with its tracking barcode when known, at the bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

from labels.address import MEDIUM, SMALL, LabelAddress, draw_address, min_address_height
from labels.layout import MAX_MODULE, Canvas, LabelSize, fit_text, label_size
from labels.shipping import GAP, MARGIN, RULE, _caption, _checked, _hrule, _line
from labels.text import LabelDataError, clean_text, printable
from labels.zpl import DESIGN_DPI, QR_SAFE, code128_width, qr_side, validate_code128

__all__ = ["ReturnLabelData", "return_label"]

MAX_CODE = 28  # Code 128 at X = 0.25 mm, quiet zones included, on 100 mm media
BANNER = 7.0
RMA_BARS = 12.0
TRACKING_BARS = 8.0
HRI = 3.0


@dataclass(frozen=True)
class ReturnLabelData:
    """A customer return authorised under ``rma``; carrier data is optional."""

    rma: str
    order_ref: str
    customer: LabelAddress
    return_to: LabelAddress
    carrier: str = ""
    tracking_number: str = ""
    status_url: str = ""  # printed as a QR code: the customer's phone opens the return's status page

    def __post_init__(self) -> None:
        _checked("rma", validate_code128, self.rma)
        if len(self.rma) > MAX_CODE:
            raise LabelDataError("rma", f"is longer than {MAX_CODE} characters")
        for role in ("customer", "return_to"):
            if not isinstance(getattr(self, role), LabelAddress):
                raise LabelDataError(role, "must be a LabelAddress")
        clean_text("order_ref", self.order_ref, required=True, max_chars=40)
        clean_text("carrier", self.carrier, required=False, max_chars=60)
        if not isinstance(self.tracking_number, str):
            raise LabelDataError("tracking_number", "must be text")
        if not isinstance(self.status_url, str) or (self.status_url and not (
                QR_SAFE.fullmatch(self.status_url) and self.status_url.startswith(("https://", "http://")))):
            raise LabelDataError("status_url", "must be an http(s) URL of at most 100 URL characters")
        if self.tracking_number != "":
            _checked("tracking_number", validate_code128, self.tracking_number)
            if len(self.tracking_number) > MAX_CODE:
                raise LabelDataError("tracking_number", f"is longer than {MAX_CODE} characters")


def _code128_module(c: Canvas, data: str, preferred_mm: float, field: str) -> int:
    for module in (min(c.mm(preferred_mm), MAX_MODULE), c.mm_up(0.375), c.mm_up(0.25)):
        if code128_width(data, module) + 20 * module <= c.width:
            return module
    raise LabelDataError(field, f"{data!r} is too long to fit on the label")


def _barcode(c: Canvas, name: str, top: int, data: str, preferred_mm: float,
             bars_mm: float, field: str) -> int:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    module = _code128_module(c, data, preferred_mm, field)
    bars_w = code128_width(data, module)
    c.code128(name, (c.width - bars_w) // 2, top, data, module, c.mm_up(bars_mm))
    y = top + c.mm_up(bars_mm) + gap // 2
    return _line(c, f"{name}.text", m, y, c.width - 2 * m, data, HRI, align="C")


def _bottom_section_height(c: Canvas, data: ReturnLabelData) -> int:
    if not (data.carrier.strip() or data.tracking_number):
        return 0
    text = fit_text("X", c.width, height=c.mm(3.5), min_height=c.mm_up(2.5)).block_height
    hri = fit_text("X", c.width, height=c.mm(HRI), min_height=c.mm_up(2.5)).block_height
    height = c.mm_up(RULE) + c.mm(GAP) + text + c.mm(2.0)
    if data.tracking_number:
        height += c.mm(GAP) + c.mm_up(TRACKING_BARS) + c.mm(GAP) // 2 + hri
    return height


def return_label(data: ReturnLabelData, dpi: int = DESIGN_DPI,
                 size: str | LabelSize = "4x4") -> bytes:
    """Render the return label as UTF-8 ZPL bytes for a 203, 300 or 600 dpi printer.

    ``size`` is the media: ``"4x4"`` (default), ``"4x6"`` or ``"100x150"``.
    """
    if not isinstance(data, ReturnLabelData):
        raise ValueError("return_label needs a ReturnLabelData")
    c = Canvas(label_size(size), dpi)
    m, gap = c.mm(MARGIN), c.mm(GAP)
    width = c.width - 2 * m
    # Banner: white on black so the desk spots a return in a pile of outbound parcels.
    banner_h = c.mm(BANNER)
    c.fill("banner", 0, 0, c.width, banner_h)
    title = fit_text("RETOUR / RETURN", width, height=c.mm(6.0), min_height=c.mm_up(2.5),
                     max_block_height=banner_h - 2 * c.mm(1.0))
    c.text("banner.text", m, (banner_h - title.block_height) // 2, width, title, reverse=True)
    y = _caption(c, "caption.rma", m, banner_h + gap, width, "RMA")
    y = _barcode(c, "rma", y + gap, data.rma, 0.5, RMA_BARS, "rma") + gap // 2
    y = _line(c, "order", m, y, width, f"CMD / ORDER: {printable(data.order_ref)}", 3.5)
    y = _hrule(c, "rule.from", y + gap) + gap
    bottom = c.height - _bottom_section_height(c, data)
    # What is left is shared: a third for the customer, the rest for where it goes. The status
    # page's QR code, when there is one, stands right of the customer's address.
    room = bottom - y
    module = min(MAX_MODULE, c.mm_up(0.5))
    side = qr_side(module) if data.status_url else 0
    from_width = width - side - gap if side else width
    caption = fit_text("A", from_width, height=c.mm_up(2.2), min_height=c.mm_up(2.2)).block_height
    need = max(caption + gap // 2 + min_address_height(c, data.customer, SMALL) + gap, side + gap)
    from_bottom = y + max(need, room * 2 // 5)
    to_need = c.mm_up(RULE) + gap + caption + gap // 2 + min_address_height(c, data.return_to, MEDIUM) + gap
    to_width = width
    if side and from_bottom + to_need > bottom:
        # A short label with a tracking barcode too (4x4): the QR code stands right of both
        # addresses, so the customer's block is only as tall as it needs.
        if side > bottom - y:
            raise LabelDataError("status_url", "no room for the status page's QR code on this media with a "
                                               "tracking barcode: use a taller label")
        to_width = from_width
        need = caption + gap // 2 + min_address_height(c, data.customer, SMALL) + gap
        from_bottom = y + max(need, min(room * 2 // 5, room - to_need))
    if side:
        c.qr("status_qr", c.width - m // 2 - side, y, data.status_url, module)
    y = _caption(c, "caption.from", m, y, from_width, "DE / FROM")
    draw_address(c, m, y + gap // 2, from_width, from_bottom - gap - y - gap // 2, data.customer,
                 SMALL, "customer")
    if to_width == width:
        y = _hrule(c, "rule.to", from_bottom) + gap
    else:  # stops short of the QR code
        c.rule("rule.to", 0, from_bottom, m + to_width, c.mm_up(RULE))
        y = from_bottom + c.mm_up(RULE) + gap
    y = _caption(c, "caption.to", m, y, to_width, "A / TO")
    draw_address(c, m, y + gap // 2, to_width, bottom - gap - y - gap // 2, data.return_to,
                 MEDIUM, "return_to")
    if bottom < c.height:
        y = _hrule(c, "rule.carrier", bottom) + gap
        carrier = printable(data.carrier) or "SUIVI / TRACKING"
        y = _line(c, "carrier", m, y, width, carrier, 3.5)
        if data.tracking_number:
            _barcode(c, "tracking", y + gap, data.tracking_number, 0.375, TRACKING_BARS,
                     "tracking_number")
    return c.finish()
