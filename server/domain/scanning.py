"""The one place that decides what a scanned code is (item, bin, RMA, parcel, badge).

Every scenario asks ``identify`` so a code means the same thing on every screen.
GS1 data (EAN/UPC, GS1-128, GS1 DataMatrix, GS1 QR, DataBar, Digital Link URIs, the
bracketed human-readable form typed at a kiosk) is read with biip. Besides the GTIN, an item's
code may carry its lot (AI 10), expiry date (AI 17), serial number (AI 21), a count of units
(AI 30, or AI 37 with the contents' GTIN in AI 02) and its net weight (AI 310n): kept on the
``ScannedCode`` for the pick to check and record (docs/picking.md, "Scanning a pick").

``identify`` never raises: a station calls it on whatever a scanner or a
keyboard sent, and an exception there jams the station. Garbage is UNKNOWN.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import biip
from biip.gs1_messages import GS1Message
from biip.symbology import ISOSymbology

# re.ASCII: a scanner sends ASCII digits; "\d" must not accept "٤٢".
RMA_PATTERN = re.compile(r"^RMA\d{8}$", re.ASCII)
BIN_PATTERN = re.compile(r"^[A-Z]{1,3}-\d{2}-\d{2}-\d$", re.ASCII)
BADGE_PATTERN = re.compile(r"^BADGE-[A-Z0-9]{4,32}$", re.ASCII)
TOTE_PATTERN = re.compile(r"^TOTE-\d{4,8}$", re.ASCII)
MAX_SCAN_LENGTH = 512

# AIM symbology identifier (ISO/IEC 15424): "]", a code letter, one modifier.
AIM_ID_PATTERN = re.compile(r"\][A-Za-z][0-9A-Za-z]", re.ASCII)
# Code letters biip understands, less "Y" (system expansion) whose modifier
# is a length that a 3-character identifier cannot carry.
_BIIP_CODE_LETTERS = frozenset(s.value for s in ISOSymbology) - {ISOSymbology.SYSTEM_EXPANSION.value}
# ]E3 is EAN-13/UPC (13 digits) followed by its 2- or 5-digit add-on.
EAN_WITH_ADD_ON = "]E3"
EAN_ADD_ON_PATTERN = re.compile(r"(\d{13})(?:\d{2}|\d{5})", re.ASCII)

# What biip.parse raises on data it cannot read, found by fuzzing biip 5.2:
# its ParseError and IndexError on a bad symbology identifier (kept from it
# by biip_symbology, caught anyway), and ValueError from urllib on a broken
# GS1 Digital Link such as "http://[". The last line of defence against a
# jammed station; `make fuzz` checks nothing else escapes.
BIIP_FAILURES = (biip.BiipException, ValueError, IndexError)


class CodeKind(StrEnum):
    ITEM = "item"
    BIN = "bin"
    RMA = "rma"
    PARCEL = "parcel"
    TOTE = "tote"
    BADGE = "badge"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScannedCode:
    kind: CodeKind
    value: str  # normalized: GTIN-14 for items, SSCC for parcels, the code itself otherwise
    raw: str
    # What a GS1 item code says beyond its GTIN (None: not in the code).
    lot: str | None = None  # AI 10
    expiry: date | None = None  # AI 17; day "00" is the month's last day (GS1 GenSpecs 7.12)
    serial: str | None = None  # AI 21
    count: int | None = None  # AI 30 (variable count) or AI 37 (units of the contents' GTIN)
    net_weight_g: int | None = None  # AI 310n (kg with n decimals), in grams


def identify(raw: str, symbology: str | None = None) -> ScannedCode:
    """What `raw` is. `symbology` is the AIM identifier the scanner reported.

    An AIM identifier left at the start of `raw` (keyboard-wedge scanners)
    is honoured too; the `symbology` argument wins when both are given.
    """
    code = raw.strip()
    if not code or len(code) > MAX_SCAN_LENGTH:
        return _unknown(raw)
    prefix, code = split_aim_id(code)
    if not code:
        return _unknown(raw)  # an identifier alone carries no data
    kind = _pattern_kind(code)
    if kind is not None:
        return ScannedCode(kind, code.upper(), raw)
    aim_id = biip_symbology(symbology) or biip_symbology(prefix)
    return _identify_gs1(code, aim_id, raw)


def split_aim_id(code: str) -> tuple[str | None, str]:
    """Split a leading AIM identifier off `code`; the data is stripped."""
    if AIM_ID_PATTERN.match(code):
        return code[:3], code[3:].strip()
    return None, code


def biip_symbology(aim_id: str | None) -> str:
    """`aim_id` if biip can use it, else "" (parse as if none was given).

    biip raises on an identifier it does not know (]x9, ]1, "]"), so only a
    well-formed one with a code letter from its table is passed on.
    """
    if aim_id is None:
        return ""
    aim_id = aim_id.strip()
    if AIM_ID_PATTERN.fullmatch(aim_id) and aim_id[1] in _BIIP_CODE_LETTERS:
        return aim_id
    return ""


def _pattern_kind(code: str) -> CodeKind | None:
    if not code.isascii():
        return None  # "ı".upper() is "I": only ASCII may name a bin or a badge
    upper = code.upper()
    for pattern, kind in ((RMA_PATTERN, CodeKind.RMA), (BIN_PATTERN, CodeKind.BIN),
                          (BADGE_PATTERN, CodeKind.BADGE), (TOTE_PATTERN, CodeKind.TOTE)):
        if pattern.fullmatch(upper):
            return kind
    return None


def _identify_gs1(code: str, aim_id: str, raw: str) -> ScannedCode:
    # GS1 data is ASCII (the GS1 character sets are subsets of ISO/IEC 646,
    # Digital Link URIs percent-encode the rest); biip would turn
    # "٤٠٠٦..." into a GTIN of Arabic digits. A "]" left here is a second or
    # broken identifier, never GS1 data.
    if not code.isascii() or code.startswith("]"):
        return _unknown(raw)
    if aim_id == EAN_WITH_ADD_ON:
        code = _drop_ean_add_on(code)
    if code.startswith("(") and not aim_id:
        return _identify_bracketed(code, raw)
    if code[:4].lower() == "http":
        aim_id = ""  # a Digital Link URI sits in plain QR (]Q1), which biip reads as text only
    try:
        result = biip.parse(aim_id + code)
    except BIIP_FAILURES:
        return _unknown(raw)
    return _from_parse_result(result, raw)


def _identify_bracketed(code: str, raw: str) -> ScannedCode:
    """"(01)04006381333931(10)LOT1": the human-readable form, typed at a kiosk."""
    try:
        message = GS1Message.parse_hri(code)
    except BIIP_FAILURES:
        return _unknown(raw)
    return _from_elements(message.element_strings, raw, attributes=True)


def _from_parse_result(result: biip.ParseResult, raw: str) -> ScannedCode:
    # Only a GS1 symbology (]C1, ]e0, ]d2, ]Q3, ]J1...) or a code without identifier carries
    # application identifiers: behind ]C0, ]d1 or ]Q1 the same digits are not GS1 data
    # (GS1 General Specifications 5.1.3, ISO/IEC 15424), so lot and expiry are not read there.
    # A GS1 Digital Link URI is GS1 data in any symbology: it is printed in plain QR (]Q1).
    symbology = result.symbology_identifier
    attributes = symbology is None or symbology.gs1_symbology is not None
    if result.gs1_message is not None and _keyed(result.gs1_message.element_strings):
        return _from_elements(result.gs1_message.element_strings, raw, attributes=attributes)
    link = result.gs1_digital_link_uri
    if link is not None and _keyed(link.element_strings):
        return _from_elements(link.element_strings, raw, attributes=True)
    if result.gtin is not None:
        return _item(result.gtin.as_gtin_14(), raw)
    if result.sscc is not None:
        return _parcel(result.sscc.value, raw)
    return _unknown(raw)


def _from_elements(elements, raw: str, *, attributes: bool) -> ScannedCode:
    # First GTIN (AI 01/02/03) or SSCC (AI 00) in the message's order.
    for element in elements:
        if element.gtin is not None:
            item = _item(element.gtin.as_gtin_14(), raw)
            return _with_attributes(item, elements) if attributes and item.kind is CodeKind.ITEM else item
        if element.sscc is not None:
            return _parcel(element.sscc.value, raw)
    return _unknown(raw)


def _keyed(elements) -> bool:
    return any(element.gtin is not None or element.sscc is not None for element in elements)


def _with_attributes(item: ScannedCode, elements) -> ScannedCode:
    """The item with its lot, expiry, serial, count and weight; a count of 0 is no item."""
    found = {"lot": None, "expiry": None, "serial": None, "count": None, "net_weight_g": None}
    for element in elements:
        ai = element.ai.ai
        if ai == "10":
            found["lot"] = element.value
        elif ai == "17" and element.date is not None:
            found["expiry"] = element.date
        elif ai == "21":
            found["serial"] = element.value
        elif ai in ("30", "37"):
            found["count"] = int(element.value)
        elif ai.startswith("310") and isinstance(element.decimal, Decimal):
            found["net_weight_g"] = int(element.decimal * 1000)
    if found["count"] == 0:
        return _unknown(item.raw)  # "a pack of no units" is a misprint, not a pick
    return ScannedCode(item.kind, item.value, item.raw, **found)


# All zeros passes the check digit but is never allocated; biip also reads an
# empty Digital Link key ("https://id.gs1.org/01/") as zeros.
def _item(gtin_14: str, raw: str) -> ScannedCode:
    if _all_zeros(gtin_14):
        return _unknown(raw)
    return ScannedCode(CodeKind.ITEM, gtin_14, raw)


def _parcel(sscc: str, raw: str) -> ScannedCode:
    if _all_zeros(sscc):
        return _unknown(raw)
    return ScannedCode(CodeKind.PARCEL, sscc, raw)


def _all_zeros(key: str) -> bool:
    return not key.strip("0")


def _drop_ean_add_on(code: str) -> str:
    # The add-on (issue number, price) is not part of the GTIN.
    match = EAN_ADD_ON_PATTERN.fullmatch(code)
    return match.group(1) if match else code


def _unknown(raw: str) -> ScannedCode:
    return ScannedCode(CodeKind.UNKNOWN, "", raw)


def gtin14(gtin: str) -> str:
    """Products store GTIN-13 (or 8/12/14); scans are compared as GTIN-14."""
    return gtin.zfill(14)
