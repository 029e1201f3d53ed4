"""How wide and how tall text prints in Zebra's resident font 0.

Font 0 is CG Triumvirate Bold Condensed, a scalable TrueType font. ``^A0N,h,w``
scales its em to ``h`` dots vertically and ``w`` dots horizontally, so a glyph's
advance depends on ``w`` only.

Where the numbers come from: the advances below are those of the printer's own
32 x 32 dot strike, captured from a Zebra ZD621 (203 dpi, firmware V93.21.33Z)
by the open-source ``zpl`` renderer project (codyps/zpl, asset ``font0-32.zbf``;
the ``zplkit`` wheel embeds the same strike). A second real capture, 24 x 12
dots from the same printer, is kept in the tests to check the model at a size it
was not derived from.

The model never underestimates: each glyph is counted as its 32-dot advance
scaled to ``w``, plus half a 32-dot unit for the capture's rounding, plus one
whole dot for the printer's hinting (TrueType rounds every advance to whole
dots; the 24 x 12 capture is at most 0.63 dot wider per glyph than a linear
scale). Note the font's quirks: ``-``, ``+``, ``=``, ``%`` and ``@`` are nearly
an em wide, ``<``, ``>`` and ``~`` a full em.

Characters outside printable ASCII (Latin-1 letters kept by ``labels.text``):
a letter with diacritics advances like its base letter (É like E: accented
composites share the base glyph's advance in this font family); anything else
(Æ, ß, Ø, ©, ½ ...) is counted as a full em, wider than any Latin glyph of a
condensed face.

Vertically, with ``^FO`` the printer puts the baseline three quarters of ``h``
below the field origin: capitals fill the first 0.75 h, descenders reach about
0.92 h, and accents over capitals (É, Ö) rise up to about 0.22 h *above* the
origin. A line is therefore modelled as the band [y - 0.25 h, y + h].
"""

from __future__ import annotations

import functools
import math
import unicodedata

__all__ = [
    "ACCENT_RISE",
    "FONT0_ADVANCES_32",
    "advance",
    "line_pitch",
    "line_rise",
    "text_width",
]

# Advance of each printable ASCII glyph of font 0 at ^A0N,32,32 (ZD621 capture).
FONT0_ADVANCES_32: dict[str, int] = {
    ' ': 9, '!': 9, '"': 15, '#': 15, '$': 15, '%': 29, '&': 20, "'": 9, '(': 9, ')': 9,
    '*': 15, '+': 29, ',': 9, '-': 29, '.': 9, '/': 9, '0': 15, '1': 15, '2': 15, '3': 15,
    '4': 15, '5': 15, '6': 15, '7': 15, '8': 15, '9': 15, ':': 9, ';': 9, '<': 32, '=': 29,
    '>': 32, '?': 14, '@': 29, 'A': 18, 'B': 18, 'C': 17, 'D': 19, 'E': 16, 'F': 16, 'G': 19,
    'H': 20, 'I': 9, 'J': 14, 'K': 18, 'L': 15, 'M': 24, 'N': 20, 'O': 18, 'P': 18, 'Q': 18,
    'R': 19, 'S': 17, 'T': 16, 'U': 20, 'V': 17, 'W': 26, 'X': 18, 'Y': 18, 'Z': 16, '[': 9,
    '\\': 9, ']': 9, '^': 16, '_': 16, '`': 9, 'a': 15, 'b': 16, 'c': 14, 'd': 16, 'e': 15,
    'f': 9, 'g': 16, 'h': 16, 'i': 8, 'j': 8, 'k': 14, 'l': 8, 'm': 24, 'n': 16, 'o': 15,
    'p': 16, 'q': 16, 'r': 11, 's': 14, 't': 9, 'u': 16, 'v': 14, 'w': 21, 'x': 14, 'y': 14,
    'z': 12, '{': 16, '|': 16, '}': 16, '~': 32,
}
CAPTURE_SIZE = 32
EM = 32  # a full em at the capture size: the widest glyphs ('<', '>', '~')
QUANTISATION = 0.5  # the capture's advances are whole dots at 32
HINTING_SLACK = 1.0  # whole dots the printer may add per glyph at other sizes
ACCENT_RISE = 0.25  # share of h that accents over capitals may rise above ^FO


def _advance_32(ch: str) -> int:
    known = FONT0_ADVANCES_32.get(ch)
    if known is not None:
        return known
    if ch == "\u00a0":
        return FONT0_ADVANCES_32[" "]
    base = unicodedata.normalize("NFD", ch)[:1]
    if base != ch and base in FONT0_ADVANCES_32:
        return FONT0_ADVANCES_32[base]
    return EM


def advance(ch: str, width: int) -> float:
    """Upper bound, in dots, of how far one glyph moves the pen at ``^A0N,h,width``."""
    return (_advance_32(ch) + QUANTISATION) * width / CAPTURE_SIZE + HINTING_SLACK


def text_width(text: str, width: int) -> int:
    """Upper bound, in dots, of the length of ``text`` printed at ``^A0N,h,width``.

    The sum of :func:`advance` over the characters, computed from the text's capture-size
    advances (cached: layout asks the same words at many sizes). Every term is a multiple of
    1/64 dot, so both sums are exact and equal (tests/unit/test_labels_fonts_speed.py).
    """
    count = len(text)
    return math.ceil((_advances_32(text) + QUANTISATION * count) * width / CAPTURE_SIZE
                     + HINTING_SLACK * count)


@functools.lru_cache(maxsize=65536)
def _advances_32(text: str) -> int:
    try:
        return sum(map(_LATIN1_ADVANCES_32.__getitem__, text))
    except KeyError:  # beyond Latin-1: rare (labels.text transliterates), the slow way
        return sum(_advance_32(ch) for ch in text)


# Every character a label can hold (labels.text keeps ASCII and Latin-1), looked up once.
_LATIN1_ADVANCES_32: dict[str, int] = {chr(code): _advance_32(chr(code)) for code in range(256)}


@functools.lru_cache(maxsize=1024)  # a few sizes per label, asked for every line
def line_rise(height: int) -> int:
    """Dots that accents over capitals may print above a line's ``^FO`` origin."""
    return math.ceil(ACCENT_RISE * height)


@functools.lru_cache(maxsize=1024)
def line_pitch(height: int) -> int:
    """Distance between two lines' origins so that no accent touches a descender."""
    return height + line_rise(height)
