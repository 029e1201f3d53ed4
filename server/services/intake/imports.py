"""``colis-server import-orders``: a CSV file's orders onto the floor, each once.

Each order is applied in its own transaction by the same use case as the webhooks
(``apply_channel_order``): importing the same file again finds every order at the same
version and changes nothing; an unknown SKU holds the order with its reason.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from server.domain.intake.csv_orders import CsvReading, RowError, read_csv
from server.services.intake.orders import SHIP_WITHIN, apply_channel_order


@dataclass
class ImportReport:
    reading: CsvReading
    outcomes: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)  # bad rows, and rows of held orders


def import_orders(floor, channel: str, data: bytes, ship_within: timedelta = SHIP_WITHIN,
                  progress: Callable[[int], None] | None = None) -> ImportReport:
    reading = read_csv(data)
    report = ImportReport(reading, errors=list(reading.errors))
    for csv_order in reading.orders:
        with floor.uow() as uow:
            applied = apply_channel_order(uow, channel, csv_order.order, ship_within)
            uow.commit()
        report.outcomes[applied.outcome] += 1
        if applied.outcome in ("held", "not_applied"):
            report.errors += [RowError(row, f"order {csv_order.order.external_id!r} {applied.outcome.replace('_', ' ')}: "
                                            f"{applied.detail}") for row in csv_order.rows]
        if progress:
            progress(1)
    report.errors.sort(key=lambda e: e.row)
    return report
