"""Postal addresses as printed on shipping and return labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from labels import fonts
from labels.layout import Canvas, Para, fit_paragraphs
from labels.text import LabelDataError, clean_text, printable

__all__ = ["LARGE", "MEDIUM", "SMALL", "AddressStyle", "LabelAddress", "address_paras",
           "draw_address", "min_address_height"]

# Longest text accepted per field, as given: well past what a carrier prints
# (UPU S42 / carriers: 35-40 characters an address line), short of nonsense.
ADDRESS_LIMITS = {"name": 150, "line1": 150, "line2": 150, "postal_code": 20,
                  "city": 100, "country": 60, "phone": 40}
REQUIRED = frozenset({"name", "line1", "city"})


@dataclass(frozen=True)
class LabelAddress:
    """Who a parcel comes from or goes to. ``line2``, ``postal_code``, ``phone`` may be empty.

    Checked when built: a missing (None) or non-text field, an empty name,
    street or city, or a field longer than :data:`ADDRESS_LIMITS` raises
    :class:`~labels.text.LabelDataError` naming the field.
    """

    name: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str
    phone: str = ""

    def __post_init__(self) -> None:
        for name, limit in ADDRESS_LIMITS.items():
            clean_text(f"address.{name}", getattr(self, name), required=name in REQUIRED,
                       max_chars=limit)


class AddressStyle(NamedTuple):
    """Text sizes (mm) and wrap depth for one address block."""

    name_mm: float
    line_mm: float
    city_mm: float
    wrap_lines: int  # lines allowed for the name and each street line
    one_street: bool = False  # print line2 after line1 in one field (compact blocks)


SMALL = AddressStyle(name_mm=3.0, line_mm=2.75, city_mm=3.0, wrap_lines=2, one_street=True)
MEDIUM = AddressStyle(name_mm=4.0, line_mm=3.5, city_mm=4.5, wrap_lines=2)
LARGE = AddressStyle(name_mm=5.5, line_mm=4.5, city_mm=6.0, wrap_lines=2)


def city_line(address: LabelAddress) -> str:
    """``42000 SAINT-ÉTIENNE``: La Poste and most carriers want the city in capitals."""
    city = printable(printable(address.city).upper())  # ÿ.upper() is Ÿ, outside Latin-1
    return f"{printable(address.postal_code)} {city}".strip()


def country_line(address: LabelAddress) -> str:
    country = printable(printable(address.country).upper())
    phone = printable(address.phone)
    return f"{country} Tel: {phone}".strip() if phone else country


def address_paras(canvas: Canvas, address: LabelAddress, style: AddressStyle,
                  prefix: str) -> list[Para]:
    """The address as stacked fields, sized for ``canvas``; empty fields are left out."""
    small = canvas.mm_up(2.5)

    def para(name: str, text: str, size_mm: float, lines: int) -> Para:
        height = max(small, canvas.mm(size_mm))
        return Para(f"{prefix}.{name}", text, height, small, lines)

    line1, line2 = printable(address.line1), printable(address.line2)
    if style.one_street and line2:
        line1, line2 = f"{line1}, {line2}", ""
    return [
        para("name", printable(address.name), style.name_mm, style.wrap_lines),
        para("line1", line1, style.line_mm, style.wrap_lines),
        para("line2", line2, style.line_mm, style.wrap_lines),
        para("city", city_line(address), style.city_mm, 1),
        para("country", country_line(address), style.line_mm, 1),
    ]


def min_address_height(canvas: Canvas, address: LabelAddress, style: AddressStyle) -> int:
    """Dots the address needs at its smallest: one line a field at the minimum size."""
    paras = [p for p in address_paras(canvas, address, style, "") if p.text]
    pitch = max(fonts.line_pitch(p.min_height) for p in paras)
    return len(paras) * pitch + (len(paras) - 1) * canvas.mm(0.5)


def draw_address(canvas: Canvas, x: int, top: int, box_width: int, avail_height: int,
                 address: LabelAddress, style: AddressStyle, prefix: str) -> int:
    """Fit and draw ``address`` in the box; return the y below it."""
    paras = address_paras(canvas, address, style, prefix)
    gap = canvas.mm(0.5)
    fitted = fit_paragraphs(paras, box_width, avail_height, gap)
    y = top
    for p, f in zip([p for p in paras if p.text], fitted, strict=True):
        y = canvas.text(p.name, x, y, box_width, f) + gap
    return y - gap
