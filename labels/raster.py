"""A label's picture for screens (order page, returns desk, kiosk), drawn from its own ZPL.

The preview reads the very bytes the printer gets — the ZPL that :mod:`labels.shipping`,
:mod:`labels.returns` and :mod:`labels.packing_slip` emit, in their small subset of ZPL II
(``^PW ^LL ^FO ^A0 ^FB ^FR ^FH ^FD ^BY ^BC ^BQ ^GB``) — so what a screen shows is where the
printer puts it, dot for dot, one pixel a printer dot. Nothing leaves the building (no web
renderer such as Labelary: a floor may have no internet).

- Bars are exact: Code 128 / GS1-128 symbols from ``^BC`` field data are drawn module by
  module with :mod:`labels.bars` (the same table as the 600 dpi SSCC), QR codes (``^BQ``, error
  correction M) with segno. A scanner, or zxing-cpp in the tests, reads them from the picture.
- Text is close, not exact: the printer's font 0 (CG Triumvirate Bold Condensed) is not
  shipped with Colis, so a narrow sans-serif bold stands in (Liberation Sans Narrow Bold or
  DejaVu Sans Condensed Bold when installed, else Pillow's own font), at the field's height,
  squeezed to its ``^A0`` width and never wider than its ``^FB`` box, on the baseline font 0
  uses (three quarters of the height below ``^FO``).

Pillow and segno come with the server and station installs; nothing is imported until a
picture is asked for.
"""
from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field

from labels.bars import bar_runs

__all__ = ["PreviewError", "label_png", "labels_in"]

FONT_FILES = (  # narrow bold sans-serifs close to font 0's metrics, first found wins
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
)
BASELINE = 0.75  # font 0: the baseline is three quarters of the height below ^FO
MAX_SIDE = 4000  # dots: 600 dpi 4x6 in is 2400x3600; anything bigger is not one of our labels
_HEX = re.compile(rb"_([0-9A-Fa-f]{2})")


class PreviewError(ValueError):
    """ZPL this previewer cannot draw (not one of Colis's labels)."""


@dataclass
class _Field:
    x: int = 0
    y: int = 0
    font: tuple[int, int] | None = None  # ^A0N,h,w
    block: tuple[int, str] | None = None  # ^FB width, alignment
    reverse: bool = False
    hex_escaped: bool = False
    module: int = 2  # ^BY: kept from field to field, as on the printer
    barcode: tuple = ()  # ("code128", height) or ("qr", magnification)
    box: tuple[int, int, int] | None = None  # ^GB w, h, thickness
    data: bytes = b""


@dataclass
class _Label:
    width: int = 812
    height: int = 1218
    fields: list[_Field] = field(default_factory=list)


def labels_in(zpl: bytes) -> int:
    """How many labels (``^XA ... ^XZ``) the job holds: a packing slip may take several."""
    return len(_parse(zpl))


def label_png(zpl: bytes, page: int = 0) -> bytes:
    """The PNG picture of label ``page`` of ``zpl`` (one pixel a printer dot, black on white)."""
    labels = _parse(zpl)
    if not 0 <= page < len(labels):
        raise PreviewError(f"no label {page} in this job ({len(labels)} label(s))")
    image = _draw(labels[page])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- reading the ZPL -------------------------------------------------------------------------

def _parse(zpl: bytes) -> list[_Label]:
    if not isinstance(zpl, bytes | bytearray):
        raise PreviewError("ZPL must be bytes")
    labels: list[_Label] = []
    label, current, module = None, _Field(), 2
    for command in bytes(zpl).split(b"^")[1:]:
        name, args = command[:2].upper(), command[2:].rstrip(b"\r\n")
        if name == b"XA":
            label, current = _Label(), _Field(module=module)
        elif label is None:
            continue  # outside ^XA ... ^XZ: nothing to draw
        elif name == b"XZ":
            labels.append(label)
            label = None
        elif name == b"PW":
            label.width = _ints(args, 1)[0]
        elif name == b"LL":
            label.height = _ints(args, 1)[0]
        elif name == b"FO":
            current.x, current.y = _ints(args, 2)
        elif name[:1] == b"A" and name != b"A@":
            parts = _ints(command[4:], 2)  # ^A0N,h,w: the font letter, the orientation, a comma
            current.font = (parts[0], parts[1])
        elif name == b"FB":
            parts = args.split(b",")
            current.block = (_ints(parts[0], 1)[0], (parts[3:4] or [b"L"])[0].decode("ascii", "replace") or "L")
        elif name == b"FR":
            current.reverse = True
        elif name == b"FH":
            current.hex_escaped = True
        elif name == b"BY":
            module = current.module = _ints(args.split(b",")[0], 1)[0]
        elif name == b"BC":
            current.barcode = ("code128", _ints(args.split(b",")[1], 1)[0])
        elif name == b"BQ":
            current.barcode = ("qr", _ints(args.split(b",")[2], 1)[0])
        elif name == b"GB":
            current.box = tuple(_ints(args, 3))
        elif name == b"FD":
            current.data = args
        elif name == b"FS":
            label.fields.append(current)
            current = _Field(module=module)
    if not labels:
        raise PreviewError("no ^XA ... ^XZ label in the ZPL")
    for label in labels:
        if not (0 < label.width <= MAX_SIDE and 0 < label.height <= MAX_SIDE):
            raise PreviewError(f"label size {label.width}x{label.height} dots is not a label's")
    return labels


def _ints(args: bytes, count: int) -> list[int]:
    try:
        values = [int(part) for part in args.split(b",")[:count]]
    except ValueError as exc:
        raise PreviewError(f"expected {count} number(s), got {args[:40]!r}") from exc
    if len(values) != count or any(not 0 <= value <= 32000 for value in values):
        raise PreviewError(f"expected {count} number(s) in 0..32000, got {args[:40]!r}")
    return values


def _text(data: bytes, hex_escaped: bool) -> str:
    raw = _HEX.sub(lambda match: bytes([int(match[1], 16)]), data) if hex_escaped else data
    return raw.decode("utf-8", "replace")


# --- drawing ---------------------------------------------------------------------------------

def _draw(label: _Label):
    from PIL import Image, ImageDraw

    image = Image.new("L", (label.width, label.height), 255)
    pen = ImageDraw.Draw(image)
    for item in label.fields:
        if item.box is not None:
            _draw_box(pen, item)
        elif item.barcode and item.barcode[0] == "code128":
            _draw_code128(pen, item)
        elif item.barcode and item.barcode[0] == "qr":
            _draw_qr(pen, item)
        elif item.font is not None:
            _draw_text(image, item)
    return image


def _draw_box(pen, item: _Field) -> None:
    w, h, thickness = item.box
    w, h = max(w, thickness), max(h, thickness)
    right, bottom = item.x + w - 1, item.y + h - 1
    if thickness >= min(w, h):
        pen.rectangle((item.x, item.y, right, bottom), fill=0)
        return
    for edge in ((item.x, item.y, right, item.y + thickness - 1), (item.x, bottom - thickness + 1, right, bottom),
                 (item.x, item.y, item.x + thickness - 1, bottom), (right - thickness + 1, item.y, right, bottom)):
        pen.rectangle(edge, fill=0)


def _draw_code128(pen, item: _Field) -> None:
    height, module = item.barcode[1], item.module
    try:
        runs = bar_runs(item.data.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PreviewError(f"cannot draw Code 128 data {item.data[:40]!r}: {exc}") from exc
    for start, width in runs:
        left = item.x + start * module
        pen.rectangle((left, item.y, left + width * module - 1, item.y + height - 1), fill=0)


def _draw_qr(pen, item: _Field) -> None:
    import segno

    data = item.data.decode("ascii", "replace")
    if len(data) < 3 or data[2] != ",":
        raise PreviewError(f"QR field data must start with its mode (MA,), got {data[:10]!r}")
    symbol = segno.make(data[3:], error="m", boost_error=False, micro=False)
    size = item.barcode[1]
    for row, line in enumerate(symbol.matrix):
        for col, dark in enumerate(line):
            if dark:
                x, y = item.x + col * size, item.y + row * size
                pen.rectangle((x, y, x + size - 1, y + size - 1), fill=0)


def _draw_text(image, item: _Field) -> None:
    from PIL import Image, ImageDraw

    text = _text(item.data, item.hex_escaped)
    height, width = item.font
    if not text.strip() or height < 1:
        return
    font = _font(height)
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    drawn_w = max(1, right - left)
    # The glyphs at the field's height, squeezed to its ^A0 width (font 0 at w < h is condensed).
    target_w = max(1, round(drawn_w * width / height))
    box_width, align = item.block if item.block is not None else (None, "L")
    if box_width is not None:
        target_w = min(target_w, box_width)  # never past its block, as the layout promised
    baseline = round(BASELINE * height)
    strip = Image.new("L", (drawn_w, baseline + max(0, bottom) + 1), 0)
    ImageDraw.Draw(strip).text((-left, baseline), text, font=font, fill=255, anchor="ls")
    ink = strip.resize((target_w, strip.height))
    x = item.x
    if box_width is not None and align in ("C", "R"):
        x += (box_width - target_w) // (2 if align == "C" else 1)
    colour = 255 if item.reverse else 0
    image.paste(Image.new("L", ink.size, colour), (x, item.y), ink)


@functools.lru_cache(maxsize=64)
def _font(height: int):
    from PIL import ImageFont

    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, height)
        except OSError:
            continue
    return ImageFont.load_default(height)
