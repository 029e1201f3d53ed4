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
ELLIPSIS = "..."  # "…" (U+2026) is not in font 0's Latin-1 repertoire
_SHRINK = 0.92
_CONDENSE = (0.9, 0.8)


class LayoutError(AssertionError):
    """A layout placed a field off the media or over another field (a bug)."""


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


@dataclass(frozen=True)
class Fitted:
    """Text fitted to a width: its lines and the font size (``^A0N,height,width``)."""

    lines: tuple[str, ...]
    height: int
    width: int

    @property
    def pitch(self) -> int:
        return fonts.line_pitch(self.height)

    @property
    def block_height(self) -> int:
        """Dots from the top of the first line's accents to the last descender."""
        return len(self.lines) * self.pitch

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _fits(text: str, box_width: int, width: int) -> bool:
    return fonts.text_width(text, width) <= box_width


def _break_word(word: str, box_width: int, width: int) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and not _fits(current + ch, box_width, width):
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


def _wrap(text: str, box_width: int, width: int, break_words: bool) -> list[str] | None:
    """Greedy word wrap; None when a word is wider than the box and may not break."""
    lines, current = [], ""
    for word in text.split(" "):
        if not _fits(word, box_width, width):
            if not break_words:
                return None
            pieces = _break_word(word, box_width, width)
            if current:
                lines.append(current)
            lines.extend(pieces[:-1])
            current = pieces[-1]
            continue
        candidate = f"{current} {word}" if current else word
        if _fits(candidate, box_width, width):
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _ellipsize(text: str, box_width: int, width: int) -> str:
    if _fits(text, box_width, width):
        return text
    cut = text
    while cut and not _fits(cut.rstrip() + ELLIPSIS, box_width, width):
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS if cut.strip() else ELLIPSIS


@functools.lru_cache(maxsize=1024)
def _sizes(height: int, min_height: int) -> tuple[tuple[int, int], ...]:
    sizes, h = [], height
    while h > min_height:
        sizes.append((h, h))
        h = math.floor(h * _SHRINK)
    sizes.append((min_height, min_height))
    sizes += [(min_height, max(1, round(min_height * c))) for c in _CONDENSE]
    return tuple(sizes)


@functools.lru_cache(maxsize=16384)  # pure: a floor's labels repeat sender, captions, carriers
def fit_text(text: str, box_width: int, *, height: int, min_height: int,
             max_lines: int = 1, max_block_height: int | None = None) -> Fitted:
    """Fit ``text`` into ``box_width`` dots and at most ``max_lines`` lines.

    ``max_block_height`` (dots) further limits the lines to those whose
    block fits that height. See the module docstring for the steps.
    """
    if box_width < 1 or max_lines < 1 or min_height < 1 or height < min_height:
        raise ValueError("impossible text box")
    if not text:
        return Fitted((), height, height)

    def allowed(h: int) -> int:
        if max_block_height is None:
            return max_lines
        return min(max_lines, max_block_height // fonts.line_pitch(h))

    sizes = _sizes(height, min_height)
    for h, w in sizes:
        lines = _wrap(text, box_width, w, break_words=False)
        if lines is not None and 1 <= len(lines) <= allowed(h):
            return Fitted(tuple(lines), h, w)
    h, w = sizes[-1]
    room = allowed(h)
    if room < 1:
        raise LayoutError(f"no room for one line of {min_height}-dot text")
    lines = _wrap(text, box_width, w, break_words=True) or [""]
    if len(lines) > room:
        lines = [*lines[:room - 1], _ellipsize(" ".join(lines[room - 1:]), box_width, w)]
    return Fitted(tuple(lines), h, w)


@dataclass(frozen=True)
class Para:
    """One text field of a block: its text, nominal and minimum size, line limit."""

    name: str
    text: str
    height: int
    min_height: int
    max_lines: int = 1


def fit_paragraphs(paras: list[Para], box_width: int, avail_height: int,
                   gap: int) -> list[Fitted]:
    """Fit stacked fields into ``avail_height`` dots, shrinking all of them together.

    The whole block is scaled down first (keeping the hierarchy: the name
    stays bigger than the street); at the minimum size, fields that wrap give
    up lines, the lowest first, until the block fits. Empty fields take no room.
    """
    paras = [p for p in paras if p.text]

    def total(fitted: list[Fitted]) -> int:
        return sum(f.block_height for f in fitted) + gap * max(0, len(fitted) - 1)

    scale = 1.0
    while True:
        fitted = [fit_text(p.text, box_width, height=max(p.min_height, round(p.height * scale)),
                           min_height=p.min_height, max_lines=p.max_lines) for p in paras]
        if total(fitted) <= avail_height:
            return fitted
        if all(max(p.min_height, round(p.height * scale)) == p.min_height for p in paras):
            break
        scale *= _SHRINK
    limits = [p.max_lines for p in paras]
    while total(fitted) > avail_height:
        wrapping = [i for i, f in enumerate(fitted) if len(f.lines) > 1]
        if not wrapping:
            raise LayoutError(f"{[p.name for p in paras]} do not fit in {avail_height} dots")
        i = wrapping[-1]
        limits[i] = len(fitted[i].lines) - 1
        fitted[i] = fit_text(paras[i].text, box_width, height=paras[i].min_height,
                             min_height=paras[i].min_height, max_lines=limits[i])
    return fitted


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
        return round(value * self.dpi / MM_PER_INCH)

    def mm_up(self, value: float) -> int:
        """Millimetres to dots, rounded up (for minimums: bar heights, module widths)."""
        return math.ceil(value * self.dpi / MM_PER_INCH - 1e-9)

    def _record(self, placed: Placed) -> None:
        self.placed.append(placed)

    def text(self, name: str, x: int, top: int, box_width: int, fitted: Fitted,
             align: str = "L", reverse: bool = False) -> int:
        """Print fitted lines from ``top``; return the y just below the block."""
        if not fitted.lines:
            return top
        rise = fonts.line_rise(fitted.height)
        for i, line in enumerate(fitted.lines):
            if not fonts.text_width(line, fitted.width) <= box_width:
                raise LayoutError(f"{name}: line {line!r} is wider than {box_width} dots")
            self.zpl.text_line(x, top + rise + i * fitted.pitch, line, fitted.height,
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
        media = Box(0, 0, self.width, self.height)
        for item in self.placed:
            if not media.contains(item.box):
                raise LayoutError(f"{item.name} {item.box} is off the {self.width}x{self.height} label")
        # Left to right: a field can only meet the ones that start before its right edge.
        ordered = sorted(self.placed, key=lambda placed: placed.box.x)
        for i, a in enumerate(ordered):
            right = a.box.x + a.box.w
            for b in ordered[i + 1:]:
                if b.box.x >= right:
                    break
                if a.box.overlaps(b.box) and not _allowed(a, b):
                    raise LayoutError(f"{a.name} {a.box} overlaps {b.name} {b.box}")

    def finish(self) -> bytes:
        """Check the layout, then return the label as UTF-8 ZPL bytes."""
        self.check()
        return self.zpl.to_zpl().encode("utf-8")


def _allowed(a: Placed, b: Placed) -> bool:
    """Reverse text may sit on a fill that wholly contains it; nothing else may overlap."""
    for back, front in ((a, b), (b, a)):
        if back.kind == "fill" and front.kind == "text" and front.reverse:
            return back.box.contains(front.box)
    return False
