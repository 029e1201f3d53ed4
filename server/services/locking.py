"""Row locks live here and nowhere else.

PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets many stations claim tasks at once without
waiting on each other or ever taking the same one. SQLite has no row locks; every
write transaction there starts with ``BEGIN IMMEDIATE`` (server/db.py), which
serializes writers, so the plain query is already safe.
"""
from __future__ import annotations

from datetime import datetime

from dataclasses import dataclass

from sqlalchemy import Integer, Select, and_, bindparam, case, false, func, select, true, union_all, update
from sqlalchemy.orm import Session, contains_eager

from server.models import Bin, Order, Return, Stock, Task, TaskLine
from server.models.orders import ReorderPoint


def _lockable(session: Session, query: Select, skip_locked: bool = False) -> Select:
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=skip_locked)
    return query


@dataclass(frozen=True)
class Claimed:
    """A task just claimed (plain data: the claim is one Core statement, no ORM object)."""

    id: int
    kind: str
    order_id: int | None
    tote: str | None
    taken_from: int | None  # the station whose expired lease this claim ended, if any


_tasks = Task.__table__


def claim_tasks(session: Session, kind: str, station_id: int, limit: int, *, now: datetime,
                lease_until: datetime, max_units: int | None = None,
                move_orders: tuple[str, list[str]] | None = None, warehouse_id: int = 1) -> list[Claimed]:
    """Claim up to ``limit`` tasks of ``kind`` for the station, in ONE statement: held tasks
    whose lease ran out by ``now`` first (longest waiting, tote half full), then open, released
    tasks, most urgent first, of the station's warehouse only; each is assigned, leased until ``lease_until``, and a takeover
    remembers whom it was taken from. On PostgreSQL both candidate sets are read
    ``FOR UPDATE SKIP LOCKED`` (claimers never wait on each other and never share a task; the
    lease condition is checked again on the locked row); on SQLite the write transaction is
    already exclusive (BEGIN IMMEDIATE).

    ``move_orders`` = (status, statuses it may come from): the claimed tasks' orders move on
    (picking, packing), in the same statement on PostgreSQL (a data-modifying CTE), right
    after it on SQLite.

    Statuses move open → assigned (or stay assigned), and an order only from a status its life
    cycle allows: Core, around the ORM's check."""
    postgres = session.get_bind().dialect.name == "postgresql"
    key = (postgres, max_units is not None)
    if key not in _CLAIMS:
        _CLAIMS[key] = _claim_statement(postgres, max_units is not None)
    to_status, from_statuses = move_orders or ("picking", [])
    params = {"of_kind": kind, "warehouse": warehouse_id, "station": station_id, "limit": limit, "now": now, "lease_until": lease_until,
              "max_units": max_units, "to_status": to_status, "from_statuses": from_statuses}
    connection = session.connection()  # Core all through: no ORM object is made or tracked
    rows = connection.execute(_CLAIMS[key], params).all()
    if not postgres and move_orders and rows:
        orders = sorted({row.order_id for row in rows if row.order_id is not None})
        connection.execute(MOVE_ORDERS, {"ids": orders, "to_status": to_status, "from_statuses": from_statuses})
    # (Bound names differ from column names: SQLAlchemy reserves those for the SET clause.)
    # Taken-over tasks first, then the queue's order (RETURNING has none of its own).
    rows = sorted(rows, key=lambda row: (row.taken_from is None, row.priority, row.id))
    return [Claimed(row.id, row.kind, row.order_id, row.tote, row.taken_from) for row in rows]


_CLAIMS: dict[tuple[str, bool], object] = {}  # built once per dialect: a claim pays for running it only


def _claim_statement(row_locks: bool, by_units: bool):
    limit = bindparam("limit", type_=Integer)

    def candidates(name: str, *where):
        query = select(_tasks.c.id).where(_tasks.c.kind == bindparam("of_kind"),
                                          _tasks.c.warehouse_id == bindparam("warehouse", type_=Integer), *where)
        if by_units:
            units = select(func.sum(TaskLine.quantity)).where(TaskLine.task_id == _tasks.c.id).scalar_subquery()
            query = query.where(units <= bindparam("max_units", type_=Integer))
        query = query.order_by(_tasks.c.priority, _tasks.c.id).limit(limit)
        return (query.with_for_update(skip_locked=True) if row_locks else query).cte(name)

    expired = candidates("expired", _tasks.c.status == "assigned", _tasks.c.lease_expires_at <= bindparam("now"))
    # "= true", not "IS true": only an equality lets the queue index give the priority order.
    waiting = candidates("waiting", _tasks.c.status == "open", _tasks.c.released == true())
    chosen = union_all(select(expired.c.id), select(waiting.c.id)).limit(limit).cte("chosen")
    station = bindparam("station", type_=Integer)
    taken_over = and_(_tasks.c.status == "assigned", _tasks.c.station_id != station)
    claim = (update(_tasks).where(_tasks.c.id.in_(select(chosen.c.id)))
            .values(status="assigned", station_id=station, assigned_at=bindparam("now"),
                    lease_expires_at=bindparam("lease_until"),
                    taken_from_station_id=case((taken_over, _tasks.c.station_id),
                                               else_=_tasks.c.taken_from_station_id))
            .returning(_tasks.c.id, _tasks.c.kind, _tasks.c.order_id, _tasks.c.tote,
                       # An open task never carries it (assigned never goes back to open): set
                       # here, it names the station this very claim took the task from.
                       _tasks.c.taken_from_station_id.label("taken_from"), _tasks.c.priority))
    if not row_locks:
        return claim.execution_options(synchronize_session=False)
    claimed = claim.cte("claimed")
    moved = (update(_orders).where(_orders.c.id.in_(select(claimed.c.order_id)), _MAY_MOVE)
             .values(status=bindparam("to_status")).cte("moved"))
    return select(claimed).add_cte(moved)


_orders = Order.__table__
_MAY_MOVE = _orders.c.status.in_(bindparam("from_statuses", expanding=True))
# (Bound names differ from column names: SQLAlchemy reserves those for the SET clause.)
MOVE_ORDERS = (update(_orders).where(_orders.c.id.in_(bindparam("ids", expanding=True)), _MAY_MOVE)
               .values(status=bindparam("to_status")))


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
    query = (select(Task).where(Task.kind == "pick", Task.status == "open", Task.released == false(),
                                Task.order_id.in_(order_ids)).order_by(Task.id))
    return list(session.scalars(_lockable(session, query, skip_locked=True)))


def lock_reorder_points(session: Session, product_ids: list[int]) -> list:
    """The reorder points of these products, locked in product order (an alert is raised once)."""
    query = select(ReorderPoint).where(ReorderPoint.product_id.in_(product_ids)).order_by(ReorderPoint.product_id)
    return list(session.scalars(_lockable(session, query)))


def lock_tasks_of_order(session: Session, order_id: int) -> list[Task]:
    """Every task of one order, locked (a cancellation: waits for a claim in flight)."""
    query = select(Task).where(Task.order_id == order_id).order_by(Task.id)
    return list(session.scalars(_lockable(session, query)))


def lock_stock_for(session: Session, product_ids: list[int]) -> list[Stock]:
    # Fixed lock order (by id) so two allocations never deadlock each other.
    query = select(Stock).where(Stock.product_id.in_(product_ids)).order_by(Stock.id)
    return list(session.scalars(_lockable(session, query)))


def lock_stock_by_warehouse(session: Session, product_ids: list[int]) -> list[tuple[Stock, int]]:
    """The stock rows of these products with the warehouse of their bin, locked in the same
    id order as ``lock_stock_for`` (routing weighs every warehouse, then allocates in one).
    Only the stock rows are locked, not their bins."""
    query = (select(Stock, Bin.warehouse_id).join(Bin, Bin.id == Stock.bin_id)
             .options(contains_eager(Stock.bin))  # the pick route sorts by bin code: no read per bin
             .where(Stock.product_id.in_(product_ids)).order_by(Stock.id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Stock)
    return [(row, warehouse_id) for row, warehouse_id in session.execute(query)]


def lock_bin(session: Session, code: str) -> Bin | None:
    """The bin (locked: two counts of one bin created at once see each other)."""
    return session.scalars(_lockable(session, select(Bin).where(Bin.code == code))).first()


def lock_stock_in_bin(session: Session, bin_id: int) -> list[Stock]:
    """Every stock row of one bin, locked in id order (the same order as allocation's)."""
    query = select(Stock).where(Stock.bin_id == bin_id).order_by(Stock.id)
    return list(session.scalars(_lockable(session, query)))


def lock_return(session: Session, return_id: int) -> Return | None:
    """The return (RMA), locked: two clerks refunding one parcel wait for each other, and the
    second sees the first one's refund (server/services/refunds.py)."""
    query = select(Return).where(Return.id == return_id).execution_options(populate_existing=True)
    return session.scalars(_lockable(session, query)).first()
