"""Label media, text fitting and a canvas that knows where every field lands.

Every position is computed here in the printer's dots from the media size and
the printer's resolution; the printer is never asked to wrap or place anything
on its own. Each field drawn is recorded with the box it may ink, and
:meth:`Canvas.finish` refuses a label where a box leaves the media or overlaps
another box: a layout that could print one field over another is a bug, and it
fails loudly instead of printing.

Text fitting, for one field in a box ``width`` dots wide:

1. at the nominal size, wrap on spaces into at most ``max_lines`` lines;
2. if that needs more lines, shrink step by step (about 8% a step) down to the
   minimum legible size, then condense the glyphs to 90% and 80% width;
3. still too long: at that smallest size, break words that are wider than
   the box on their own;
4. still too long: keep ``max_lines`` lines and cut the last one with "...".

Widths come from :mod:`labels.fonts`, a model of font 0 that never
underestimates, so a line the model says fits does fit.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from labels import fonts
from labels.bars import bar_runs
from labels.fitting import Fitted, LayoutError, Para, fit_paragraphs, fit_text
from labels.zpl import ZplLabel, code128_modules, gs1_128_data, qr_side, validate_code128

__all__ = [
    "MAX_MODULE",
    "MEDIA",
    "MIN_TEXT_MM",
    "Box",
    "Canvas",
    "Fitted",
    "LabelSize",
    "LayoutError",
    "Para",
    "fit_paragraphs",
    "fit_text",
    "label_size",
]

MM_PER_INCH = 25.4
MIN_TEXT_MM = 2.5  # about 7 pt: the smallest text a label prints
MAX_MODULE = 10  # ^BY accepts module widths of 1 to 10 dots


@dataclass(frozen=True)
class LabelSize:
    """Label media: ``name`` as used in settings, size in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    def dots(self, dpi: int) -> tuple[int, int]:
        """Printable width and length in dots, rounded down so nothing prints off the media."""
        return (math.floor(self.width_mm / MM_PER_INCH * dpi + 1e-9),
                math.floor(self.height_mm / MM_PER_INCH * dpi + 1e-9))


MEDIA: dict[str, LabelSize] = {
    "4x6": LabelSize("4x6", 101.6, 152.4),
    "100x150": LabelSize("100x150", 100.0, 150.0),
    "4x4": LabelSize("4x4", 101.6, 101.6),
}


def label_size(size: str | LabelSize) -> LabelSize:
    """Media by name (``"4x6"``, ``"100x150"``, ``"4x4"``) or as given."""
    if isinstance(size, LabelSize):
        return size
    if isinstance(size, str) and size in MEDIA:
        return MEDIA[size]
    raise ValueError(f"label size must be one of {sorted(MEDIA)}, got {size!r}")


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in dots: ``x``, ``y`` top-left, ``w`` x ``h``."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        # Spelled out (no properties): every pair of a label's fields is checked.
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    def contains(self, other: Box) -> bool:
        return (self.x <= other.x and self.y <= other.y
                and other.right <= self.right and other.bottom <= self.bottom)


@functools.lru_cache(maxsize=1024)  # a layout's few dozen constants, asked on every label
def _mm(value: float, dpi: int) -> int:
    return round(value * dpi / MM_PER_INCH)


@functools.lru_cache(maxsize=1024)
def _mm_up(value: float, dpi: int) -> int:
    return math.ceil(value * dpi / MM_PER_INCH - 1e-9)


_PARTS: dict[tuple, tuple[tuple[str, ...], tuple[Placed, ...]]] = {}
_PARTS_LIMIT = 4096


@dataclass(frozen=True)
class Placed:
    """A field on the label and the box it may ink."""

    kind: str  # text, barcode, rule, fill
    name: str
    box: Box
    reverse: bool = False
    lines: tuple[str, ...] = ()


@dataclass
class Canvas:
    """Draws on one label in printer dots and records every field's box."""

    size: LabelSize
    dpi: int
    placed: list[Placed] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.size = label_size(self.size)
        self.width, self.height = self.size.dots(self.dpi)
        self.zpl = ZplLabel.in_dots(self.dpi, self.width, self.height)

    def mm(self, value: float) -> int:
        """Millimetres to the nearest whole dot at this resolution."""
        return _mm(value, self.dpi)

    def mm_up(self, value: float) -> int:
        """Millimetres to dots, rounded up (for minimums: bar heights, module widths)."""
        return _mm_up(value, self.dpi)

    def _record(self, placed: Placed) -> None:
        self.placed.append(placed)

    def replay(self, key: tuple, draw) -> None:
        """Draw a part of the label with ``draw(canvas)``, or replay what it drew before.

        ``key`` must hold everything the part's drawing depends on besides this canvas's media
        and resolution (which are added to it): the same sender, carrier and service give the
        same header on every label of a floor, and drawing it once saves fitting it again.
        """
        full_key = (self.size, self.dpi, *key)
        part = _PARTS.get(full_key)
        if part is None:
            scratch = Canvas(self.size, self.dpi)
            draw(scratch)
            part = (tuple(scratch.zpl._fields), tuple(scratch.placed))
            if len(_PARTS) >= _PARTS_LIMIT:
                _PARTS.clear()  # a floor has a handful of senders and carriers; this is a fuse
            _PARTS[full_key] = part
        self.zpl._fields.extend(part[0])
        self.placed.extend(part[1])

    def text(self, name: str, x: int, top: int, box_width: int, fitted: Fitted,
             align: str = "L", reverse: bool = False) -> int:
        """Print fitted lines from ``top``; return the y just below the block."""
        if not fitted.lines:
            return top
        too_wide = _too_wide(fitted, box_width)
        if too_wide is not None:
            raise LayoutError(f"{name}: line {too_wide!r} is wider than {box_width} dots")
        rise, pitch = fonts.line_rise(fitted.height), fitted.pitch
        for i, line in enumerate(fitted.lines):
            self.zpl.text_line(x, top + rise + i * pitch, line, fitted.height,
                               fitted.width, box_width, align=align, reverse=reverse)
        self._record(Placed("text", name, Box(x, top, box_width, fitted.block_height),
                            reverse, fitted.lines))
        return top + fitted.block_height

    def rule(self, name: str, x: int, y: int, w: int, h: int) -> None:
        """A solid line or filled rectangle (``^GB`` filled to its short side)."""
        self.zpl.box(x, y, w, h, thickness=min(w, h))
        self._record(Placed("rule", name, Box(x, y, w, h)))

    def fill(self, name: str, x: int, y: int, w: int, h: int) -> None:
        """A filled background that reverse (^FR) text may be printed on."""
        self.zpl.box(x, y, w, h, thickness=min(w, h))
        self._record(Placed("fill", name, Box(x, y, w, h)))

    def code128(self, name: str, x: int, y: int, data: str, module: int,
                height: int) -> Box:
        """Code 128 (subset B) bars at (x, y); the box includes 10-module quiet zones."""
        validate_code128(data)
        width = code128_modules(">:" + data.replace(">", "><")) * module
        self.zpl.code128(x, y, data, height=height, human_readable=False, module=module)
        box = Box(x - 10 * module, y, width + 20 * module, height)
        self._record(Placed("barcode", name, box))
        return box

    def gs1_128(self, name: str, x: int, y: int, element_string: str, module: int,
                height: int) -> Box:
        """GS1-128 bars at (x, y); the box includes 10-module quiet zones."""
        width = code128_modules(gs1_128_data(element_string)) * module
        self.zpl.gs1_128(x, y, element_string, height=height, module=module)
        box = Box(x - 10 * module, y, width + 20 * module, height)
        self._record(Placed("barcode", name, box))
        return box

    def gs1_128_drawn(self, name: str, x: int, y: int, element_string: str, module: int,
                      height: int) -> Box:
        """GS1-128 drawn bar by bar as filled ``^GB`` boxes: any module width, where ``^BY``
        stops at 10 dots (labels/bars.py). Same symbol, same box, as :meth:`gs1_128`."""
        data = gs1_128_data(element_string)
        for start, width in bar_runs(data):
            self.zpl.box(x + start * module, y, width * module, height, thickness=width * module)
        box = Box(x - 10 * module, y, (code128_modules(data) + 20) * module, height)
        self._record(Placed("barcode", name, box))
        return box

    def qr(self, name: str, x: int, y: int, data: str, module: int) -> Box:
        """A QR code whose box, at (x, y), includes its 4-module quiet zone on every side."""
        self.zpl.qr(x + 4 * module, y + 4 * module, data, module)
        box = Box(x, y, qr_side(module), qr_side(module))
        self._record(Placed("barcode", name, box))
        return box

    def check(self) -> None:
        """Raise :class:`LayoutError` if a box leaves the media or two boxes overlap."""
        for item in self.placed:
            box = item.box
            if box.x < 0 or box.y < 0 or box.x + box.w > self.width or box.y + box.h > self.height:
                raise LayoutError(f"{item.name} {item.box} is off the {self.width}x{self.height} label")
        # Top to bottom: a field can only meet the ones that start above its bottom edge. (By y,
        # not x: most fields of a label span its width, few share a band, so the sweep stops
        # after a neighbour or two.)
        ordered = sorted(((p.box.y, p.box.y + p.box.h, p.box.x, p.box.x + p.box.w, p)
                          for p in self.placed), key=lambda row: row[0])
        for i, (top, bottom, left, right, a) in enumerate(ordered):
            for b_top, b_bottom, b_left, b_right, b in ordered[i + 1:]:
                if b_top >= bottom:
                    break
                if top < b_bottom and left < b_right and b_left < right and not _allowed(a, b):
                    raise LayoutError(f"{a.name} {a.box} overlaps {b.name} {b.box}")

    def finish(self) -> bytes:
        """Check the layout, then return the label as UTF-8 ZPL bytes."""
        self.check()
        return self.zpl.to_zpl().encode("utf-8")


@functools.lru_cache(maxsize=16384)
def _too_wide(fitted: Fitted, box_width: int) -> str | None:
    """The first line of ``fitted`` wider than ``box_width`` by the font model, or None.
    (Cached: the same captions and senders are drawn label after label.)"""
    for line in fitted.lines:
        if not fonts.text_width(line, fitted.width) <= box_width:
            return line
    return None


def _allowed(a: Placed, b: Placed) -> bool:
    """Reverse text may sit on a fill that wholly contains it; nothing else may overlap."""
    for back, front in ((a, b), (b, a)):
        if back.kind == "fill" and front.kind == "text" and front.reverse:
            return back.box.contains(front.box)
    return False
