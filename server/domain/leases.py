"""Leases on claimed tasks: how long a station may stay silent and keep its task.

A claimed task carries ``lease_expires_at``. The holder's heartbeats (``heartbeat`` on the
``/station`` namespace, docs/protocol.md) push it forward; a station that goes silent lets it
run out, and the next station claiming work of that kind takes the task over, with what was
already picked (``done_qty`` stays: the units are in the tote). Expiry is decided lazily, at
claim time, by the claim query itself: no background loop has to be alive for a task to come
back, and any number of server processes agree because the row lock decides.

Plain Python: the clock is a parameter, never read here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_LEASE_SECONDS = 90.0      # six missed heartbeats at the station's default interval
MIN_LEASE_SECONDS = 5.0           # below this a busy network alone would take tasks away
HEARTBEAT_SECONDS = 15.0          # the station's default interval (station/core.py)


@dataclass(frozen=True)
class LeasePolicy:
    seconds: float = DEFAULT_LEASE_SECONDS

    def __post_init__(self):
        if not self.seconds >= MIN_LEASE_SECONDS:
            raise ValueError(f"a task lease must last at least {MIN_LEASE_SECONDS:g} s, got {self.seconds!r}")

    def expires(self, now: datetime) -> datetime:
        """When a lease granted or renewed at ``now`` runs out."""
        return now + timedelta(seconds=self.seconds)


def expired(lease_expires_at: datetime | None, now: datetime) -> bool:
    """A lease that ran out; ``None`` is a lease without end (a task assigned by hand)."""
    return lease_expires_at is not None and lease_expires_at <= now
