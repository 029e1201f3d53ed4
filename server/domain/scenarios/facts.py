"""What a scenario may know of the floor: plain read-only data, loaded by the services.

Handlers ask ``facts`` (a ``FloorFacts``) for what they need and nothing more, so a scan at the
returns desk never loads a pick task, and unit tests hand in a small dataclass instead of a
database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from server.domain.layout import Layout
from server.domain.pick_rules import PickRules
from server.domain.scanning import ScannedCode
from server.domain.verification import LineProgress


@dataclass(frozen=True)
class TaskFacts:
    id: int
    kind: str  # pick, pack
    order: str  # the order's reference, CO-0000042
    lines: tuple[LineProgress, ...]
    tote: str | None = None  # the tote the order's units go into (batch picking)
    short: bool = False  # the order stopped short: a line short in every bin (its tote to the supervisor)

    def line(self, line_id: int) -> LineProgress:
        return next(line for line in self.lines if line.line_id == line_id)


@dataclass(frozen=True)
class LotFacts:
    """What the last accepted scan of a pick line said beyond its GTIN (picked_lots)."""

    lot: str | None
    expiry: date | None
    serial: str | None


@dataclass(frozen=True)
class ReturnLineFacts:
    line_id: int
    gtin14: str
    name: str
    quantity: int
    grade: str | None = None  # resellable, damaged, missing; None: not graded yet


@dataclass(frozen=True)
class ReturnFacts:
    id: int
    rma: str
    order: str
    received_at: datetime | None
    lines: tuple[ReturnLineFacts, ...]
    received_by: str | None = None  # "station:RET-01"
    status: str = "authorized"
    order_items: tuple[str, ...] = ()  # GTIN-14 of every line of the order (an extra must be one of them)

    def line(self, line_id) -> ReturnLineFacts | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    @property
    def graded(self) -> bool:
        return all(line.grade is not None for line in self.lines)


class FloorFacts(Protocol):
    def task(self) -> TaskFacts | None:
        """The task this station holds now, or None."""

    def batch(self) -> tuple[TaskFacts, ...]:
        """Every task this station holds now (batch picking), oldest first."""

    def pending_labels(self) -> int:
        """How many of this station's labels wait to be printed."""

    def backup_printer(self) -> str | None:
        """The name of the backup printer the fleet assigns to this station's printer, if any."""

    def pick_rules(self) -> PickRules:
        """The floor's picking rules (bin first, shortest shelf life accepted)."""

    def layout(self) -> Layout:
        """The floor's geometry (routes: the batch walk)."""

    def today(self) -> date:
        """Today's date (UTC), for expiry dates."""

    def last_lot(self, line_id: int) -> LotFacts | None:
        """The lot, expiry and serial of the last units picked on this line, if any was scanned."""

    def available_elsewhere(self, line_id: int) -> int:
        """Units of this pick line's product free (on hand less reserved) in its other bins."""

    def find_return(self, code: ScannedCode, items: tuple[str, ...] = ()) -> ReturnFacts | None:
        """The return the desk was given: an RMA, an SSCC, a tracking or order number typed, or
        (no paperwork) a customer's name typed after the ``items`` (GTIN-14) scanned."""

    def restock_bin(self, return_id: int, line_id: int) -> str | None:
        """The bin a resellable unit of this return line goes back to."""

    def return_by_id(self, return_id: int) -> ReturnFacts | None:
        ...
