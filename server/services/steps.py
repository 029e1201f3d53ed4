"""One input to a station's scenario: resume the session, handle, apply the effects, save, draw.

Every station request that can change the screen (a scan, an operator key, a claimed task,
a print result) goes through ``run``; the caller records and commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from server.domain.scenarios import SCENARIOS, Input, Session, Step
from server.models import Station
from server.services import effects, screens, sessions
from server.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Ran:
    before: Session  # the session the input found (resumed against the floor)
    step: Step
    after: Session
    screen: dict


def run(uow: UnitOfWork, station: Station, given: Input) -> Ran:
    db = uow.session
    before, facts = sessions.resume(db, station, uow.settings)
    step = SCENARIOS[before.scenario].handle(before, given, facts)
    after = Session(step.scenario or before.scenario, step.state, step.context)
    if step.effects and effects.apply(uow, station, step.effects, facts):
        # The service decided more than the step could know (a short pick re-allocated, or
        # stopped the order): the session follows the floor as it is now.
        after = SCENARIOS[after.scenario].resume(after, facts)
    sessions.save(db, station, after)
    screen = screens.draw(station, after, facts, step.say)
    if _opens_parcel(before, after):
        screens.add_return_label(uow, screen, after)
    return Ran(before, step, after, screen)


def current_screen(uow: UnitOfWork, station: Station, say=None, duplicate: bool = False) -> dict:
    """The screen as it is now, saving the session if the floor moved it (a task taken away)."""
    session, facts = sessions.resume(uow.session, station, uow.settings)
    sessions.save(uow.session, station, session)
    screen = screens.draw(station, session, facts, say, duplicate=duplicate)
    screens.add_return_label(uow, screen, session)  # hello, a replay: the station may not have it
    return screen


def _opens_parcel(before: Session, after: Session) -> bool:
    """The step put a parcel on the returns desk that was not there before (its return label goes
    with this screen only)."""
    opened = after.context.get("return_id")
    return opened is not None and opened != before.context.get("return_id")
