"""Hand out work: a station keeps the task it holds, or claims the next one of its scenario's kind."""
from __future__ import annotations

from server.domain.scenarios import SCENARIOS, Input, Session, Trigger
from server.domain.scenarios.engine import info
from server.models import Station
from server.models._types import utcnow
from server.services import screens, sessions
from server.services.locking import lock_next_task
from server.services.unit_of_work import UnitOfWork


def request_task(uow: UnitOfWork, station: Station) -> dict:
    """Reply for a station asking for work (call inside ``with uow``; commits)."""
    db = uow.session
    session, facts = sessions.resume(db, station)
    scenario = SCENARIOS[session.scenario]
    if scenario.claims is None or session.state != scenario.initial:
        return _answer(uow, station, session, facts)  # no task kind to claim, or busy already
    task = lock_next_task(db, scenario.claims)
    if task is None:
        return _answer(uow, station, session, facts, info("waiting_for_work"))
    task.status, task.station_id, task.assigned_at = "assigned", station.id, utcnow()
    task.order.status = "picking" if task.kind == "pick" else "packing"
    db.flush()
    uow.emit("task_assigned", task_id=task.id, kind=task.kind, order=task.order.reference, station=station.code)
    step = scenario.handle(session, Input.event(Trigger.TASK_ASSIGNED, task_id=task.id), facts)
    facts.forget(jobs=False)
    return _answer(uow, station, Session(session.scenario, step.state, step.context), facts, step.say)


def _answer(uow: UnitOfWork, station: Station, session: Session, facts, say=None) -> dict:
    sessions.save(uow.session, station, session)
    screen = screens.draw(station, session, facts, say)
    uow.commit()
    return screen
