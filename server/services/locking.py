"""Row locks live here and nowhere else.

PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets many stations claim tasks at once without
waiting on each other or ever taking the same one. SQLite has no row locks; every
write transaction there starts with ``BEGIN IMMEDIATE`` (server/db.py), which
serializes writers, so the plain query is already safe.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.models import Bin, Stock, Task, TaskLine


def _lockable(session: Session, query: Select, skip_locked: bool = False) -> Select:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=skip_locked)
    return query


def lock_next_task(session: Session, kind: str) -> Task | None:
    query = (select(Task).where(Task.kind == kind, Task.status == "open")
             .order_by(Task.priority, Task.id).limit(1))
    return session.scalars(_lockable(session, query, skip_locked=True)).first()


def lock_next_tasks(session: Session, kind: str, limit: int, max_units: int | None = None) -> list[Task]:
    """Up to ``limit`` open tasks of ``kind`` (batch picking), each of at most ``max_units`` units."""
    query = select(Task).where(Task.kind == kind, Task.status == "open")
    if max_units is not None:
        units = select(func.sum(TaskLine.quantity)).where(TaskLine.task_id == Task.id).scalar_subquery()
        query = query.where(units <= max_units)
    query = query.order_by(Task.priority, Task.id).limit(limit)
    return list(session.scalars(_lockable(session, query, skip_locked=True)))


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
