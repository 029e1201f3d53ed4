"""Row locks live here and nowhere else.

PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets many stations claim tasks at once without
waiting on each other or ever taking the same one. SQLite has no row locks; every
write transaction there starts with ``BEGIN IMMEDIATE`` (server/db.py), which
serializes writers, so the plain query is already safe.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from server.models import Bin, Stock, Task, TaskLine


def _lockable(session: Session, query: Select, skip_locked: bool = False) -> Select:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=skip_locked)
    return query


def lock_next_task(session: Session, kind: str, now: datetime | None = None) -> Task | None:
    """The next task of ``kind`` to hand out, locked: first a held task whose lease ran out
    before ``now`` (it has waited longest, and its tote is half full), else the most urgent
    open, released one. Without ``now`` leases are not looked at."""
    return next(iter(lock_next_tasks(session, kind, 1, now=now)), None)


def lock_next_tasks(session: Session, kind: str, limit: int, max_units: int | None = None,
                    now: datetime | None = None) -> list[Task]:
    """Up to ``limit`` tasks of ``kind`` (batch picking), each of at most ``max_units`` units:
    expired leases first (when ``now`` is given), then open, released tasks."""
    tasks: list[Task] = []
    if now is not None:
        expired = select(Task).where(Task.kind == kind, Task.status == "assigned", Task.lease_expires_at <= now)
        tasks = _lock_up_to(session, expired, limit, max_units)
    if len(tasks) < limit:
        waiting = select(Task).where(Task.kind == kind, Task.status == "open", Task.released.is_(True))
        tasks += _lock_up_to(session, waiting, limit - len(tasks), max_units)
    return tasks


def _lock_up_to(session: Session, query: Select, limit: int, max_units: int | None) -> list[Task]:
    if max_units is not None:
        units = select(func.sum(TaskLine.quantity)).where(TaskLine.task_id == Task.id).scalar_subquery()
        query = query.where(units <= max_units)
    query = query.order_by(Task.priority, Task.id).limit(limit)
    return list(session.scalars(_lockable(session, query, skip_locked=True)))


def renew_leases(session: Session, station_id: int, expires_at: datetime) -> int:
    """Push the lease of every task the station holds to ``expires_at`` (a heartbeat). One
    UPDATE: a task another station took over meanwhile is no longer the station's and is left
    alone (on PostgreSQL the row lock orders the two; the WHERE is checked again after it)."""
    held = (update(Task).where(Task.station_id == station_id, Task.status == "assigned")
            .values(lease_expires_at=expires_at).execution_options(synchronize_session=False))
    return session.execute(held).rowcount


def lock_unreleased_pick_tasks(session: Session, order_ids: list[int]) -> list[Task]:
    """The still unreleased pick tasks of these orders, locked (a wave being released; rows
    another release or a cancellation holds are skipped, never waited for)."""
    query = (select(Task).where(Task.kind == "pick", Task.status == "open", Task.released.is_(False),
                                Task.order_id.in_(order_ids)).order_by(Task.id))
    return list(session.scalars(_lockable(session, query, skip_locked=True)))


def lock_tasks_of_order(session: Session, order_id: int) -> list[Task]:
    """Every task of one order, locked (a cancellation: waits for a claim in flight)."""
    query = select(Task).where(Task.order_id == order_id).order_by(Task.id)
    return list(session.scalars(_lockable(session, query)))


def lock_stock_for(session: Session, product_ids: list[int]) -> list[Stock]:
    # Fixed lock order (by id) so two allocations never deadlock each other.
    query = select(Stock).where(Stock.product_id.in_(product_ids)).order_by(Stock.id)
    return list(session.scalars(_lockable(session, query)))


def lock_bin(session: Session, code: str) -> Bin | None:
    """The bin (locked: two counts of one bin created at once see each other)."""
    return session.scalars(_lockable(session, select(Bin).where(Bin.code == code))).first()


def lock_stock_in_bin(session: Session, bin_id: int) -> list[Stock]:
    """Every stock row of one bin, locked in id order (the same order as allocation's)."""
    query = select(Stock).where(Stock.bin_id == bin_id).order_by(Stock.id)
    return list(session.scalars(_lockable(session, query)))
