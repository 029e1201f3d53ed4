"""The order a picker walks the bins in.

Serpentine (S-shape): aisles in order, odd aisles walked up the bays, even aisles down, so the
picker never walks an aisle back. Bins are addressed zone-aisle-bay-level (``A-03-12-2``).
"""
from __future__ import annotations


def walk_key(zone: str, aisle: int, bay: int, level: int) -> tuple:
    return (zone, aisle, bay if aisle % 2 else -bay, level)


def walk_key_of_code(bin_code: str) -> tuple:
    """The walk key of a bin code; a code that is not zone-aisle-bay-level walks last."""
    try:
        zone, aisle, bay, level = bin_code.split("-")
        return walk_key(zone, int(aisle), int(bay), int(level))
    except ValueError:
        return ("\uffff", 0, 0, 0)
