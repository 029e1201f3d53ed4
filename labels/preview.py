"""On-screen barcode previews (packing-station screen, back office).

Printers get ZPL; screens get SVG drawn by python-barcode so a packer can
compare what is about to print without wasting a label.
"""

from __future__ import annotations

import barcode
from barcode.errors import BarcodeError
from barcode.writer import SVGWriter

__all__ = ["barcode_svg"]


def barcode_svg(data: str, symbology: str = "code128") -> bytes:
    """Return an SVG document (bytes) of ``data`` drawn as ``symbology``.

    Rendered in memory: nothing is written to disk. python-barcode errors
    (unknown symbology, illegal characters) surface as ValueError.
    """
    if not isinstance(data, str) or not data:
        raise ValueError("barcode data must be a non-empty string")
    if symbology not in barcode.PROVIDED_BARCODES:
        raise ValueError(f"unknown symbology {symbology!r}")
    try:
        code = barcode.get(symbology, data, writer=SVGWriter())
        return code.render()
    except BarcodeError as exc:
        raise ValueError(f"cannot draw {data!r} as {symbology}: {exc}") from exc
