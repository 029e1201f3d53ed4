"""The shipping label on every outbound parcel, laid out as a GS1 logistic label.

Media: 4x6 in or 100x150 mm, at 203, 300 or 600 dpi. Top to bottom:

- carrier segment: sender (left); carrier, service and, for carriers that sort
  on it, the routing barcode - GS1-128 ``(420)`` ship-to postal code (right);
- recipient, as large as it fits;
- the carrier's tracking number as Code 128, with its text under the bars;
- order, weight, date, package n of m;
- the SSCC as GS1-128, lowest on the label as GS1 requires, X = 0.5 mm and
  32 mm bars (GS1 General Specifications, symbol specification table for
  logistic units: X 0.495-1.016 mm, bar height at least 31.75 mm; quiet
  zones 10 X), with its grouped human-readable text below.

Every field is placed in dots computed from the media and the resolution, and
:class:`~labels.layout.Canvas` refuses a label where two fields overlap or one
leaves the media.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from labels.address import LARGE, SMALL, LabelAddress, draw_address
from labels.gs1 import sscc_hri, validate_sscc
from labels.layout import MAX_MODULE, Canvas, LabelSize, Para, fit_paragraphs, fit_text, label_size
from labels.text import LabelDataError, clean_text, printable
from labels.zpl import (
    DESIGN_DPI,
    code128_modules,
    code128_width,
    gs1_128_data,
    validate_code128,
)

__all__ = [
    "LabelAddress",
    "MAX_WEIGHT_G",
    "SHIPPING_SIZES",
    "ShippingLabelData",
    "fit_module",
    "routing_postal_code",
    "shipping_label",
]

MAX_WEIGHT_G = 1_000_000  # 1 t: a heavy pallet; a parcel label past that is a typo
MAX_PACKAGES = 999
MAX_TRACKING = 28  # Code 128 at X = 0.25 mm, quiet zones included, on 100 mm media
SHIPPING_SIZES = ("4x6", "100x150")
_ROUTING = re.compile(r"[0-9A-Z]{1,20}")

# Millimetres.
MARGIN = 3.0
TOP = 2.0
GAP = 1.0
RULE = 0.4
CAPTION = 2.2
SSCC_X = 0.495  # minimum X for logistic units; rounded up to whole dots
SSCC_BARS = 32.0
TRACKING_X = (0.375, 0.25)  # preferred, smallest
TRACKING_BARS = 13.0
ROUTING_X = 0.25
ROUTING_BARS = 9.0
HRI = 3.5
HEADER = 25.0
TRACKING_SECTION = 22.5
PARCEL_SECTION = 13.0


@dataclass(frozen=True)
class ShippingLabelData:
    """Everything printed on one parcel's label; checked when built.

    Bad data raises :class:`~labels.text.LabelDataError` (a ``ValueError``)
    whose ``field`` names what is wrong.
    """

    sender: LabelAddress
    recipient: LabelAddress
    carrier: str
    service: str
    tracking_number: str
    sscc: str
    order_ref: str
    weight_g: int
    package_no: int = 1
    package_count: int = 1
    ship_date: date | None = None
    # Digits of the shipper's GS1 company prefix, to group the SSCC's human-readable text.
    company_prefix_length: int | None = None
    # The carrier sorts on a GS1-128 (420) ship-to postal code barcode.
    routing_barcode: bool = False

    def __post_init__(self) -> None:
        for role in ("sender", "recipient"):
            if not isinstance(getattr(self, role), LabelAddress):
                raise LabelDataError(role, "must be a LabelAddress")
        clean_text("recipient.country", self.recipient.country, required=True, max_chars=60)
        clean_text("carrier", self.carrier, required=True, max_chars=60)
        clean_text("service", self.service, required=True, max_chars=80)
        clean_text("order_ref", self.order_ref, required=True, max_chars=40)
        _checked("sscc", validate_sscc, self.sscc)
        _checked("tracking_number", validate_code128, self.tracking_number)
        if len(self.tracking_number) > MAX_TRACKING:
            raise LabelDataError("tracking_number", f"is too long for a Code 128 on the label "
                                 f"({len(self.tracking_number)} > {MAX_TRACKING} characters)")
        _check_int("weight_g", self.weight_g, 1, MAX_WEIGHT_G, "g")
        _check_int("package_count", self.package_count, 1, MAX_PACKAGES)
        _check_int("package_no", self.package_no, 1, MAX_PACKAGES)
        if self.package_no > self.package_count:
            raise LabelDataError(
                "package_no", f"package {self.package_no} of {self.package_count} does not exist")
        if self.ship_date is not None and not isinstance(self.ship_date, date):
            raise LabelDataError("ship_date", "must be a date or None")
        if self.company_prefix_length is not None:
            _check_int("company_prefix_length", self.company_prefix_length, 4, 12)
        if not isinstance(self.routing_barcode, bool):
            raise LabelDataError("routing_barcode", "must be True or False")
        if self.routing_barcode:
            routing_postal_code(self.recipient)


def _checked(field: str, check, value: object) -> None:
    try:
        check(value)
    except ValueError as exc:
        raise LabelDataError(field, str(exc)) from exc


def _check_int(name: str, value: object, low: int, high: int, unit: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LabelDataError(name, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise LabelDataError(name, f"{value}{unit} is outside {low}..{high}{unit}")


def routing_postal_code(recipient: LabelAddress) -> str:
    """The ship-to postal code as GS1 AI 420 data: capitals and digits, no spaces."""
    code = re.sub(r"[\s-]", "", printable(recipient.postal_code).upper())
    if not _ROUTING.fullmatch(code):
        raise LabelDataError("recipient.postal_code",
                             f"{recipient.postal_code!r} cannot be encoded as GS1 (420)")
    return code


def fit_module(data: str, max_width: int, preferred: int = 3) -> int:
    """Widest Code 128 module (dots) that keeps ``data`` within ``max_width``.

    Quiet zones of 10 modules each side are counted so scanners can read it.
    """
    for module in range(preferred, 0, -1):
        if code128_width(data, module) + 20 * module <= max_width:
            return module
    raise ValueError(f"barcode data {data!r} is too long to fit on the label")


def format_weight(weight_g: int) -> str:
    """Grams to the kilogram figure carriers expect, e.g. 2350 -> '2.35 kg'."""
    return f"{weight_g / 1000:.2f} kg"


def _caption(c: Canvas, name: str, x: int, top: int, width: int, text: str) -> int:
    size = c.mm_up(CAPTION)
    return c.text(name, x, top, width, fit_text(text, width, height=size, min_height=size))


def _line(c: Canvas, name: str, x: int, top: int, width: int, text: str,
          size_mm: float, align: str = "L", lines: int = 1) -> int:
    small = c.mm_up(2.5)
    fitted = fit_text(text, width, height=max(small, c.mm(size_mm)), min_height=small,
                      max_lines=lines)
    return c.text(name, x, top, width, fitted, align=align)


def _hrule(c: Canvas, name: str, y: int) -> int:
    c.rule(name, 0, y, c.width, c.mm_up(RULE))
    return y + c.mm_up(RULE)


def _header(c: Canvas, data: ShippingLabelData, bottom: int) -> None:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    content = c.width - 2 * m
    right_w = round(content * 0.38)
    routing = None
    if data.routing_barcode:
        routing = f"(420){routing_postal_code(data.recipient)}"
        module = c.mm_up(ROUTING_X)
        routing_w = code128_modules(gs1_128_data(routing)) * module
        right_w = max(right_w, routing_w + 20 * module)
        if right_w > content * 0.6:
            raise LabelDataError("recipient.postal_code",
                                 f"{data.recipient.postal_code!r} is too long for a routing barcode")
    left_w = content - right_w - 2 * gap - c.mm_up(RULE)
    top = c.mm(TOP)
    # Sender, small, left.
    y = _caption(c, "caption.from", m, top, left_w, "EXPEDITEUR / FROM")
    draw_address(c, m, y + gap // 2, left_w, bottom - gap - y - gap // 2, data.sender, SMALL,
                 "sender")
    rule_x = m + left_w + gap
    c.rule("rule.header", rule_x, top, c.mm_up(RULE), bottom - gap - top)
    x = rule_x + c.mm_up(RULE) + gap
    # Carrier and service, right; the routing barcode under them.
    text_bottom = bottom - gap
    if routing is not None:
        hri_h = fit_text("X", right_w, height=c.mm(3.0), min_height=c.mm_up(2.5)).block_height
        bars_top = text_bottom - hri_h - c.mm_up(ROUTING_BARS) - gap // 2
        module = c.mm_up(ROUTING_X)
        bars_w = code128_modules(gs1_128_data(routing)) * module
        c.gs1_128("routing", x + (right_w - bars_w) // 2, bars_top, routing, module,
                  c.mm_up(ROUTING_BARS))
        _line(c, "routing.text", x, bars_top + c.mm_up(ROUTING_BARS) + gap // 2, right_w,
              f"(420) {routing[5:]}", 3.0, align="C")
        text_bottom = bars_top - gap
    small = c.mm_up(2.5)
    paras = [Para("carrier", printable(data.carrier), c.mm(5.0), small, 2),
             Para("service", printable(data.service), c.mm(3.5), small, 2)]
    fitted = fit_paragraphs(paras, right_w, text_bottom - top, c.mm(0.5))
    y = top
    for p, f in zip(paras, fitted, strict=True):
        y = c.text(p.name, x, y, right_w, f) + c.mm(0.5)


def _recipient(c: Canvas, recipient: LabelAddress, top: int, bottom: int) -> None:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    width = c.width - 2 * m
    y = _caption(c, "caption.to", m, top, width, "DESTINATAIRE / TO")
    draw_address(c, m, y + gap // 2, width, bottom - y - gap // 2, recipient, LARGE,
                 "recipient")


def _tracking(c: Canvas, tracking_number: str, top: int, bottom: int) -> None:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    width = c.width - 2 * m
    y = _caption(c, "caption.tracking", m, top, width, "SUIVI / TRACKING")
    hri = fit_text(tracking_number, width, height=c.mm(HRI), min_height=c.mm_up(2.5))
    bars_h = bottom - y - gap - hri.block_height - gap
    module = next((mod for mod in (min(c.mm(TRACKING_X[0]), MAX_MODULE), c.mm_up(TRACKING_X[1]))
                   if code128_width(tracking_number, mod) + 20 * mod <= c.width), None)
    if module is None:
        raise LabelDataError("tracking_number", f"{tracking_number!r} is too long to fit on the label")
    bars_w = code128_width(tracking_number, module)
    c.code128("tracking", (c.width - bars_w) // 2, y + gap, tracking_number, module, bars_h)
    c.text("tracking.text", m, y + gap + bars_h + gap, width, hri, align="C")


def _parcel(c: Canvas, data: ShippingLabelData, top: int, bottom: int) -> None:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    content = c.width - 2 * m
    right_w = round(content * 0.3)
    left_w = content - right_w - gap
    small = c.mm_up(2.5)
    paras = [Para("order", f"CMD / ORDER: {printable(data.order_ref)}", c.mm(3.5), small, 1),
             Para("weight", f"POIDS / WEIGHT: {format_weight(data.weight_g)}", c.mm(3.5), small, 1)]
    if data.ship_date is not None:
        paras.append(Para("date", data.ship_date.isoformat(), c.mm(3.0), small, 1))
    fitted = fit_paragraphs(paras, left_w, bottom - top, c.mm(0.5))
    y = top
    for p, f in zip(paras, fitted, strict=True):
        y = c.text(p.name, m, y, left_w, f) + c.mm(0.5)
    x = m + left_w + gap
    y = _caption(c, "caption.package", x, top, right_w, "COLIS / PACKAGE")
    count = f"{data.package_no}/{data.package_count}"
    fitted = fit_text(count, right_w, height=c.mm(6.5), min_height=small,
                      max_block_height=bottom - y)
    c.text("package", x, y, right_w, fitted)


def _sscc(c: Canvas, data: ShippingLabelData, top: int) -> None:
    m, gap = c.mm(MARGIN), c.mm(GAP)
    width = c.width - 2 * m
    y = _caption(c, "caption.sscc", m, top, width, "SSCC")
    module = c.mm_up(SSCC_X)  # 600 dpi: 12 dots, past ^BY's 10: drawn as ^GB bars
    element = f"(00){data.sscc}"
    bars_w = code128_modules(gs1_128_data(element)) * module
    bars_h = c.mm_up(SSCC_BARS)
    draw = c.gs1_128 if module <= MAX_MODULE else c.gs1_128_drawn
    draw("sscc", (c.width - bars_w) // 2, y + gap, element, module, bars_h)
    hri = fit_text(sscc_hri(data.sscc, data.company_prefix_length), width,
                   height=c.mm(HRI), min_height=c.mm_up(2.5))
    c.text("sscc.text", m, y + gap + bars_h + gap, width, hri, align="C")


def _sscc_height(c: Canvas) -> int:
    caption = fit_text("SSCC", c.width, height=c.mm_up(CAPTION), min_height=c.mm_up(CAPTION))
    hri = fit_text("0", c.width, height=c.mm(HRI), min_height=c.mm(HRI))
    return (caption.block_height + c.mm(GAP) + c.mm_up(SSCC_BARS) + c.mm(GAP)
            + hri.block_height + c.mm(TOP))


def shipping_label(data: ShippingLabelData, dpi: int = DESIGN_DPI,
                   size: str | LabelSize = "4x6") -> bytes:
    """Render the shipping label as UTF-8 ZPL bytes for a 203, 300 or 600 dpi printer.

    ``size`` is the media: ``"4x6"`` (inches) or ``"100x150"`` (mm).
    """
    if not isinstance(data, ShippingLabelData):
        raise ValueError("shipping_label needs a ShippingLabelData")
    media = label_size(size)
    if media.name not in SHIPPING_SIZES:
        raise ValueError(f"the shipping label needs {SHIPPING_SIZES} media, got {media.name!r}")
    c = Canvas(media, dpi)
    gap = c.mm(GAP)
    header_bottom = c.mm(TOP) + c.mm(HEADER)
    sscc_top = c.height - _sscc_height(c)
    parcel_top = sscc_top - c.mm_up(RULE) - gap - c.mm(PARCEL_SECTION)
    tracking_top = parcel_top - c.mm_up(RULE) - gap - c.mm(TRACKING_SECTION)
    routing = routing_postal_code(data.recipient) if data.routing_barcode else None
    c.replay(("shipping.header", data.sender, data.carrier, data.service, routing, header_bottom),
             lambda part: _header(part, data, header_bottom))
    recipient_top = _hrule(c, "rule.recipient", header_bottom) + gap
    _recipient(c, data.recipient, recipient_top, tracking_top - c.mm_up(RULE) - gap)
    _tracking(c, data.tracking_number, _hrule(c, "rule.tracking", tracking_top - c.mm_up(RULE))
              + gap, parcel_top - c.mm_up(RULE) - gap)
    _parcel(c, data, _hrule(c, "rule.parcel", parcel_top - c.mm_up(RULE)) + gap,
            sscc_top - c.mm_up(RULE) - gap)
    _sscc(c, data, _hrule(c, "rule.sscc", sscc_top - c.mm_up(RULE)) + gap)
    return c.finish()
