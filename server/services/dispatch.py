"""Hand out work: a station keeps the task it holds, or claims the next one of its scenario's kind.

Every claimed task carries a lease (server/domain/leases.py) that the holder's heartbeats
renew. A claim takes over, before any open task, a task whose holder went silent past its
lease: the task keeps what was already picked, the new holder is told, and the silent station
is told once, plainly, when it is heard from again (``task_lost``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from server.domain.leases import LeasePolicy
from server.domain.scenarios import SCENARIOS, Input, Session, Trigger
from server.domain.scenarios.engine import error, info
from server.models import Station, Task
from server.models._types import utcnow
from server.services import screens, sessions, steps, waves
from server.services.locking import lock_next_task, lock_next_tasks, renew_leases
from server.services.unit_of_work import UnitOfWork


# What an order is while one of its tasks is being worked on.
ORDER_STATUS_WHILE = {"pick": "picking", "pack": "packing"}


def lease_policy(uow: UnitOfWork) -> LeasePolicy:
    return LeasePolicy(float(getattr(uow.settings, "task_lease_seconds", LeasePolicy.seconds)))


def request_task(uow: UnitOfWork, station: Station, now: datetime | None = None) -> dict:
    """Reply for a station asking for work (call inside ``with uow``; commits)."""
    db, now = uow.session, now or utcnow()
    lost = _taken_from(uow, station)
    session, facts = sessions.resume(db, station)
    scenario = SCENARIOS[session.scenario]
    told = error("task_lost") if lost else None
    if scenario.claims is None or session.state != scenario.initial:
        return _answer(uow, station, session, facts, told)  # no task kind to claim, or busy already
    tasks = _claim(db, scenario, now)
    if not tasks:
        _auto_release(uow, scenario.claims)
        return _answer(uow, station, session, facts, told or info("waiting_for_work"))
    policy = lease_policy(uow)
    for task in tasks:
        _assign(uow, station, task, policy.expires(now))
    db.flush()
    facts.forget()  # what the station holds has just changed
    given = Input.event(Trigger.TASK_ASSIGNED, task_id=tasks[0].id, task_ids=[task.id for task in tasks])
    step = scenario.handle(session, given, facts)
    _auto_release(uow, scenario.claims)
    return _answer(uow, station, Session(session.scenario, step.state, step.context), facts, told or step.say)


def claim_next(uow: UnitOfWork, station: Station, kind: str, now: datetime | None = None) -> int | None:
    """Claim one task of ``kind`` for the station, outside any scenario (bench, tools): the
    claim a ``request_task`` makes, assigned, leased and committed. Returns its id or None."""
    now = now or utcnow()
    task = lock_next_task(uow.session, kind, now=now)
    if task is None:
        uow.commit()
        return None
    _assign(uow, station, task, lease_policy(uow).expires(now))
    task_id = task.id
    uow.commit()
    return task_id


def heartbeat(uow: UnitOfWork, station: Station, now: datetime | None = None) -> dict:
    """The station is alive: renew the lease of every task it holds (call inside ``with uow``;
    commits). Answers ``{"ok", "leases", "lease_seconds"}``, or, when a task was taken from the
    station while it was silent, the screen as it is now with the red ``task_lost``."""
    now = now or utcnow()
    policy = lease_policy(uow)
    renewed = renew_leases(uow.session, station.id, policy.expires(now))
    station.last_seen_at = now
    if _taken_from(uow, station):
        screen = steps.current_screen(uow, station, error("task_lost"))
        uow.commit()
        return screen
    uow.commit()
    return {"ok": True, "leases": renewed, "lease_seconds": policy.seconds}


def _claim(db, scenario, now: datetime) -> list:
    if scenario.batch > 1:
        return lock_next_tasks(db, scenario.claims, scenario.batch, scenario.max_units, now=now)
    task = lock_next_task(db, scenario.claims, now=now)
    return [task] if task is not None else []


def _assign(uow: UnitOfWork, station: Station, task: Task, lease_expires_at: datetime) -> None:
    previous = task.station_id if task.status == "assigned" else None
    task.status, task.station_id, task.assigned_at = "assigned", station.id, utcnow()
    task.lease_expires_at = lease_expires_at
    if previous is not None and previous != station.id:
        # Its holder went silent past the lease: taken over with what was already done.
        task.taken_from_station_id = previous
        done = sum(line.done_qty for line in task.lines)
        uow.emit("task_lease_expired", task_id=task.id, kind=task.kind, station=station.code,
                 taken_from=uow.session.scalar(select(Station.code).where(Station.id == previous)),
                 order=task.order.reference if task.order else None, done_units=done, tote=task.tote)
    if task.kind in ORDER_STATUS_WHILE:
        task.order.status = ORDER_STATUS_WHILE[task.kind]
    uow.emit("task_assigned", task_id=task.id, kind=task.kind, order=task.order.reference if task.order else None,
             station=station.code)


def _taken_from(uow: UnitOfWork, station: Station) -> list[int]:
    """The tasks taken from this station since it was last told (and it is told now: cleared)."""
    db = uow.session
    lost = list(db.scalars(select(Task.id).where(Task.taken_from_station_id == station.id)))
    if lost:
        db.execute(update(Task).where(Task.id.in_(lost), Task.taken_from_station_id == station.id)
                   .values(taken_from_station_id=None).execution_options(synchronize_session=False))
        uow.emit("task_lost_told", station=station.code, tasks=lost)
    return lost


def _auto_release(uow: UnitOfWork, kind: str) -> None:
    waves.auto_release(uow, kind)  # a claim may leave fewer tasks waiting than the policy keeps


def _answer(uow: UnitOfWork, station: Station, session: Session, facts, say=None) -> dict:
    sessions.save(uow.session, station, session)
    screen = screens.draw(station, session, facts, say)
    uow.commit()
    return screen
