"""Hand out work: a station keeps the task it holds, or claims the next one of its scenario's kind."""
from __future__ import annotations

from server.domain.scenarios import SCENARIOS, Input, Session, Trigger
from server.domain.scenarios.engine import info
from server.models import Station
from server.models._types import utcnow
from server.services import screens, sessions
from server.services.locking import lock_next_task, lock_next_tasks
from server.services.unit_of_work import UnitOfWork


# What an order is while one of its tasks is being worked on.
ORDER_STATUS_WHILE = {"pick": "picking", "pack": "packing"}


def request_task(uow: UnitOfWork, station: Station) -> dict:
    """Reply for a station asking for work (call inside ``with uow``; commits)."""
    db = uow.session
    session, facts = sessions.resume(db, station)
    scenario = SCENARIOS[session.scenario]
    if scenario.claims is None or session.state != scenario.initial:
        return _answer(uow, station, session, facts)  # no task kind to claim, or busy already
    tasks = _claim(db, scenario)
    if not tasks:
        return _answer(uow, station, session, facts, info("waiting_for_work"))
    for task in tasks:
        _assign(uow, station, task)
    db.flush()
    facts.forget()  # what the station holds has just changed
    given = Input.event(Trigger.TASK_ASSIGNED, task_id=tasks[0].id, task_ids=[task.id for task in tasks])
    step = scenario.handle(session, given, facts)
    return _answer(uow, station, Session(session.scenario, step.state, step.context), facts, step.say)


def _claim(db, scenario) -> list:
    if scenario.batch > 1:
        return lock_next_tasks(db, scenario.claims, scenario.batch, scenario.max_units)
    task = lock_next_task(db, scenario.claims)
    return [task] if task is not None else []


def _assign(uow: UnitOfWork, station: Station, task) -> None:
    task.status, task.station_id, task.assigned_at = "assigned", station.id, utcnow()
    if task.kind in ORDER_STATUS_WHILE:
        task.order.status = ORDER_STATUS_WHILE[task.kind]
    uow.emit("task_assigned", task_id=task.id, kind=task.kind, order=task.order.reference if task.order else None,
             station=station.code)


def _answer(uow: UnitOfWork, station: Station, session: Session, facts, say=None) -> dict:
    sessions.save(uow.session, station, session)
    screen = screens.draw(station, session, facts, say)
    uow.commit()
    return screen
