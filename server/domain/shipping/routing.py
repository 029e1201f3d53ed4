"""Which warehouse ships an order (distributed order management), and why.

An order goes whole to the nearest warehouse that has every unit free. When none has, the
policy decides: ``split`` sends it from the fewest warehouses that together have every line
(each line whole from one warehouse; among equally few, the smallest total distance), ``hold``
keeps it back until one warehouse can ship it whole. When the warehouses together do not have
it, it is short (backordered) whatever the policy.

Distances come from a table of (warehouse, country, postal-code prefix, km): the longest
prefix of the customer's postal code wins, an empty prefix covers the whole country; a
warehouse with no row for the country is taken as very far (UNKNOWN_KM), not as unable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable, Mapping

UNKNOWN_KM = 10_000
POLICIES = ("split", "hold")
MAX_SEARCH = 20_000  # assignments tried per combination of warehouses before giving up on it


@dataclass(frozen=True)
class Zone:
    warehouse: str
    country: str
    postal_prefix: str
    km: int


@dataclass(frozen=True)
class Line:
    line_id: int
    product_id: int
    quantity: int


@dataclass(frozen=True)
class Part:
    warehouse: str
    line_ids: tuple[int, ...]


@dataclass(frozen=True)
class Route:
    outcome: str                    # whole, split, held, short
    parts: tuple[Part, ...]         # empty when held or short
    reason: str                     # a code of the routing.* texts (wire/texts.py)
    params: dict = field(default_factory=dict)
    distances: dict = field(default_factory=dict)   # warehouse -> km, what was weighed


def distance(zones: Iterable[Zone], warehouse: str, country: str, postal_code: str) -> int:
    postal = (postal_code or "").replace(" ", "").upper()
    best: Zone | None = None
    for zone in zones:
        if zone.warehouse == warehouse and zone.country == country and postal.startswith(zone.postal_prefix):
            if best is None or len(zone.postal_prefix) > len(best.postal_prefix):
                best = zone
    return best.km if best else UNKNOWN_KM


def route_order(lines: list[Line], free: Mapping[str, Mapping[int, int]], distances: Mapping[str, int],
                policy: str = "split", max_parts: int = 3) -> Route:
    """``free``: warehouse → product → units free now; ``distances``: warehouse → km."""
    if policy not in POLICIES:
        raise ValueError(f"routing policy {policy!r}: expected one of {', '.join(POLICIES)}")
    by_distance = sorted(free, key=lambda code: (distances.get(code, UNKNOWN_KM), code))
    kms = {code: distances.get(code, UNKNOWN_KM) for code in by_distance}
    whole = [code for code in by_distance if _has_all(lines, free[code])]
    if whole:
        nearest = whole[0]
        return Route("whole", (Part(nearest, tuple(line.line_id for line in lines)),), "routed_whole",
                     {"warehouse": nearest, "km": kms[nearest], "others": len(whole) - 1}, kms)
    short = _short_everywhere(lines, free)
    if short:
        return Route("short", (), "routed_short", {"products": short}, kms)
    if policy == "hold":
        return Route("held", (), "routed_held", {}, kms)
    for size in range(2, min(max_parts, len(by_distance)) + 1):
        best = _best_split(lines, free, kms, by_distance, size)
        if best is not None:
            parts = tuple(Part(code, tuple(ids)) for code, ids in best)
            return Route("split", parts, "routed_split",
                         {"warehouses": ", ".join(part.warehouse for part in parts), "parts": len(parts)}, kms)
    return Route("held", (), "routed_unsplittable", {"max_parts": max_parts}, kms)


def _has_all(lines: list[Line], stock: Mapping[int, int]) -> bool:
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    return all(stock.get(product, 0) >= units for product, units in wanted.items())


def _short_everywhere(lines: list[Line], free: Mapping[str, Mapping[int, int]]) -> list[int]:
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    return sorted(product for product, units in wanted.items()
                  if sum(stock.get(product, 0) for stock in free.values()) < units)


def _best_split(lines, free, kms, by_distance, size):
    """The nearest combination of ``size`` warehouses that can take every line whole, each
    warehouse taking at least one line; None when there is none."""
    best, best_km = None, None
    for combo in combinations(by_distance, size):
        total = sum(kms[code] for code in combo)
        if best_km is not None and total >= best_km:
            continue
        assignment = _assign(lines, {code: dict(free[code]) for code in combo}, combo)
        if assignment is not None:
            best, best_km = assignment, total
    return best


def _assign(lines, stock, combo):
    """Each line to one warehouse of ``combo`` (nearest first), every warehouse used: a
    depth-first search, biggest lines first, bounded by MAX_SEARCH."""
    order = sorted(lines, key=lambda line: -line.quantity)
    chosen: dict[int, str] = {}
    tries = 0

    def place(index: int) -> bool:
        nonlocal tries
        if index == len(order):
            return set(chosen.values()) == set(combo)
        line = order[index]
        for code in combo:
            tries += 1
            if tries > MAX_SEARCH:
                return False
            if stock[code].get(line.product_id, 0) >= line.quantity:
                stock[code][line.product_id] -= line.quantity
                chosen[line.line_id] = code
                if place(index + 1):
                    return True
                stock[code][line.product_id] += line.quantity
                del chosen[line.line_id]
        return False

    if not place(0):
        return None
    return [(code, sorted(line_id for line_id, where in chosen.items() if where == code)) for code in combo]
