"""The one place that decides what a scanned code is (item, bin, RMA, parcel, badge).

Every scenario asks ``identify`` so a code means the same thing on every screen.
GS1 data (EAN/UPC, GS1-128 with AI 01 or 00) is read with biip.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import biip

RMA_PATTERN = re.compile(r"^RMA\d{8}$")
BIN_PATTERN = re.compile(r"^[A-Z]{1,3}-\d{2}-\d{2}-\d$")
BADGE_PATTERN = re.compile(r"^BADGE-[A-Z0-9]{4,32}$")
TOTE_PATTERN = re.compile(r"^TOTE-\d{4,8}$")
MAX_SCAN_LENGTH = 512


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


def identify(raw: str, symbology: str | None = None) -> ScannedCode:
    code = raw.strip()
    if not code or len(code) > MAX_SCAN_LENGTH:
        return ScannedCode(CodeKind.UNKNOWN, "", raw)
    upper = code.upper()
    for pattern, kind in ((RMA_PATTERN, CodeKind.RMA), (BIN_PATTERN, CodeKind.BIN),
                          (BADGE_PATTERN, CodeKind.BADGE), (TOTE_PATTERN, CodeKind.TOTE)):
        if pattern.match(upper):
            return ScannedCode(kind, upper, raw)
    return _identify_gs1(code, symbology, raw)


def _identify_gs1(code: str, symbology: str | None, raw: str) -> ScannedCode:
    result = biip.parse((symbology or "") + code)
    if result.gtin is not None:
        return ScannedCode(CodeKind.ITEM, result.gtin.as_gtin_14(), raw)
    message = result.gs1_message
    if message is not None:
        for element in message.element_strings:
            if element.gtin is not None:
                return ScannedCode(CodeKind.ITEM, element.gtin.as_gtin_14(), raw)
            if element.sscc is not None:
                return ScannedCode(CodeKind.PARCEL, element.sscc.value, raw)
    if result.sscc is not None:
        return ScannedCode(CodeKind.PARCEL, result.sscc.value, raw)
    return ScannedCode(CodeKind.UNKNOWN, "", raw)


def gtin14(gtin: str) -> str:
    """Products store GTIN-13 (or 8/12/14); scans are compared as GTIN-14."""
    return gtin.zfill(14)
