"""A small ZPL II builder for 4x6 in thermal labels.

Security rule: field data never reaches the printer as-is. In ZPL a ``^``
starts a format command and a ``~`` starts a control command that the printer
runs the moment it arrives, even in the middle of a field, so a customer
named ``Bob^XZ~JR`` could end the label early or reset the printer. Every
variable text therefore goes through :func:`escape_field`: characters outside a
small safe set are sent as ``_XX`` hex bytes behind ``^FH_``, and the label
declares ``^CI28`` so the printer reads those bytes as UTF-8. Barcode data
cannot be hex-escaped the same way (it is the scanned payload), so it is
validated instead and rejected when it holds anything but printable ASCII.

:class:`ZplLabel` takes coordinates in 203 dpi design dots and scales them for
300 and 600 dpi printers; ``ZplLabel.in_dots`` takes printer dots as they are
(the label layouts in :mod:`labels.layout` place everything in printer dots).
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata

from biip import ParseError
from biip.gs1_messages import GS1Message

from labels.gs1 import is_valid_sscc

__all__ = [
    "DESIGN_DPI",
    "LABEL_HEIGHT",
    "LABEL_WIDTH",
    "SUPPORTED_DPI",
    "ZplLabel",
    "code128_modules",
    "code128_width",
    "escape_field",
    "gs1_128_data",
    "validate_code128",
]

DESIGN_DPI = 203
SUPPORTED_DPI = (203, 300, 600)
LABEL_WIDTH = 812  # 4 in at 203 dpi
LABEL_HEIGHT = 1218  # 6 in at 203 dpi
MAX_FIELD_BYTES = 3072  # ^FD limit in the ZPL II guide
MAX_DOTS = 32000  # largest coordinate ZPL accepts

# Deliberately small: no ^ ~ (commands), _ (the ^FH escape char), \ (^FB
# line-break codes), < > (Code 128 invocation in barcodes), no controls.
SAFE_CHARS = frozenset(string.ascii_letters + string.digits + " .,-/:'()&+#@!?*=%;")
# Words of safe characters, single spaces between them (what _strip_controls leaves as is).
_SAFE_WORDS = re.compile(r"[A-Za-z0-9.,\-/:'()&+#@!?*=%;]+(?: [A-Za-z0-9.,\-/:'()&+#@!?*=%;]+)*")
_FONT = re.compile(r"[A-Z0-9]")
QR_SAFE = re.compile(r"[A-Za-z0-9:/._?&=%#+\-]{1,100}")  # no ^ or ~: they would be ZPL commands
# ^BQ at error correction M with at most 100 bytes is version 6 or less: 41 modules.
QR_MODULES = 41


def qr_side(module: int) -> int:
    """Dots a QR code takes, quiet zones (4 modules each side) included."""
    return (QR_MODULES + 8) * module
_ALIGN = frozenset("LCRJ")
_CONTROL_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _strip_controls(value: str) -> str:
    """Turn control characters and line breaks into single spaces."""
    spaced = "".join(
        " " if unicodedata.category(ch) in _CONTROL_CATEGORIES else ch
        for ch in value
    )
    return " ".join(spaced.split())


@functools.lru_cache(maxsize=16384)  # pure: the same words are escaped label after label
def escape_field(value: str) -> str:
    """Return ``value`` as ^FD data for a field preceded by ``^FH_``.

    Safe characters pass through; every UTF-8 byte of anything else becomes
    ``_XX``. Control characters are replaced by spaces first: they have no
    business on a label and some printers act on them.
    """
    if not isinstance(value, str):
        raise TypeError(f"label text must be str, got {type(value).__name__}")
    if _SAFE_WORDS.fullmatch(value):  # nothing to strip, collapse or escape: sent as it is
        if len(value) > MAX_FIELD_BYTES:
            raise ValueError(f"label text too long ({len(value)} characters)")
        return value
    # Lone surrogates cannot be encoded; print a replacement glyph instead.
    text = _strip_controls(value).encode("utf-8", "replace").decode("utf-8")
    escaped = "".join(
        ch if ch in SAFE_CHARS else "".join(f"_{b:02X}" for b in ch.encode("utf-8"))
        for ch in text
    )
    if len(escaped) > MAX_FIELD_BYTES:
        raise ValueError(f"label text too long ({len(value)} characters)")
    return escaped


def validate_code128(data: str) -> str:
    """Return ``data`` if it is non-empty printable ASCII without ^ or ~."""
    if not isinstance(data, str) or not data:
        raise ValueError("Code 128 data must be a non-empty string")
    bad = sorted({ch for ch in data if not " " <= ch <= "~" or ch in "^~"})
    if bad:
        raise ValueError(f"Code 128 data {data!r} has forbidden characters {bad!r}")
    return data


def code128_width(data: str, module: int) -> int:
    """Width in dots of ``data`` as Code 128 subset B (start, check, stop)."""
    return (11 * (len(data) + 2) + 13) * module


@functools.lru_cache(maxsize=4096)  # a barcode is measured to place it, then drawn
def code128_modules(field_data: str) -> int:
    """Modules of the Code 128 symbol ZPL draws for ``^BC`` field data (mode N).

    Reads ZPL's invocation codes (``>:`` start B, ``>;`` start C, ``>9`` start
    A, ``>5``/``>6``/``>7`` code C/B/A, ``>8`` FNC1, ``><`` a literal ``>``),
    counts one symbol per character (per digit pair in subset C), then the
    check symbol (11 modules) and the stop pattern (13).
    """
    symbols, subset, i = 0, "B", 0
    while i < len(field_data):
        if field_data[i] == ">" and i + 1 < len(field_data):
            code = field_data[i + 1]
            i += 2
            if code in ":;9":
                subset = {":": "B", ";": "C", "9": "A"}[code]
            elif code in "567":
                subset = {"5": "C", "6": "B", "7": "A"}[code]
            symbols += 1  # start, switch, FNC1 or the literal ">"
            continue
        if subset == "C":
            if not field_data[i:i + 2].isdigit() or len(field_data[i:i + 2]) != 2:
                raise ValueError(f"subset C needs digit pairs in {field_data!r}")
            i += 2
        else:
            i += 1
        symbols += 1
    return (symbols + 1) * 11 + 13


_CSET82_SAFE = re.compile(r"[0-9A-Z]+")


def _gs1_segments(element_string: str) -> list[str]:
    """Split a bracketed GS1 element string into FNC1-separated digit runs."""
    return list(_parsed_segments(element_string))


_SSCC_ELEMENT = re.compile(r"\(00\)([0-9]{18})")


@functools.lru_cache(maxsize=4096)
def _parsed_segments(element_string: str) -> tuple[str, ...]:
    # Cached: a label measures, then draws, the same element string (biip's parse is slow).
    sscc = _SSCC_ELEMENT.fullmatch(element_string)
    if sscc and is_valid_sscc(sscc.group(1)):
        # Every shipping label's SSCC: one fixed-length AI, no separator; what biip would give.
        return ("00" + sscc.group(1),)
    try:
        message = GS1Message.parse_hri(element_string)
    except ParseError as exc:
        raise ValueError(f"invalid GS1 element string: {exc}") from exc
    segments, current = [], ""
    for element in message.element_strings:
        error = element.sscc_error or element.gtin_error
        if error:
            raise ValueError(f"invalid GS1 element string: {error}")
        current += element.ai.ai + element.value
        if element.ai.separator_required:
            segments.append(current)
            current = ""
    if current:
        segments.append(current)
    if not all(_CSET82_SAFE.fullmatch(seg) for seg in segments):
        raise ValueError(
            f"only digits and capital letters are supported in GS1 data, got {element_string!r}")
    return tuple(segments)


def _gs1_field_data(segments: list[str]) -> str:
    """Encode element runs as ZPL Code 128: start C, FNC1 (>8) before each run.

    Subset C packs digit pairs; an odd run ends with its last digit in
    subset B (>6) and the next run switches back to C (>5) after its FNC1.
    A run holding letters (a postal code in AI 420) goes in subset B.
    """
    parts, subset = [">;"], "C"
    if segments and not segments[0].isdigit():
        parts, subset = [">:"], "B"
    for seg in segments:
        parts.append(">8")
        if not seg.isdigit():
            if subset != "B":
                parts.append(">6")
                subset = "B"
            parts.append(seg)
            continue
        if subset == "B":
            parts.append(">5")
            subset = "C"
        if len(seg) % 2:
            parts += [seg[:-1], ">6", seg[-1]]
            subset = "B"
        else:
            parts.append(seg)
    return "".join(parts)


def gs1_128_data(element_string: str) -> str:
    """The ^BC field data :meth:`ZplLabel.gs1_128` sends for ``element_string``."""
    return _gs1_field_data(_gs1_segments(element_string))


def _build_line_field(label: ZplLabel, height: int, width: int, box_width: int, align: str,
                      reverse: bool, value: str) -> str:
    flag = "^FR" if reverse else ""
    value = value.replace("\\", "/") if isinstance(value, str) else value
    return (f"{label._font('0', height, width)}"
            f"^FB{label._dots(box_width, 1)},1,0,{align},0{flag}"
            f"^FH_^FD{escape_field(value)}^FS")


@functools.lru_cache(maxsize=32768)
def _line_field_in_dots(dpi: int, height: int, width: int, box_width: int, align: str,
                        reverse: bool, value: str) -> str:
    return _build_line_field(ZplLabel.in_dots(dpi, 1, 1), height, width, box_width, align,
                             reverse, value)


class ZplLabel:
    """Collects fields for one label and renders ``^XA ... ^XZ``.

    Coordinates and sizes are 203 dpi dots; they are scaled for ``dpi``
    (see :meth:`in_dots` for a label laid out in printer dots).
    """

    def __init__(self, dpi: int = DESIGN_DPI, width: int = LABEL_WIDTH,
                 height: int = LABEL_HEIGHT) -> None:
        if isinstance(dpi, bool) or dpi not in SUPPORTED_DPI:
            raise ValueError(f"dpi must be one of {SUPPORTED_DPI}, got {dpi!r}")
        self.dpi = dpi
        self._scale = dpi / DESIGN_DPI
        self.width = self._dots(width)
        self.height = self._dots(height)
        self._fields: list[str] = []

    @classmethod
    def in_dots(cls, dpi: int, width: int, height: int) -> ZplLabel:
        """A label whose coordinates and sizes are already this printer's dots."""
        label = cls(dpi=dpi)
        label._scale = 1.0
        label.width = label._dots(width, 1)
        label.height = label._dots(height, 1)
        return label

    def _dots(self, value: int, minimum: int = 0) -> int:
        """Scale a 203 dpi measure to this printer, rejecting non-ints."""
        if type(value) is int and self._scale == 1.0 and minimum <= value <= MAX_DOTS:
            return value  # a layout in printer dots: the common case, checked and unchanged
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"label measure must be an int, got {value!r}")
        if not minimum <= value <= MAX_DOTS:
            raise ValueError(f"label measure {value} out of range {minimum}..{MAX_DOTS}")
        return max(minimum, round(value * self._scale))

    def _font(self, font: str, height: int, width: int | None) -> str:
        if not isinstance(font, str) or not _FONT.fullmatch(font):
            raise ValueError(f"font must be one character A-Z or 0-9, got {font!r}")
        h = self._dots(height, 1)
        w = h if width is None else self._dots(width, 1)
        return f"^A{font}N,{h},{w}"

    def _origin(self, x: int, y: int) -> str:
        return f"^FO{self._dots(x)},{self._dots(y)}"

    def text(self, x: int, y: int, value: str, height: int = 30,
             width: int | None = None, font: str = "0", reverse: bool = False) -> None:
        """One line of text; ``reverse`` prints white on a filled box."""
        flag = "^FR" if reverse else ""
        self._fields.append(
            f"{self._origin(x, y)}{self._font(font, height, width)}{flag}"
            f"^FH_^FD{escape_field(value)}^FS"
        )

    def text_line(self, x: int, y: int, value: str, height: int, width: int,
                  box_width: int, align: str = "L", reverse: bool = False) -> None:
        """One line already measured to fit ``box_width``, inside a one-line ^FB.

        The layout measured the line, so the printer never needs to wrap it;
        the one-line field block is a second fence: if the printer ever found
        the line longer than ``box_width`` it would overprint the line rather
        than print past the box.
        """
        if align not in _ALIGN:
            raise ValueError(f"align must be one of L, C, R, J, got {align!r}")
        origin = self._origin(x, y)  # checked here: the position changes label to label
        self._fields.append(origin + self._line_field(height, width, box_width, align, reverse, value))

    def _line_field(self, height: int, width: int, box_width: int, align: str, reverse: bool,
                    value: str) -> str:
        """``^A0 ^FB ^FR ^FH ^FD ^FS`` of one measured line. In printer dots the same caption,
        sender or carrier line recurs on every label: built once (ints checked for type first,
        so a cached ``1`` never stands for ``True``)."""
        if (self._scale == 1.0 and type(height) is int and type(width) is int
                and type(box_width) is int and type(value) is str and type(reverse) is bool):
            return _line_field_in_dots(self.dpi, height, width, box_width, align, reverse, value)
        return _build_line_field(self, height, width, box_width, align, reverse, value)

    def block(self, x: int, y: int, value: str, width: int, lines: int = 2,
              height: int = 30, font: str = "0", align: str = "L",
              line_spacing: int = 0) -> None:
        """Word-wrapped text (^FB) for long street names; extra lines are cut."""
        if align not in _ALIGN:
            raise ValueError(f"align must be one of L, C, R, J, got {align!r}")
        if isinstance(lines, bool) or not isinstance(lines, int) or not 1 <= lines <= 9999:
            raise ValueError(f"lines must be 1..9999, got {lines!r}")
        fb = f"^FB{self._dots(width, 1)},{lines},{self._dots(line_spacing)},{align},0"
        # ^FB reads "\&" as a line break; a backslash in an address is noise.
        value = value.replace("\\", "/") if isinstance(value, str) else value
        self._fields.append(
            f"{self._origin(x, y)}{self._font(font, height, None)}{fb}"
            f"^FH_^FD{escape_field(value)}^FS"
        )

    def code128(self, x: int, y: int, data: str, height: int = 100,
                human_readable: bool = True, module: int = 2) -> None:
        """Code 128 subset B; ``>`` is ZPL's invocation char so it is doubled as ``><``."""
        validate_code128(data)
        hr = "Y" if human_readable else "N"
        self._fields.append(
            f"^BY{self._dots(module, 1)}{self._origin(x, y)}"
            f"^BCN,{self._dots(height, 1)},{hr},N,N"
            f"^FD>:{data.replace('>', '><')}^FS"
        )

    def gs1_128(self, x: int, y: int, element_string: str, height: int = 200,
                module: int = 3) -> None:
        """GS1-128 from a bracketed element string such as ``(00)106141411234567897``.

        Uses the ``>;>8`` form (start C + FNC1) with no printer-side check
        digit, so it works on all firmware and encodes exactly our digits.
        The interpretation line is left to the caller (GS1 wants it grouped).
        """
        data = _gs1_field_data(_gs1_segments(element_string))
        self._fields.append(
            f"^BY{self._dots(module, 1)}{self._origin(x, y)}"
            f"^BCN,{self._dots(height, 1)},N,N,N^FD{data}^FS"
        )

    def qr(self, x: int, y: int, data: str, magnification: int) -> None:
        """QR code (model 2, error correction M, automatic mode) of a URL-safe ``data``."""
        if not QR_SAFE.fullmatch(data):
            raise ValueError(f"QR data must be URL characters without ^ or ~, got {data!r}")
        self._fields.append(f"{self._origin(x, y)}^BQN,2,{magnification}^FDMA,{data}^FS")

    def box(self, x: int, y: int, w: int, h: int, thickness: int = 2) -> None:
        """Rectangle outline; thickness equal to the short side fills it."""
        t = self._dots(thickness, 1)
        self._fields.append(
            f"{self._origin(x, y)}^GB{max(self._dots(w), t)},{max(self._dots(h), t)},{t}^FS"
        )

    def line(self, x: int, y: int, length: int, thickness: int = 2,
             vertical: bool = False) -> None:
        """Horizontal (default) or vertical rule."""
        w, h = (thickness, length) if vertical else (length, thickness)
        self.box(x, y, w, h, thickness)

    def to_zpl(self) -> str:
        header = ["^XA", "^CI28", f"^PW{self.width}", f"^LL{self.height}", "^LH0,0"]
        return "\n".join([*header, *self._fields, "^XZ"]) + "\n"
