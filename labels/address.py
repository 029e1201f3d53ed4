"""Postal addresses as printed on shipping and return labels."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

from labels.zpl import ZplLabel

__all__ = ["LARGE", "MEDIUM", "SMALL", "AddressStyle", "LabelAddress", "draw_address"]


@dataclass(frozen=True)
class LabelAddress:
    """Who a parcel comes from or goes to. ``line2`` and ``phone`` may be empty."""

    name: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str
    phone: str = ""

    def __post_init__(self) -> None:
        for field in fields(self):
            if not isinstance(getattr(self, field.name), str):
                raise ValueError(f"address {field.name} must be a string")
        for required in ("name", "line1", "city"):
            if not getattr(self, required).strip():
                raise ValueError(f"address {required} must not be empty")


class AddressStyle(NamedTuple):
    """Text heights (203 dpi dots) and wrap depth for one address block."""

    name_height: int
    line_height: int
    city_height: int
    wrap_lines: int  # lines allowed per street line before ^FB cuts


SMALL = AddressStyle(name_height=24, line_height=22, city_height=22, wrap_lines=1)
MEDIUM = AddressStyle(name_height=36, line_height=30, city_height=40, wrap_lines=2)
LARGE = AddressStyle(name_height=44, line_height=38, city_height=52, wrap_lines=2)

_GAP = 4  # dots between rows so descenders do not touch the next line


def _wrapped(label: ZplLabel, x: int, y: int, value: str, width: int,
             height: int, lines: int) -> int:
    """Draw a wrapped field and return the y just below the space it reserves."""
    label.block(x, y, value, width=width, lines=lines, height=height)
    return y + lines * height + _GAP


def draw_address(label: ZplLabel, x: int, y: int, address: LabelAddress,
                 width: int, style: AddressStyle) -> int:
    """Draw ``address`` top-down from (x, y); return the y below it.

    Street lines wrap with ^FB because French street names run long
    ("Résidence les Jardins de l'Abbaye, bâtiment C, 12 rue de l'Église").
    The city is upper-cased as La Poste asks for the last address line.
    """
    y = _wrapped(label, x, y, address.name, width, style.name_height, style.wrap_lines)
    y = _wrapped(label, x, y, address.line1, width, style.line_height, style.wrap_lines)
    if address.line2.strip():
        y = _wrapped(label, x, y, address.line2, width, style.line_height,
                     style.wrap_lines)
    city_line = f"{address.postal_code} {address.city.upper()}".strip()
    y = _wrapped(label, x, y, city_line, width, style.city_height, 1)
    country = address.country.upper()
    if address.phone.strip():
        country = f"{country}  Tel: {address.phone}".strip()
    return _wrapped(label, x, y, country, width, style.line_height, 1)
