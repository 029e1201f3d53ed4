"""Does this scan belong to this task? Pure rules, shared by picking and packing."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Sequence

from server.domain.scanning import CodeKind, ScannedCode


@dataclass(frozen=True)
class LineProgress:
    line_id: int
    gtin14: str
    quantity: int
    done_qty: int
    name: str = ""  # what the operator is told ("OK: Lampe Émeraude")
    bin: str = ""  # where a pick line is taken from

    @property
    def remaining(self) -> int:
        return self.quantity - self.done_qty


class Verdict(StrEnum):
    COUNTED = "counted"              # good item, more to scan
    TASK_COMPLETE = "task_complete"  # good item, and it was the last one
    WRONG_ITEM = "wrong_item"        # a real item, not in this task
    TOO_MANY = "too_many"            # in the task, but every unit is already scanned
    NOT_AN_ITEM = "not_an_item"      # a bin, RMA, parcel... where an item was expected
    UNREADABLE = "unreadable"        # no known barcode (garbage, bad check digit)


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    line_id: int | None = None

    @property
    def accepted(self) -> bool:
        return self.verdict in (Verdict.COUNTED, Verdict.TASK_COMPLETE)


def check_item(lines: Sequence[LineProgress], code: ScannedCode) -> Check:
    if code.kind is CodeKind.UNKNOWN:
        return Check(Verdict.UNREADABLE)
    if code.kind is not CodeKind.ITEM:
        return Check(Verdict.NOT_AN_ITEM)
    matching = [line for line in lines if line.gtin14 == code.value]
    if not matching:
        return Check(Verdict.WRONG_ITEM)
    open_line = next((line for line in matching if line.remaining > 0), None)
    if open_line is None:
        return Check(Verdict.TOO_MANY, matching[0].line_id)
    units_left = sum(line.remaining for line in lines) - 1
    verdict = Verdict.TASK_COMPLETE if units_left == 0 else Verdict.COUNTED
    return Check(verdict, open_line.line_id)

