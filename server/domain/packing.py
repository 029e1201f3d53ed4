"""The packing bench's rules: which box to propose, which units go in which parcel of an order
packed in several, whether a parcel weighs what it should.

Plain Python (no database): the pack scenario (domain/scenarios/packing.py) asks these, the
services feed them the floor's numbers. Set up per floor with ``PACK_*`` settings
(docs/flows.md, "The pack flow").
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Mapping, Sequence

BOX_CODE = re.compile(r"^BOX-[A-Z0-9]{1,12}$", re.ASCII)
FILL_FACTOR = 0.85  # units never fill a box to the last cubic centimetre (padding, shapes)


@dataclass(frozen=True)
class BoxType:
    """A carton on the bench: ``code`` is what its barcode on the shelf edge says (``BOX-S``)."""

    code: str
    inner_mm: tuple[int, int, int]  # length, width, height inside
    tare_g: int  # the empty box and its padding
    max_load_g: int = 30_000

    def __post_init__(self) -> None:
        if not BOX_CODE.fullmatch(self.code):
            raise ValueError(f"box code {self.code!r}: BOX- and 1 to 12 capitals or digits")
        if len(self.inner_mm) != 3 or min(self.inner_mm) <= 0 or self.tare_g < 0 or self.max_load_g <= 0:
            raise ValueError(f"box {self.code}: three positive inner dimensions, a tare and a load")

    @property
    def volume_mm3(self) -> int:
        return math.prod(self.inner_mm)

    @property
    def label(self) -> str:
        length, width, height = self.inner_mm
        return f"{self.code} ({length // 10}×{width // 10}×{height // 10} cm)"

    @classmethod
    def parse(cls, text: str) -> BoxType:
        """``BOX-S:300x200x100:180[:max]`` (mm, grams), as settings write it."""
        parts = [part.strip() for part in text.split(":")]
        try:
            dims = tuple(int(value) for value in parts[1].lower().split("x"))
            return cls(parts[0].upper(), dims, int(parts[2]), *(int(value) for value in parts[3:4]))
        except (IndexError, ValueError) as exc:
            raise ValueError(f"box {text!r}: write CODE:LxWxH:tare[:max load] in mm and g ({exc})") from None


@dataclass(frozen=True)
class Unit:
    """One unit going into the parcel; ``size_mm`` None when the catalog does not know it;
    ``product`` names it (units of one product share it) for sharing an order out in parcels."""

    weight_g: int
    size_mm: tuple[int, int, int] | None = None
    product: Hashable = None


def fits(units: Iterable[Unit], box: BoxType) -> bool:
    """Every unit fits the box on its own (any orientation) and all of them together by volume
    (with the fill factor); units of unknown size are judged by weight alone."""
    units = list(units)
    if sum(unit.weight_g for unit in units) > box.max_load_g:
        return False
    sized = [unit.size_mm for unit in units if unit.size_mm is not None]
    inner = sorted(box.inner_mm)
    if any(any(side > room for side, room in zip(sorted(size), inner)) for size in sized):
        return False
    return sum(math.prod(size) for size in sized) <= box.volume_mm3 * FILL_FACTOR


def propose_box(units: Iterable[Unit], boxes: Iterable[BoxType]) -> BoxType | None:
    """The smallest box (by inner volume) the units fit in, or None when none does."""
    units = list(units)
    return next((box for box in sorted(boxes, key=lambda box: (box.volume_mm3, box.code)) if fits(units, box)), None)


def share_out(units: Sequence[tuple[Hashable, int]], parcels: int) -> list[dict[Hashable, int]]:
    """Which units go in which of ``parcels`` boxes: ``units`` is one (product, weight in g) per
    unit; the answer, per parcel in order, how many of each product. Heaviest units first, each
    into the lightest box so far (then the one with fewest units, then the lower number), so the
    boxes weigh about the same, every box gets a unit, and the same order always shares out the
    same way (the packer is shown it box by box; the order page and slips record it)."""
    if not 1 <= parcels <= len(units):
        raise ValueError(f"{len(units)} units cannot go in {parcels} parcels")
    boxes: list[dict[Hashable, int]] = [{} for _ in range(parcels)]
    loads = [(0, 0, number) for number in range(parcels)]  # (grams, units, number)
    for key, weight in sorted(units, key=lambda unit: (-unit[1], str(unit[0]))):
        grams, count, number = min(loads)
        boxes[number][key] = boxes[number].get(key, 0) + 1
        loads[number] = (grams + weight, count + 1, number)
    return boxes


def parcel_weights(units: Sequence[Unit], parcels: int) -> list[int]:
    """What each of ``parcels`` boxes holds in grams (no tare), shared out as ``share_out`` does;
    a unit with no product is a product of its own."""
    keyed = [(unit.product if unit.product is not None else ("unit", index), unit.weight_g)
             for index, unit in enumerate(units)]
    weight_of = dict(keyed)
    return [sum(weight_of[key] * count for key, count in box.items()) for box in share_out(keyed, parcels)]


@dataclass(frozen=True)
class WeightCheck:
    expected_g: int
    measured_g: int
    margin_g: int

    @property
    def ok(self) -> bool:
        return abs(self.measured_g - self.expected_g) <= self.margin_g


@dataclass(frozen=True)
class PackPolicy:
    """How this floor packs. ``boxes`` empty: no box step; ``weigh`` false: no weight check;
    ``packing_slip``: a slip prints after the label; ``badge_required``: a bench waits for a
    badge before it takes work; ``sign_out_after_s``: an operator signed in at a station with no
    input for that long is signed out."""

    boxes: tuple[BoxType, ...] = ()
    weigh: bool = False
    tolerance_g: int = 30
    tolerance_pct: float = 5.0
    packing_slip: bool = False
    badge_required: bool = False  # no work is claimed at a bench nobody signed in at
    sign_out_after_s: float = 900.0
    hand_over_reasons: tuple[str, ...] = ("damaged", "missing", "wrong_item", "other")
    box_codes: Mapping[str, BoxType] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "box_codes", {box.code: box for box in self.boxes})
        if self.tolerance_g < 0 or not 0 <= self.tolerance_pct <= 100 or self.sign_out_after_s <= 0:
            raise ValueError("PACK_WEIGHT_TOLERANCE_G >= 0, PACK_WEIGHT_TOLERANCE_PCT 0..100, "
                             "PACK_SIGN_OUT_AFTER_S > 0")

    def check_weight(self, expected_g: int, measured_g: int) -> WeightCheck:
        margin = max(self.tolerance_g, round(expected_g * self.tolerance_pct / 100))
        return WeightCheck(expected_g, measured_g, margin)

    @classmethod
    def from_mapping(cls, config: Mapping) -> PackPolicy:
        boxes = config.get("PACK_BOXES") or ()
        if isinstance(boxes, str):
            boxes = [part for part in boxes.split(",") if part.strip()]
        return cls(boxes=tuple(box if isinstance(box, BoxType) else BoxType.parse(box) for box in boxes),
                   weigh=_flag(config.get("PACK_WEIGH", False)),
                   tolerance_g=int(config.get("PACK_WEIGHT_TOLERANCE_G", 30)),
                   tolerance_pct=float(config.get("PACK_WEIGHT_TOLERANCE_PCT", 5.0)),
                   packing_slip=_flag(config.get("PACK_SLIP", False)),
                   badge_required=_flag(config.get("PACK_BADGE_REQUIRED", False)),
                   sign_out_after_s=float(config.get("PACK_SIGN_OUT_AFTER_S", 900.0)))


def _flag(value) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")
