"""Hand out work: a station keeps the task it holds, or claims the next one of its scenario's kind.

Every claimed task carries a lease (server/domain/leases.py) that the holder's heartbeats
renew. A claim takes over, before any open task, a task whose holder went silent past its
lease: the task keeps what was already picked, the new holder is told, and the silent station
is told once, plainly, when it is heard from again (``task_lost``).
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, select, update

from server.domain.leases import LeasePolicy
from server.domain.scenarios import SCENARIOS, Input, Session, Trigger
from server.domain.scenarios.engine import error, info
from server.domain.statuses import ORDER, OrderStatus
from server.models import Order, Station, Task, TaskLine
from server.models._types import utcnow
from server.services import screens, sessions, steps, waves
from server.services.locking import Claimed, claim_tasks, renew_leases
from server.services.unit_of_work import UnitOfWork


# What an order is while one of its tasks is being worked on.
ORDER_STATUS_WHILE = {"pick": "picking", "pack": "packing"}


def lease_policy(uow: UnitOfWork) -> LeasePolicy:
    return LeasePolicy(float(getattr(uow.settings, "task_lease_seconds", LeasePolicy.seconds)))


def request_task(uow: UnitOfWork, station: Station, now: datetime | None = None) -> dict:
    """Reply for a station asking for work (call inside ``with uow``; commits)."""
    db, now = uow.session, now or utcnow()
    lost = _taken_from(uow, station)
    session, facts = sessions.resume(db, station, uow.settings)
    scenario = SCENARIOS[session.scenario]
    told = error("task_lost") if lost else None
    if scenario.claims is None or session.state != scenario.initial:
        return _answer(uow, station, session, facts, told)  # no task kind to claim, or busy already
    tasks = _claim(uow, station, scenario.claims, scenario.batch, scenario.max_units, now)
    if not tasks:
        _auto_release(uow, scenario.claims)
        return _answer(uow, station, session, facts, told or info("waiting_for_work"))
    facts.forget()  # what the station holds has just changed
    given = Input.event(Trigger.TASK_ASSIGNED, task_id=tasks[0].id, task_ids=[task.id for task in tasks])
    step = scenario.handle(session, given, facts)
    _auto_release(uow, scenario.claims)
    return _answer(uow, station, Session(session.scenario, step.state, step.context), facts, told or step.say)


def claim_next(uow: UnitOfWork, station: Station, kind: str, now: datetime | None = None) -> int | None:
    """Claim one task of ``kind`` for the station, outside any scenario (bench, tools): the
    claim a ``request_task`` makes, assigned, leased and committed. Returns its id or None."""
    tasks = _claim(uow, station, kind, 1, None, now or utcnow())
    uow.commit()
    return tasks[0].id if tasks else None


def heartbeat(uow: UnitOfWork, station: Station, now: datetime | None = None) -> dict:
    """The station is alive: renew the lease of every task it holds (call inside ``with uow``;
    commits). Answers ``{"ok": true}`` like every other report, or, when a task was taken from
    the station while it was silent, the screen as it is now with the red ``task_lost``."""
    now = now or utcnow()
    policy = lease_policy(uow)
    renew_leases(uow.session, station.id, policy.expires(now))
    station.last_seen_at = now
    if not station.online:  # marked offline while silent (stations.clear_silent_stations): back
        station.online = True
        uow.emit("station_online", station=station.code, role=station.role)
    if _taken_from(uow, station):
        screen = steps.current_screen(uow, station, error("task_lost"))
        uow.commit()
        return screen
    uow.commit()
    return {"ok": True}


def _claim(uow: UnitOfWork, station: Station, kind: str, limit: int, max_units: int | None,
           now: datetime) -> list[Claimed]:
    """Claim, lease and assign up to ``limit`` tasks (one statement), move their orders on,
    and say so: ``task_assigned`` for each, ``task_lease_expired`` for a takeover."""
    db = uow.session
    moves = ORDER_STATUS_WHILE.get(kind)
    tasks = claim_tasks(db, kind, station.id, limit, now=now, lease_until=lease_policy(uow).expires(now),
                        max_units=max_units, move_orders=(moves, _may_become(OrderStatus(moves))) if moves else None,
                        warehouse_id=station.warehouse_id)
    for task in tasks:
        order = Order.reference_of(task.order_id) if task.order_id is not None else None
        if task.taken_from is not None and task.taken_from != station.id:
            _say_taken_over(uow, station, task, order)
        uow.emit("task_assigned", task_id=task.id, kind=task.kind, order=order, station=station.code)
    return tasks


@lru_cache(maxsize=None)
def _may_become(target: OrderStatus) -> list[str]:
    return [str(status) for status in OrderStatus if ORDER.allows(status, target)]


def _say_taken_over(uow: UnitOfWork, station: Station, task: Claimed, order: str | None) -> None:
    """Its holder went silent past the lease: taken over with what was already done."""
    db = uow.session
    done = db.scalar(select(func.coalesce(func.sum(TaskLine.done_qty), 0)).where(TaskLine.task_id == task.id))
    uow.emit("task_lease_expired", task_id=task.id, kind=task.kind, station=station.code,
             taken_from=db.scalar(select(Station.code).where(Station.id == task.taken_from)),
             order=order, done_units=int(done), tote=task.tote)


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


def expired_leases(db, now: datetime | None = None) -> list[dict]:
    """Held tasks whose station went silent past the lease, not yet taken over (the next claim
    of their kind takes them): what a supervisor sees of silent stations."""
    now = now or utcnow()
    rows = db.execute(select(Task.id, Task.kind, Task.order_id, Station.code, Task.lease_expires_at)
                      .join(Station, Station.id == Task.station_id)
                      .where(Task.status == "assigned", Task.lease_expires_at <= now)
                      .order_by(Task.lease_expires_at))
    return [{"task_id": task_id, "kind": kind, "order": Order.reference_of(order_id) if order_id else None,
             "station": station, "expired_at": expired_at.isoformat(),
             "expired_for_s": round((now - expired_at).total_seconds(), 1)}
            for task_id, kind, order_id, station, expired_at in rows]
