"""What a label may print: the printer font's repertoire, transliteration, data errors.

Font 0 on a Zebra printer, fed UTF-8 (``^CI28``), prints printable ASCII and
the Latin-1 supplement (U+00A0-U+00FF: é, ü, ß, Æ, ...). Anything else - Greek,
Cyrillic, Japanese, Arabic, Hebrew, œ, ᵉ, ﬁ, emoji - would come out as an empty
box or nothing, so it is transliterated to Latin here with ``anyascii``:
"Αθήνα" -> "Athina", "東京" -> "DongJing", "3ᵉ étage" -> "3e étage",
"Œuvre" -> "Oeuvre". Carriers ask for Latin script on international labels; as
every label goes through this, every label is in Latin script. Right-to-left
scripts come out as left-to-right Latin in reading order (transliteration works on
the logical order of the text), so no bidirectional layout is needed.

Control characters, line breaks and format characters (bidi marks, zero-width
joiners, soft hyphens) never reach a label; emoji are dropped rather than
spelled out (anyascii writes ":package:").
"""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

__all__ = [
    "LabelDataError",
    "clean_text",
    "in_repertoire",
    "printable",
]


class LabelDataError(ValueError):
    """Label data that cannot make a correct label; ``field`` names the culprit."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


_SPACES = {"\u00a0": " "}
_BREAKS = frozenset({"Cc", "Zl", "Zp", "Zs"})  # all become one space
_DROPPED = frozenset({"Cf", "Cn", "Co", "Cs", "Mn", "Me"})


# Text _latin keeps character for character: the repertoire less "\\" and the soft hyphen.
_AS_IS = re.compile("[ -\\[\\]-~\u00a1-\u00ac\u00ae-\u00ff]*")


def in_repertoire(ch: str) -> bool:
    """True if font 0 prints ``ch`` (printable ASCII or Latin-1 supplement)."""
    code = ord(ch)
    return 0x20 <= code <= 0x7E or (0xA1 <= code <= 0xFF and code != 0xAD)


def _latin(ch: str) -> str:
    """One character as text font 0 can print ('' to drop it)."""
    if in_repertoire(ch):
        # ^FB reads "\&" as a line break: a backslash in an address is noise.
        return "/" if ch == "\\" else ch
    if ch in _SPACES:
        return _SPACES[ch]
    category = unicodedata.category(ch)
    if category in _BREAKS:
        return " "
    if category in _DROPPED:
        return ""
    compat = unicodedata.normalize("NFKC", ch)  # ᵉ -> e, ﬁ -> fi, full-width A -> A
    if compat != ch and all(in_repertoire(c) for c in compat):
        return compat
    if 0x1F1E6 <= ord(ch) <= 0x1F1FF:  # regional indicators (flag emoji)
        return ""
    latin = anyascii(ch)
    if latin.startswith(":") and latin.endswith(":"):  # an emoji's short name
        return ""
    return latin


@functools.lru_cache(maxsize=16384)  # pure; lru_cache refuses unhashable values with TypeError too
def printable(value: str) -> str:
    """``value`` as font 0 prints it: Latin, single-spaced, no controls."""
    if not isinstance(value, str):
        raise TypeError(f"label text must be str, got {type(value).__name__}")
    if _AS_IS.fullmatch(value):  # already in font 0 (most addresses): NFC and _latin keep it
        return " ".join(value.split())
    text = unicodedata.normalize("NFC", value)
    return " ".join("".join(_latin(ch) for ch in text).split())


def clean_text(field: str, value: object, *, required: bool, max_chars: int) -> str:
    """Check one text field of label data and return its printable form.

    ``max_chars`` bounds the text as given: past it no label could show the
    field (the layout would have to cut most of it), so it is refused here,
    when the label data is built, rather than printed as a stub.
    """
    if value is None:
        raise LabelDataError(field, "is missing (None)")
    if not isinstance(value, str):
        raise LabelDataError(field, f"must be text, got {type(value).__name__}")
    stripped = value.strip()
    if len(stripped) > max_chars:
        raise LabelDataError(
            field, f"is {len(stripped)} characters long; a label shows at most {max_chars}")
    shown = printable(value)
    if required and not stripped:
        raise LabelDataError(field, "must not be empty")
    if required and not any(ch.isalnum() for ch in shown):
        raise LabelDataError(field, f"has nothing printable in {value!r}")
    return shown
