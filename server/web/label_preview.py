"""A parcel's label as an image for the order page: what the label says and its barcodes.

The printer draws its own label from ZPL; a screen needs a picture. This draws a 4×6 in
sketch in SVG — sender, recipient, carrier and service, weight, order, tracking as Code 128 and
the SSCC as GS1-128 (python-barcode, labels/preview.py) — from the same data the label is made
of, so it can be looked at (and compared with the parcel in hand) without printing anything.
Presentation attributes only (no ``style``): the page's CSP allows no inline style.
"""
from __future__ import annotations

import re
from html import escape  # writing XML text (&, <, >, quotes), nothing is parsed

from flask import Response, abort

from labels.preview import barcode_svg

WIDTH, HEIGHT = 384, 576  # 4 × 6 in at 96 px/in (CSS pixels: the barcodes' mm resolve to them)


def _barcode(data: str, symbology: str, x: int, y: int) -> str:
    try:
        drawn = barcode_svg(data, symbology).decode("utf-8")
    except ValueError:
        return ""
    body = drawn[drawn.index("<svg"):]
    body = re.sub(r'style="([^"]*)"', _attributes, body)
    return body.replace("<svg ", f'<svg x="{x}" y="{y}" ', 1)


def _attributes(match: re.Match) -> str:
    """``style="fill:black;font-size:10pt"`` → ``fill="black" font-size="10pt"`` (SVG presentation
    attributes say the same without an inline style)."""
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def _text(x: int, y: int, text: str, size: int = 14, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x}" y="{y}" font-family="sans-serif" font-size="{size}"{weight}>'
            f"{escape(str(text)[:60])}</text>")


def label_svg(*, sender: dict, recipient: dict, carrier: str, service: str, weight_g: int, order_ref: str,
              tracking: str | None, sscc: str | None, parcel_words: str) -> bytes:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" role="img">',
             f'<rect x="1" y="1" width="{WIDTH - 2}" height="{HEIGHT - 2}" fill="white" stroke="black"/>',
             _text(12, 22, sender.get("name", ""), 11),
             _text(12, 36, f"{sender.get('line1', '')}, {sender.get('postal_code', '')} {sender.get('city', '')}", 11),
             f'<line x1="0" y1="46" x2="{WIDTH}" y2="46" stroke="black"/>']
    y = 70
    for line in (recipient.get("name"), recipient.get("line1"), recipient.get("line2"),
                 f"{recipient.get('postal_code', '')} {recipient.get('city', '')}", recipient.get("country")):
        if line:
            parts.append(_text(12, y, line, 18 if y == 70 else 15, bold=y == 70))
            y += 22
    parts += [f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="black"/>',
              _text(12, y + 26, service or carrier, 20, bold=True),
              _text(12, y + 48, f"{weight_g / 1000:.2f} kg · {order_ref} · {parcel_words}", 13)]
    if tracking:
        parts += [_barcode(tracking, "code128", 12, y + 60), _text(12, y + 170, tracking, 13)]
    if sscc:
        parts += [_barcode("(00)" + sscc, "gs1_128", 12, y + 185)]
    parts.append("</svg>")
    return "".join(parts).encode("utf-8")


def png_response(zpl: str | None) -> Response:
    """The label's own ZPL drawn as the printer prints it (labels/raster.py), for the order and
    returns pages; 404 when there is no label to draw (its data cannot make one)."""
    from labels.raster import PreviewError, label_png

    if zpl is None:
        abort(404)
    try:
        png = label_png(zpl)
    except PreviewError:
        abort(404)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})
