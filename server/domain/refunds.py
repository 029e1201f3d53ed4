"""The refund policy: what a return is worth, line by line, in integer cents.

Plain Python (no Flask, no SQLAlchemy): the returns desk shows the breakdown before the
refund is confirmed, and server/services/refunds.py records it once.

The rules (every number is a field of ``RefundPolicy``; defaults in brackets):

1. **Window.** A return is inside the window when it was asked for (the RMA's date) at most
   ``window_days`` [30] days after delivery, both counted as UTC calendar days: delivered on
   1 March, window 30, the last day is 31 March. Before any delivery is known the window has
   not started, so the return is inside. Outside the window nothing is refunded, except for a
   merchant-fault reason when ``merchant_fault_ignores_window`` [True] (a broken or wrong
   item is the merchant's to put right whatever the date).
2. **Item price.** A resellable unit is refunded what was paid for it: its price less its
   share of the order discount (rule 5). A unit not graded yet (before inspection) is priced
   as resellable, so the desk can show the expected refund.
3. **Restocking fee.** ``restocking_fee_bp`` [1000 = 10 %] of a unit's base for a reason in
   ``restocking_fee_reasons`` [changed_mind]; ``damaged_fee_bp`` [5000 = 50 %] for a unit
   graded damaged when the reason is not the merchant's fault. When both apply the larger one
   is taken (fees do not add up). No fee ever for a merchant-fault reason.
4. **Merchant fault.** For a reason in ``merchant_fault_reasons`` [damaged, wrong_item] the
   outbound shipping is refunded too (what was paid for it less what was already refunded),
   once per return, if ``refund_shipping_on_merchant_fault`` [True] and at least one unit
   with such a reason is refunded.
5. **Discounts.** An order discount is prorated over *all* the order's lines by their value
   (unit price x quantity ordered), so a line's paid amount does not depend on which lines
   come back.
6. **Missing.** A unit graded missing is not refunded and does not count as returned (it can
   still come back on a later return).
7. **Never more than paid.** A line never gets back more than was paid for it less what was
   already refunded on it; units beyond those ordered (less those already returned) are not
   priced.
8. **Approval.** A total above ``approval_above_cents`` [20000 = 200.00] waits for a
   supervisor (server/services/refunds.py).

Rounding (integer cents throughout, nothing is ever rounded up in the merchant's favour):

- the discount is split by **largest remainder**: each line gets floor(D x value / total
  value), and the cents left over go one each to the lines with the largest remainders,
  ties to the earlier line; the parts sum exactly to D;
- a line's paid amount P over its Q units is taken **cumulatively**: units r+1..r+k (r
  already returned) are worth floor(P x (r+k) / Q) - floor(P x r / Q), so partial returns
  round down and the last unit back carries the leftover cents; all Q units sum exactly to P;
- a fee is rounded **down** (the customer's favour): floor(base x bp / 10000).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Iterable, Sequence

RESELLABLE, DAMAGED, MISSING = "resellable", "damaged", "missing"
GRADES = (RESELLABLE, DAMAGED, MISSING)
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class RefundPolicy:
    window_days: int = 30
    merchant_fault_ignores_window: bool = True
    restocking_fee_bp: int = 1000
    restocking_fee_reasons: frozenset[str] = frozenset({"changed_mind"})
    damaged_fee_bp: int = 5000
    merchant_fault_reasons: frozenset[str] = frozenset({"damaged", "wrong_item"})
    refund_shipping_on_merchant_fault: bool = True
    approval_above_cents: int = 20_000

    def __post_init__(self):
        for name in ("restocking_fee_bp", "damaged_fee_bp"):
            if not 0 <= getattr(self, name) <= BASIS_POINTS:
                raise ValueError(f"{name} must be between 0 and {BASIS_POINTS} basis points")
        if self.window_days < 0 or self.approval_above_cents < 0:
            raise ValueError("window_days and approval_above_cents cannot be negative")

    @classmethod
    def from_mapping(cls, config) -> RefundPolicy:
        """From the ``REFUND_*`` config keys (server/config.py); a missing key keeps the default."""
        keys = {"window_days": "REFUND_WINDOW_DAYS",
                "merchant_fault_ignores_window": "REFUND_MERCHANT_FAULT_IGNORES_WINDOW",
                "restocking_fee_bp": "REFUND_RESTOCKING_FEE_BP",
                "restocking_fee_reasons": "REFUND_RESTOCKING_FEE_REASONS",
                "damaged_fee_bp": "REFUND_DAMAGED_FEE_BP",
                "merchant_fault_reasons": "REFUND_MERCHANT_FAULT_REASONS",
                "refund_shipping_on_merchant_fault": "REFUND_SHIPPING_ON_MERCHANT_FAULT",
                "approval_above_cents": "REFUND_APPROVAL_ABOVE_CENTS"}
        given = {name: config[key] for name, key in keys.items() if config.get(key) is not None}
        for name in ("restocking_fee_reasons", "merchant_fault_reasons"):
            if name in given:
                given[name] = frozenset(given[name])
        return cls(**given)


@dataclass(frozen=True)
class PaidLine:
    """An order line as paid, with what earlier returns already took back from it."""

    line_id: int
    unit_price_cents: int
    quantity: int
    returned_before: int = 0        # units refunded on earlier returns (missing ones excluded)
    refunded_before_cents: int = 0  # cents refunded on this line before


@dataclass(frozen=True)
class PaidOrder:
    lines: Sequence[PaidLine]
    discount_cents: int = 0
    shipping_cents: int = 0
    shipping_refunded_cents: int = 0
    delivered_on: date | None = None


@dataclass(frozen=True)
class ReturnedItem:
    line_id: int
    quantity: int
    reason: str
    grade: str | None = None  # None: not inspected yet (priced as resellable)


@dataclass(frozen=True)
class LineRefund:
    line_id: int
    quantity: int          # units on the return
    priced: int            # units priced (missing ones and units beyond those ordered are not)
    reason: str
    grade: str | None
    gross_cents: int       # list price of the priced units
    discount_cents: int    # their share of the order discount
    base_cents: int        # what was paid for them: gross - discount
    fee_cents: int
    fee_rule: str          # "", "restocking:<reason>", "condition:damaged"
    capped_cents: int      # taken off so the line never gets back more than was paid
    amount_cents: int      # refunded: base - fee - capped
    note: str              # why, in one word: refunded, missing, outside_window, nothing_left


@dataclass(frozen=True)
class RefundBreakdown:
    lines: tuple[LineRefund, ...]
    shipping_cents: int
    shipping_note: str           # "merchant_fault" when refunded, else ""
    inside_window: bool
    days_since_delivery: int | None
    total_cents: int
    needs_approval: bool
    graded: bool                 # every line graded: the amount is final, not a preview

    def as_dict(self) -> dict:
        return asdict(self)


def prorate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` cents over ``weights`` by largest remainder: the parts sum exactly to
    ``total``; leftover cents go to the largest remainders, ties to the earlier weight."""
    if total < 0 or any(weight < 0 for weight in weights):
        raise ValueError("prorate needs non-negative amounts")
    whole = sum(weights)
    if whole == 0:
        if total:
            raise ValueError("cannot spread an amount over nothing")
        return [0] * len(weights)
    parts = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def within_window(policy: RefundPolicy, delivered_on: date | None, requested_on: date) -> tuple[bool, int | None]:
    if delivered_on is None:
        return True, None
    days = (requested_on - delivered_on).days
    return days <= policy.window_days, days


def fee_for(policy: RefundPolicy, reason: str, grade: str | None) -> tuple[int, str]:
    """The fee in basis points and the rule that set it (merchant fault: none)."""
    if reason in policy.merchant_fault_reasons:
        return 0, ""
    fees = []
    if reason in policy.restocking_fee_reasons and policy.restocking_fee_bp:
        fees.append((policy.restocking_fee_bp, f"restocking:{reason}"))
    if grade == DAMAGED and policy.damaged_fee_bp:
        fees.append((policy.damaged_fee_bp, "condition:damaged"))
    return max(fees, key=lambda fee: fee[0], default=(0, ""))


def refund_breakdown(policy: RefundPolicy, order: PaidOrder, items: Iterable[ReturnedItem],
                     requested_on: date) -> RefundBreakdown:
    """What the returned ``items`` are worth under ``policy``, line by line (rules above)."""
    lines = {line.line_id: line for line in order.lines}
    values = [line.unit_price_cents * line.quantity for line in order.lines]
    if order.discount_cents > sum(values):
        raise ValueError("the order discount is larger than its goods")
    paid = dict(zip(lines, (value - share for value, share in
                            zip(values, prorate(order.discount_cents, values)))))
    returned = {line.line_id: line.returned_before for line in order.lines}
    refunded = {line.line_id: line.refunded_before_cents for line in order.lines}
    inside, days = within_window(policy, order.delivered_on, requested_on)
    results, fault_refunded, graded = [], False, True
    for item in items:
        if item.grade is not None and item.grade not in GRADES:
            raise ValueError(f"unknown grade {item.grade!r}; one of {', '.join(GRADES)}")
        if item.quantity <= 0:
            raise ValueError("a returned quantity is at least 1")
        line = lines.get(item.line_id)
        if line is None:
            raise ValueError(f"line {item.line_id} is not on the order")
        graded = graded and item.grade is not None
        fault = item.reason in policy.merchant_fault_reasons
        eligible = inside or (fault and policy.merchant_fault_ignores_window)
        if item.grade == MISSING:
            results.append(_nothing(item, "missing"))
            continue
        if not eligible:
            results.append(_nothing(item, "outside_window"))
            continue
        before = returned[line.line_id]
        priced = max(0, min(item.quantity, line.quantity - before))
        total_paid = paid[line.line_id]
        base = total_paid * (before + priced) // line.quantity - total_paid * before // line.quantity
        gross = line.unit_price_cents * priced
        fee_bp, fee_rule = fee_for(policy, item.reason, item.grade)
        fee = base * fee_bp // BASIS_POINTS
        room = max(0, total_paid - refunded[line.line_id])
        capped = max(0, base - fee - room)
        amount = base - fee - capped
        returned[line.line_id] = before + priced
        refunded[line.line_id] += amount
        fault_refunded = fault_refunded or (fault and amount > 0)
        note = "refunded" if amount > 0 else "nothing_left"
        results.append(LineRefund(item.line_id, item.quantity, priced, item.reason, item.grade, gross,
                                  gross - base, base, fee, fee_rule if fee else "",
                                  capped, amount, note))
    shipping, shipping_note = 0, ""
    if fault_refunded and policy.refund_shipping_on_merchant_fault:
        shipping = max(0, order.shipping_cents - order.shipping_refunded_cents)
        shipping_note = "merchant_fault" if shipping else ""
    total = sum(line.amount_cents for line in results) + shipping
    return RefundBreakdown(tuple(results), shipping, shipping_note, inside, days, total,
                           total > policy.approval_above_cents, graded)


def _nothing(item: ReturnedItem, note: str) -> LineRefund:
    return LineRefund(item.line_id, item.quantity, 0, item.reason, item.grade, 0, 0, 0, 0, "", 0, 0, note)
