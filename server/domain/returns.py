"""Return authorizations: reasons, grades, what can still be returned, and what a desk lookup
key is. Plain Python: the services load, these decide."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from server.domain.scanning import CodeKind, identify

# wrong_item: the merchant sent the wrong product (a merchant fault, server/domain/refunds.py).
RETURN_REASONS = ("changed_mind", "wrong_size", "damaged", "not_as_described", "wrong_item", "late", "other")
# Not the customer's choice: the return opened when the carrier brings a parcel back.
RETURNED_TO_SENDER = "returned_to_sender"
KNOWN_REASONS = RETURN_REASONS + (RETURNED_TO_SENDER,)
RESELLABLE, DAMAGED, MISSING = "resellable", "damaged", "missing"
GRADES = (RESELLABLE, DAMAGED, MISSING)
# Where a graded unit goes: resellable back to a bin (stock), damaged to quarantine (never
# stock), missing nowhere (it did not come back; it may come later on another return).
DISPOSITIONS = {RESELLABLE: "restock", DAMAGED: "quarantine", MISSING: None}
ORDER_REF_PATTERN = re.compile(r"^(?:CO-?)?\d{1,10}$", re.ASCII | re.IGNORECASE)
# Carriers' tracking numbers: letters and digits, at least one digit (S10 "LA123456789FR",
# UPS "1Z…", Colissimo "6A…"); a typed name has spaces or no digit.
TRACKING_PATTERN = re.compile(r"^[A-Z0-9]{8,40}$", re.ASCII)
# A DPD label's barcode: "%", the postal code (7), the parcel number (14), service (3) and
# country (3), as scanned; its text line adds the check character.
DPD_BARCODE = re.compile(r"^%?[0-9A-Z]{7}(\d{14})\d{6}[0-9A-Z]?$", re.ASCII)


class ReturnNotAllowed(ValueError):
    pass


@dataclass(frozen=True)
class ReturnedUnit:
    unit_price_cents: int
    quantity: int


@dataclass(frozen=True)
class WantedLine:
    """Customer service or the customer asks to send back ``quantity`` of an order line."""

    order_line_id: int
    quantity: int
    reason: str


@dataclass(frozen=True)
class LookupKey:
    """What a text typed or scanned at the desk is: ``kind`` one of rma, sscc, order, tracking,
    item, name; ``value`` normalized (RMA upper case, SSCC 18 digits, order id, GTIN-14)."""

    kind: str
    value: str


def rma_number(return_id: int) -> str:
    return f"RMA{return_id:08d}"


def refund_due(units: Iterable[ReturnedUnit]) -> int:
    """Goods value of the returned lines, in cents (list price x quantity, no policy).

    What the policy gives (window, fees, discounts, shipping, grades) is
    server/domain/refunds.py's ``refund_breakdown`` (docs/returns.md)."""
    return sum(unit.unit_price_cents * unit.quantity for unit in units)


def check_wanted(wanted: list[WantedLine], returnable: dict[int, int]) -> list[WantedLine]:
    """``wanted`` merged by (line, reason) and checked against ``returnable`` (order line id →
    units not yet on another return). Raises ``ReturnNotAllowed`` naming the first bad line."""
    if not wanted:
        raise ReturnNotAllowed("choose at least one line to return")
    merged: dict[tuple[int, str], int] = {}
    for line in wanted:
        if line.reason not in KNOWN_REASONS:
            raise ReturnNotAllowed(f"unknown return reason {line.reason!r}; one of {', '.join(RETURN_REASONS)}")
        if line.order_line_id not in returnable:
            raise ReturnNotAllowed(f"line {line.order_line_id} is not on this order")
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity <= 0:
            raise ReturnNotAllowed(f"line {line.order_line_id}: the quantity must be a whole number above 0")
        key = (line.order_line_id, line.reason)
        merged[key] = merged.get(key, 0) + line.quantity
    asked: dict[int, int] = {}
    for (line_id, _), quantity in merged.items():
        asked[line_id] = asked.get(line_id, 0) + quantity
        if asked[line_id] > returnable[line_id]:
            raise ReturnNotAllowed(f"line {line_id}: only {returnable[line_id]} unit(s) can still be returned")
    return [WantedLine(line_id, quantity, reason) for (line_id, reason), quantity in merged.items()]


def parcel_return_lines(contents: dict[int, int], lines: list[tuple[int, int, int]]) -> list[WantedLine]:
    """What the carrier's return of one parcel covers: its recorded ``contents`` (product id →
    units in the parcel) over the order's ``lines`` ((order line id, product id, units still
    returnable), in the order's line order). A product on two lines fills the first line first;
    units already on another return are not asked twice (a return may cover less than the
    parcel holds, never more). Empty: nothing of the parcel is left to return."""
    wanted = []
    for product_id, units in contents.items():
        for line_id, line_product, left in lines:
            if units <= 0:
                break
            if line_product != product_id or left <= 0:
                continue
            taken = min(units, left)
            wanted.append(WantedLine(line_id, taken, RETURNED_TO_SENDER))
            units -= taken
    return sorted(wanted, key=lambda line: line.order_line_id)


def lookup_key(text: str) -> LookupKey | None:
    """What the desk was given: an RMA, a parcel's SSCC, an order number, a tracking number,
    an item's barcode, or (anything else with a letter) a customer's name. None: nothing usable."""
    raw = (text or "").strip()
    if not raw or len(raw) > 200:
        return None
    code = identify(raw)
    if code.kind is CodeKind.RMA:
        return LookupKey("rma", code.value)
    if code.kind is CodeKind.PARCEL:
        return LookupKey("sscc", code.value)
    digits = raw.replace("(", "").replace(")", "").replace(" ", "")
    if digits.isdigit() and (len(digits) == 18 or (len(digits) == 20 and digits.startswith("00"))):
        return LookupKey("sscc", digits[-18:])  # typed from the label's text line
    if ORDER_REF_PATTERN.fullmatch(raw) and (not raw.isdigit() or len(raw) <= 7):
        return LookupKey("order", str(int(raw.upper().removeprefix("CO").removeprefix("-"))))
    upper = raw.upper().replace(" ", "")
    dpd = DPD_BARCODE.fullmatch(upper)
    if dpd:  # a parcel the carrier brought back, its DPD label scanned
        return LookupKey("tracking", dpd.group(1))
    if code.kind is CodeKind.ITEM:
        return LookupKey("item", code.value)
    if TRACKING_PATTERN.fullmatch(upper) and any(ch.isdigit() for ch in upper):
        return LookupKey("tracking", upper)
    if any(ch.isalpha() for ch in raw):
        return LookupKey("name", raw)
    return None


def fold(name: str) -> str:
    """A name compared without case, accents or extra spaces ("Zoé  L'Héritier" ~ "zoe l'heritier")."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def name_matches(typed: str, customer_name: str) -> bool:
    """Every word typed is in the customer's name (a surname alone is enough)."""
    words = fold(typed).split()
    have = fold(customer_name)
    return bool(words) and all(word in have for word in words)
