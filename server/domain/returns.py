"""Return authorizations and the refund they are worth."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

# wrong_item: the merchant sent the wrong product (a merchant fault, server/domain/refunds.py).
RETURN_REASONS = ("changed_mind", "wrong_size", "damaged", "not_as_described", "wrong_item", "late", "other")


@dataclass(frozen=True)
class ReturnedUnit:
    unit_price_cents: int
    quantity: int


def rma_number(return_id: int) -> str:
    return f"RMA{return_id:08d}"


def refund_due(units: Iterable[ReturnedUnit]) -> int:
    """Goods value of the returned lines, in cents (list price x quantity, no policy).

    What the policy gives (window, fees, discounts, shipping, grades) is
    server/domain/refunds.py's ``refund_breakdown`` (docs/returns.md)."""
    return sum(unit.unit_price_cents * unit.quantity for unit in units)
