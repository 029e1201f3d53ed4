"""What a pick scan or key is allowed to do: bin first, expired lots, packs and typed quantities.

Plain rules over the task's lines (``LineProgress``) and what the scan said (``ScannedCode``),
used by the pick and batch scenarios. ``PickRules`` is the floor's configuration
(``PICK_SCAN_BIN_FIRST``, ``PICK_MIN_SHELF_LIFE_DAYS``; docs/picking.md, "Scanning a pick").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Sequence

from server.domain.scanning import CodeKind, ScannedCode
from server.domain.verification import LineProgress
from wire.contract import SHORT_REASONS  # noqa: F401 - the pick scenario's reasons, named on the wire

MAX_TYPED_UNITS = 10_000  # more than any pick line: a typing slip


@dataclass(frozen=True)
class PickRules:
    """``bin_first``: the picker scans the bin's label before its items — everywhere (True),
    nowhere (False), or in the zones listed. ``min_shelf_life_days``: a lot expiring sooner
    than this many days from today is refused like an expired one (0: only past expiry)."""

    bin_first: bool | tuple[str, ...] = False
    min_shelf_life_days: int = 0

    @classmethod
    def from_settings(cls, bin_first, min_shelf_life_days=0) -> PickRules:
        if isinstance(bin_first, str):
            bin_first = tuple(zone.strip().upper() for zone in bin_first.split(",") if zone.strip())
        elif isinstance(bin_first, (list, tuple)):
            bin_first = tuple(str(zone).strip().upper() for zone in bin_first)
        elif not isinstance(bin_first, bool):
            raise ValueError("PICK_SCAN_BIN_FIRST is true, false or a list of zones")
        days = int(min_shelf_life_days or 0)
        if days < 0:
            raise ValueError("PICK_MIN_SHELF_LIFE_DAYS is 0 or more")
        return cls(bin_first, days)

    def needs_bin_scan(self, bin_code: str) -> bool:
        if isinstance(self.bin_first, bool):
            return self.bin_first and bool(bin_code)
        return bin_code.split("-", 1)[0].upper() in self.bin_first

    def refuses_expiry(self, expiry: date | None, today: date) -> bool:
        """Past its expiry date (usable on the day itself), or too close to it to ship."""
        return expiry is not None and expiry < today + timedelta(days=self.min_shelf_life_days)


class PickVerdict(StrEnum):
    COUNTED = "counted"                # good units, more to pick
    TASK_COMPLETE = "task_complete"    # good units, the task's last
    WRONG_ITEM = "wrong_item"          # a real item, not in this task
    TOO_MANY = "too_many"              # in the task, every unit already picked
    NOT_AN_ITEM = "not_an_item"        # a parcel, RMA... where an item was expected
    UNREADABLE = "unreadable"          # no known barcode
    SCAN_BIN_FIRST = "scan_bin_first"  # this floor wants the bin's label scanned before its items
    EXPIRED = "expired"                # the scanned lot is past (or too close to) its expiry date
    PACK_TOO_BIG = "pack_too_big"      # a pack (AI 30/37) or a typed count larger than what is due
    BAD_QUANTITY = "bad_quantity"      # a typed quantity that is not 1..what is due, or no such line
    SCAN_ONE_FIRST = "scan_one_first"  # a typed quantity before any unit of the line was scanned
    SERIALISED = "serialised"          # units with serial numbers are scanned one by one


@dataclass(frozen=True)
class PickCheck:
    verdict: PickVerdict
    line: LineProgress | None = None
    units: int = 1

    @property
    def accepted(self) -> bool:
        return self.verdict in (PickVerdict.COUNTED, PickVerdict.TASK_COMPLETE)


def check_scan(lines: Sequence[LineProgress], code: ScannedCode, *, at_bin: str | None, rules: PickRules,
               today: date) -> PickCheck:
    """Which line a scanned item counts on, and how many units, or why it is refused."""
    if code.kind is CodeKind.UNKNOWN:
        return PickCheck(PickVerdict.UNREADABLE)
    if code.kind is not CodeKind.ITEM:
        return PickCheck(PickVerdict.NOT_AN_ITEM)
    matching = [line for line in lines if line.gtin14 == code.value]
    if not matching:
        return PickCheck(PickVerdict.WRONG_ITEM)
    open_lines = [line for line in matching if line.remaining > 0]
    if not open_lines:
        return PickCheck(PickVerdict.TOO_MANY, matching[0])
    # The same product may be due from two bins: the one the picker stands at first.
    line = next((line for line in open_lines if at_bin and line.bin == at_bin), open_lines[0])
    if rules.needs_bin_scan(line.bin) and line.bin != at_bin:
        return PickCheck(PickVerdict.SCAN_BIN_FIRST, line)
    if rules.refuses_expiry(code.expiry, today):
        return PickCheck(PickVerdict.EXPIRED, line)
    units = code.count or 1
    if units > line.remaining:
        return PickCheck(PickVerdict.PACK_TOO_BIG, line, units)
    return _counted(lines, line, units)


def check_typed(lines: Sequence[LineProgress], line_id, quantity, *, at_bin: str | None, rules: PickRules,
                serialised: bool) -> PickCheck:
    """A quantity typed for multiples: ``quantity`` more units of a line whose item was scanned."""
    line = next((line for line in lines if line.line_id == line_id), None)
    units = whole_number(quantity)
    if line is None or line.remaining <= 0 or units is None or units < 1:
        return PickCheck(PickVerdict.BAD_QUANTITY, line)
    if units > line.remaining:
        return PickCheck(PickVerdict.PACK_TOO_BIG, line, units)
    if line.done_qty == 0:
        return PickCheck(PickVerdict.SCAN_ONE_FIRST, line)  # the scan proves it is the right item
    if rules.needs_bin_scan(line.bin) and line.bin != at_bin:
        return PickCheck(PickVerdict.SCAN_BIN_FIRST, line)
    if serialised:
        return PickCheck(PickVerdict.SERIALISED, line)
    return _counted(lines, line, units)


def _counted(lines: Sequence[LineProgress], line: LineProgress, units: int) -> PickCheck:
    left = sum(other.remaining for other in lines) - units
    return PickCheck(PickVerdict.TASK_COMPLETE if left == 0 else PickVerdict.COUNTED, line, units)


def whole_number(value) -> int | None:
    """A whole number from a key's parameter (an int, or up to 9 digits typed as text)."""
    if isinstance(value, bool):
        return None
    typed = value.strip() if isinstance(value, str) else None
    # ASCII digits only: str.isdigit() also takes "¹" (int() raises) and "٢" (which int() reads).
    if typed is not None and typed.isascii() and typed.isdecimal() and len(typed) <= 9:
        value = int(typed)
    if isinstance(value, int) and abs(value) <= MAX_TYPED_UNITS:
        return value
    return None
