"""An operator's key on the station's screen (done, back…): the scenario decides what it does."""
from __future__ import annotations

from server.domain.scenarios import Input
from server.models import Station
from server.services import steps
from server.services.unit_of_work import UnitOfWork


def press(uow: UnitOfWork, station: Station, name: str, params: dict) -> dict:
    """Apply the key ``name`` in the station's current state and return the next screen (commits)."""
    screen = steps.run(uow, station, Input.action(name, **params)).screen
    uow.commit()
    return screen
