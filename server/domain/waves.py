"""Waves: which allocated orders go to the floor next, and how many.

Orders are released nearest carrier cut-off first (``promised_ship_by``: every order for one
carrier pickup shares it), then by service level (express, then priority, then the rest),
then by the task's priority, then oldest first. A wave is the first ``max_orders`` of that
order. Auto-release keeps ``keep_waiting`` released tasks waiting for stations: it releases
what is missing.

The release policy of a task kind (``keep_waiting``):

* ``None``: no waves: every order is released as it is allocated (the default);
* ``N > 0``: auto-release keeps N released tasks of the kind waiting;
* ``0``: only the waves a supervisor releases (CLI ``release-wave``, REST).

Plain Python: no database, no clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

SERVICE_RANK = {"express": 0, "priority": 1}
OTHER_SERVICE_RANK = 5
MAX_WAVE_ORDERS = 5000


def service_rank(service_level: str | None) -> int:
    """Lower ships first: express 0, priority 1, anything else 5 (also the pick task's priority)."""
    return SERVICE_RANK.get(service_level or "", OTHER_SERVICE_RANK)


@dataclass(frozen=True)
class Candidate:
    """An allocated order not released yet, as the wave planner sees it."""

    order_id: int
    ship_by: datetime  # the carrier cut-off it must make
    service_level: str
    priority: int = OTHER_SERVICE_RANK  # its pick task's (lower is more urgent)


def wave_key(candidate: Candidate) -> tuple:
    return (candidate.ship_by, service_rank(candidate.service_level), candidate.priority, candidate.order_id)


def plan_wave(candidates: Iterable[Candidate], max_orders: int) -> list[int]:
    """The order ids of the next wave, in release order."""
    if max_orders < 1:
        return []
    return [candidate.order_id for candidate in sorted(candidates, key=wave_key)[:max_orders]]


def missing(keep_waiting: int | None, waiting: int) -> int:
    """How many tasks auto-release should release now (0 when no waves or enough wait)."""
    if not keep_waiting:
        return 0
    return max(0, keep_waiting - waiting)


def parse_keep_waiting(text: str) -> int | None:
    """``all`` (no waves) → None; ``off``/``manual`` → 0; a whole number ≥ 0 → itself."""
    word = text.strip().lower()
    if word in ("all", "none", "immediate"):
        return None
    if word in ("off", "manual"):
        return 0
    if not word.isdigit():
        raise ValueError(f"auto-release takes a number of tasks to keep waiting, 'all' or 'off', not {text!r}")
    return int(word)
