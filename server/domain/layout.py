"""The floor's geometry: where a bin is, in metres, for the router (``domain/route.py``).

One block of parallel aisles between a front and a back cross-aisle (docs/routing.md):

    back cross-aisle   ══╤════╤════╤════╤════╤═══ ... ═══╤══
                         │    │    │    │    │           │
                  aisle  1    2    3    4    5  ...      12     bays 12 at the back, 1 at the front
                         │    │    │    │    │           │
    front cross-aisle  ══╧════╧════╧════╧════╧═══ ... ═══╧══
                         ▲ depot (front of aisle 1): where a pick walk starts and ends

Zones are consecutive aisles of that one block: zone A is aisles 1-4, zone B aisles 5-8, zone C
9-12 (``zones`` in order, ``aisles_per_zone`` each), so ``B-02-07-3`` stands in aisle 6.
A bay is a position along its aisle; the picker standing there reaches the shelves on both
sides and every level, so the level never changes the walk. With ``paired_faces`` the two faces
are numbered odd/even (bays 1 and 2 face each other), and a pair shares one position.

A bin code that does not parse, or that parses but is not on this floor (unknown zone, aisle or
bay past the end), has no spot: the router puts it after the bins it can place.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple


class Address(NamedTuple):
    zone: str
    aisle: int
    bay: int
    level: int


class Spot(NamedTuple):
    """Where the picker stands: an aisle of the block (1 = leftmost) and a position along it."""

    aisle: int
    y: float  # metres from the front cross-aisle's centre line (0) towards the back one


def parse_bin(code: str) -> Address | None:
    """``A-03-12-2`` → Address("A", 3, 12, 2); anything else → None."""
    parts = code.split("-")
    if len(parts) != 4 or not parts[0]:
        return None
    try:
        aisle, bay, level = int(parts[1]), int(parts[2]), int(parts[3])
    except ValueError:
        return None
    return Address(parts[0], aisle, bay, level)


@dataclass(frozen=True)
class Layout:
    """A single-block warehouse. Defaults: the demo floor (``server/demo_data/rows.py``)."""

    zones: tuple[str, ...] = ("A", "B", "C")
    aisles_per_zone: int = 4
    bays_per_aisle: int = 12
    bay_width_m: float = 1.2  # along the aisle, per bay
    aisle_spacing_m: float = 3.0  # centre line to centre line of neighbouring aisles
    cross_aisle_width_m: float = 3.0  # each cross-aisle; the picker walks its centre line
    zone_gap_m: float = 0.0  # extra walk between the last aisle of a zone and the first of the next
    depot_aisle: int = 1  # the depot is where this aisle meets the front cross-aisle
    paired_faces: bool = False  # bays 2k-1 and 2k face each other across the aisle

    def __post_init__(self):
        if not self.zones or self.aisles_per_zone < 1 or self.bays_per_aisle < 1:
            raise ValueError("a layout needs at least one zone, one aisle and one bay")
        if min(self.bay_width_m, self.aisle_spacing_m) <= 0 or min(self.cross_aisle_width_m, self.zone_gap_m) < 0:
            raise ValueError("widths are positive metres (cross-aisle and zone gap may be 0)")
        if not 1 <= self.depot_aisle <= self.aisles:
            raise ValueError(f"depot_aisle must be an aisle of the block (1..{self.aisles})")

    @classmethod
    def from_mapping(cls, mapping: dict) -> Layout:
        """A layout from plain settings (e.g. a ``LAYOUT`` config dict); unknown keys are refused."""
        known = {f.name for f in fields(cls)}
        unknown = set(mapping) - known
        if unknown:
            raise ValueError(f"unknown layout settings: {', '.join(sorted(unknown))}")
        values = dict(mapping)
        if "zones" in values:
            values["zones"] = tuple(values["zones"])
        return cls(**values)

    @property
    def aisles(self) -> int:
        return len(self.zones) * self.aisles_per_zone

    @property
    def positions_per_aisle(self) -> int:
        return (self.bays_per_aisle + 1) // 2 if self.paired_faces else self.bays_per_aisle

    @property
    def aisle_length_m(self) -> float:
        """Walk from the front cross-aisle's centre line to the back one's, through an aisle."""
        return self.positions_per_aisle * self.bay_width_m + self.cross_aisle_width_m

    @property
    def depot(self) -> Spot:
        return Spot(self.depot_aisle, 0.0)

    def aisle_x(self, aisle: int) -> float:
        """Metres along the cross-aisles from aisle 1 to ``aisle``."""
        return (aisle - 1) * self.aisle_spacing_m + (aisle - 1) // self.aisles_per_zone * self.zone_gap_m

    def spot(self, address: Address) -> Spot | None:
        if address.zone not in self.zones:
            return None
        if not (1 <= address.aisle <= self.aisles_per_zone and 1 <= address.bay <= self.bays_per_aisle):
            return None
        aisle = self.zones.index(address.zone) * self.aisles_per_zone + address.aisle
        position = (address.bay + 1) // 2 if self.paired_faces else address.bay
        return Spot(aisle, self.cross_aisle_width_m / 2 + (position - 0.5) * self.bay_width_m)

    def spot_of_code(self, code: str) -> Spot | None:
        address = parse_bin(code)
        return None if address is None else self.spot(address)


DEMO_LAYOUT = Layout()
