"""GS1 identifiers used on the dock: GTINs on items, SSCCs on parcels and pallets.

Check digits come from ``biip`` so there is one implementation of the GS1
mod-10 rule in the codebase; this module adds the strict input checks the
labels need (biip is deliberately lenient: it strips whitespace and accepts
non-ASCII digits, neither of which may reach a barcode).
"""

from __future__ import annotations

import functools
import re

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gtin import Gtin
from biip.sscc import Sscc

__all__ = [
    "GTIN_LENGTHS",
    "SSCC_LENGTH",
    "gs1_check_digit",
    "is_valid_gtin",
    "is_valid_sscc",
    "make_gtin13",
    "make_sscc",
    "sscc_hri",
    "validate_sscc",
]

GTIN_LENGTHS = frozenset({8, 12, 13, 14})
SSCC_LENGTH = 18

# [0-9] rather than \d: \d also matches Arabic-Indic and full-width digits.
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _require_digits(value: str, what: str) -> None:
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        raise ValueError(f"{what} must be ASCII digits only, got {value!r}")


def gs1_check_digit(digits: str) -> str:
    """Return the GS1 mod-10 check digit for ``digits`` (the payload without it)."""
    _require_digits(digits, "GS1 payload")
    return str(gs1_standard_check_digit(digits))


def is_valid_gtin(code: str) -> bool:
    """True for a GTIN-8/12/13/14 made of ASCII digits with a correct check digit."""
    if not isinstance(code, str) or not _ASCII_DIGITS.fullmatch(code):
        return False
    if len(code) not in GTIN_LENGTHS:
        return False
    try:
        Gtin.parse(code)
    except ParseError:
        return False
    return True


def make_gtin13(prefix_and_item: str) -> str:
    """Complete a 12-digit company prefix + item reference into a GTIN-13."""
    _require_digits(prefix_and_item, "GTIN-13 payload")
    if len(prefix_and_item) != 12:
        raise ValueError(
            f"GTIN-13 payload must be 12 digits, got {len(prefix_and_item)}"
        )
    return prefix_and_item + gs1_check_digit(prefix_and_item)


def make_sscc(extension_digit: int, company_prefix: str, serial: int) -> str:
    """Build an 18-digit SSCC: extension, company prefix, serial reference, check.

    The serial reference is zero-padded to fill the 17 payload digits, so
    the room left for it shrinks as the company prefix grows (7..10 digits).
    """
    if isinstance(extension_digit, bool) or not isinstance(extension_digit, int):
        raise ValueError(f"extension digit must be an int, got {extension_digit!r}")
    if not 0 <= extension_digit <= 9:
        raise ValueError(f"extension digit must be 0-9, got {extension_digit}")
    _require_digits(company_prefix, "company prefix")
    if not 7 <= len(company_prefix) <= 10:
        raise ValueError(
            f"GS1 company prefix must be 7-10 digits, got {len(company_prefix)}"
        )
    serial_width = SSCC_LENGTH - 2 - len(company_prefix)
    _check_serial(serial, serial_width, company_prefix)
    payload = f"{extension_digit}{company_prefix}{serial:0{serial_width}d}"
    return payload + gs1_check_digit(payload)


def _check_serial(serial: int, width: int, company_prefix: str) -> None:
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise ValueError(f"SSCC serial must be an int, got {serial!r}")
    if serial < 0:
        raise ValueError(f"SSCC serial must not be negative, got {serial}")
    if serial >= 10**width:
        raise ValueError(
            f"SSCC serial {serial} does not fit in {width} digits "
            f"(company prefix {company_prefix} leaves {width} digits, "
            f"max {10**width - 1})"
        )


def is_valid_sscc(code: str) -> bool:
    """True for 18 ASCII digits whose last digit is the GS1 check digit."""
    if not isinstance(code, str) or not _ASCII_DIGITS.fullmatch(code):
        return False
    if len(code) != SSCC_LENGTH:
        return False
    return _sscc_check_digit(code[:-1]) == code[-1]


@functools.lru_cache(maxsize=4096)  # a label's SSCC is checked by its data, its text and its bars
def _sscc_check_digit(digits: str) -> str:
    return gs1_check_digit(digits)


def validate_sscc(code: str) -> str:
    """Return ``code`` unchanged or raise ValueError saying what is wrong."""
    _require_digits(code, "SSCC")
    if len(code) != SSCC_LENGTH:
        raise ValueError(f"SSCC must be {SSCC_LENGTH} digits, got {len(code)}")
    expected = _sscc_check_digit(code[:-1])
    if code[-1] != expected:
        raise ValueError(
            f"SSCC {code} has check digit {code[-1]}, expected {expected}"
        )
    return code


def sscc_hri(code: str, company_prefix_length: int | None = None) -> str:
    """Human-readable SSCC, e.g. ``(00) 1 0614141 123456789 7``.

    biip knows the company prefix length for many GS1 ranges; when it does
    not, prefix and serial print as one group (still scannable by eye).
    """
    validate_sscc(code)
    hri = Sscc.parse(code).as_hri(company_prefix_length=company_prefix_length)
    return f"(00) {hri}"
