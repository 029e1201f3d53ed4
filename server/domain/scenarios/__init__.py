"""The floor's scenarios: which one a station starts in, and each by name.

Adding a scenario: a module here with its ``Scenario`` and handlers, its screen in
``server/services/screens.py``, its texts in ``wire/texts.py`` — and a line below.
"""
from __future__ import annotations

from server.domain.scenarios.cycle_count import COUNT
from server.domain.scenarios.engine import (IllegalStep, Input, Say, Scenario, Session, Step, Trigger)
from server.domain.scenarios.packing import PACK
from server.domain.scenarios.pick_batch import PICK_BATCH
from server.domain.scenarios.picking import PICK
from server.domain.scenarios.returns import INSPECT, RECEIVE

SCENARIOS: dict[str, Scenario] = {scenario.name: scenario for scenario in (PICK, PICK_BATCH, PACK, RECEIVE, INSPECT,
                                                                           COUNT)}
# The scenario a station of each role starts its day in.
ROLE_SCENARIO: dict[str, str] = {"pick": PICK.name, "pick_batch": PICK_BATCH.name, "pack": PACK.name,
                                 "returns": RECEIVE.name, "count": COUNT.name}

__all__ = ["IllegalStep", "Input", "ROLE_SCENARIO", "SCENARIOS", "Say", "Scenario", "Session", "Step",
           "Trigger", "start_for_role"]


def start_for_role(role: str) -> Session:
    return SCENARIOS[ROLE_SCENARIO[role]].start()
