"""Row locks live here and nowhere else.

PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets many stations claim tasks at once without
waiting on each other or ever taking the same one. SQLite has no row locks; every
write transaction there starts with ``BEGIN IMMEDIATE`` (server/db.py), which
serializes writers, so the plain query is already safe.
"""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.models import Stock, Task


def _lockable(session: Session, query: Select, skip_locked: bool = False) -> Select:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=skip_locked)
    return query


def lock_next_task(session: Session, kind: str) -> Task | None:
    query = (select(Task).where(Task.kind == kind, Task.status == "open")
             .order_by(Task.priority, Task.id).limit(1))
    return session.scalars(_lockable(session, query, skip_locked=True)).first()


def lock_stock_for(session: Session, product_ids: list[int]) -> list[Stock]:
    # Fixed lock order (by id) so two allocations never deadlock each other.
    query = select(Stock).where(Stock.product_id.in_(product_ids)).order_by(Stock.id)
    return list(session.scalars(_lockable(session, query)))
