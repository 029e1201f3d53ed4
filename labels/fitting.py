"""Text fitted to a field's box: wrap, shrink, condense, break words, cut with "...".

The steps are described in :mod:`labels.layout`'s docstring; widths come from :mod:`labels.fonts`,
a model of font 0 that never underestimates, so a line the model says fits does fit.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from labels import fonts

__all__ = ["ELLIPSIS", "Fitted", "LayoutError", "Para", "fit_paragraphs", "fit_text"]

ELLIPSIS = "..."  # "…" (U+2026) is not in font 0's Latin-1 repertoire
_SHRINK = 0.92
_CONDENSE = (0.9, 0.8)


class LayoutError(AssertionError):
    """A layout placed a field off the media or over another field (a bug)."""


@dataclass(frozen=True)
class Fitted:
    """Text fitted to a width: its lines and the font size (``^A0N,height,width``)."""

    lines: tuple[str, ...]
    height: int
    width: int

    @functools.cached_property  # a block is stacked, measured and drawn: computed once
    def pitch(self) -> int:
        return fonts.line_pitch(self.height)

    @functools.cached_property
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
    h, w = sizes[0]
    if text[0] != " " and allowed(h) >= 1 and fonts.text_width(text, w) <= box_width:
        return Fitted((text,), h, w)  # one line at the first size: what the greedy wrap gives
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
