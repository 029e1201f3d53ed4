"""The promise watcher: one pass over every open order, and the supervisor's undo.

One SELECT reads the open orders in the floor's queue order (pick task priority, ship-by,
id), so each order's place in the queue is its index; the rules (server/domain/promises.py)
judge each one in memory; only the orders that would miss their promise are written to. Every
decision is a ``promise_decisions`` row (what, why, the cost, what undo puts back) and a
``promise_*`` event (``promise_moved_up``, ``promise_released``, ``promise_upgraded``,
``promise_missed``: the audit trail, the order's timeline and the dashboard's exceptions); when nothing keeps
the promise the customer is told the new expected day (``promise_date_changed`` → a "delayed"
message, once per new day). An order a supervisor has undone a decision on is left to them.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select, update

from server.domain import promises as rules
from server.domain.statuses import OrderStatus
from server.models import Order, OrderPromise, PromiseDecision, Task
from server.models._types import utcnow
from server.services import promise_services as carriers
from server.services.locking import lock_unreleased_pick_tasks
from server.services.unit_of_work import UnitOfWork

WATCHED = (OrderStatus.NEW, OrderStatus.BACKORDERED, OrderStatus.ALLOCATED, OrderStatus.RELEASED,
           OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKING, OrderStatus.PACKED)
BOOKED = (OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.RETURNED_TO_SENDER,
          OrderStatus.RETURNED)  # its carrier service is booked: an upgrade stays
NOT_YET_PICKED = 5  # a pick task's priority when nothing says otherwise (domain/waves.py OTHER_SERVICE_RANK)


DECISION_EVENTS = {"priority": "promise_moved_up", "release": "promise_released", "upgrade": "promise_upgraded",
                   "none": "promise_missed"}


class UndoRefused(ValueError):
    pass


@dataclass
class PassReport:
    watched: int = 0
    at_risk: int = 0
    decisions: int = 0


def open_orders(session):
    """(order id, service level, ship-by, promised delivery day or None, pick priority or None, released,
    carrier service or None) in queue order."""
    pick = select(Task.order_id, Task.priority, Task.released).where(
        Task.kind == "pick", Task.status == "open").subquery()
    # Core on the session's connection: no ORM row loading for 100,000 plain tuples.
    return session.connection().execute(
        select(Order.id, Order.service_level, Order.promised_ship_by,
               func.coalesce(Order.promised_delivery_on, OrderPromise.deliver_by),
               pick.c.priority, pick.c.released, Order.carrier_service)
        .outerjoin(pick, pick.c.order_id == Order.id)
        .outerjoin(OrderPromise, OrderPromise.order_id == Order.id)
        .where(Order.status.in_(WATCHED))
        .order_by(case((pick.c.priority.is_(None), -1), else_=pick.c.priority), Order.promised_ship_by, Order.id))


def watch(uow: UnitOfWork, pace: rules.FloorPace) -> PassReport:
    """One pass of the watcher (call inside ``with uow``; commit after)."""
    report = PassReport()
    rows = open_orders(uow.session).all()
    days = sorted({row[2] for row in rows})
    due = _Counts(len(days))   # orders ahead, by ship-by, that a moved-up order may not pass
    urgent, decisions, orders = 0, [], {}
    for index, (order_id, level, ship_by, deliver_by, priority, released, routed) in enumerate(rows):
        report.watched += 1
        rank = bisect_right(days, ship_by)
        service, choices = carriers.service_of(routed, level)
        order = rules.OpenOrder(order_id, service, ship_by, deliver_by or rules.default_deliver_by(ship_by, level),
                                priority, True if released is None else bool(released),
                                index if priority is not None else 0, urgent + due.up_to(rank), choices)
        decision = rules.judge(order, pace)
        if decision is not None:
            decisions.append(decision)
            orders[order_id] = order
        if priority is None:
            continue
        if priority <= rules.URGENT or (decision is not None and decision.action == "priority"):
            urgent += 1
        else:
            due.add(rank)
    decisions = carriers.reprice(uow.session, pace, decisions, orders)
    report.at_risk = len(decisions)
    if decisions:
        report.decisions = _record(uow, decisions, orders)
    return report


class _Counts:
    """How many orders were seen up to a ship-by rank (a Fenwick tree: a pass is O(n log n))."""

    def __init__(self, size: int):
        self._tree = [0] * (size + 1)

    def add(self, rank: int) -> None:
        while rank < len(self._tree):
            self._tree[rank] += 1
            rank += rank & -rank

    def up_to(self, rank: int) -> int:
        total = 0
        while rank > 0:
            total += self._tree[rank]
            rank -= rank & -rank
        return total


def _record(uow: UnitOfWork, decisions: list[rules.Decision], orders: dict) -> int:
    session = uow.session
    ids = [d.order_id for d in decisions]
    history: dict[int, list[PromiseDecision]] = {}
    for row in session.scalars(select(PromiseDecision).where(PromiseDecision.order_id.in_(ids))
                               .order_by(PromiseDecision.id)):
        history.setdefault(row.order_id, []).append(row)
    rows = {row.id: row for row in session.scalars(select(Order).where(Order.id.in_(ids)))}  # one SELECT
    done = 0
    for decision in decisions:
        past = history.get(decision.order_id, [])
        if any(row.undone_at for row in past):
            continue  # a supervisor took this order in hand
        if decision.action == "none" and past and past[-1].action == "none" \
                and past[-1].expected_after == decision.expected_after:
            continue  # said already
        _apply(uow, decision, orders[decision.order_id], rows[decision.order_id])
        done += 1
    return done


def _apply(uow: UnitOfWork, decision: rules.Decision, order: rules.OpenOrder, row: Order) -> None:
    session = uow.session
    before, after = {}, {}
    if decision.action == "priority":
        before, after = {"priority": order.priority}, {"priority": rules.URGENT}
        session.execute(update(Task).where(Task.order_id == row.id, Task.kind == "pick", Task.status == "open")
                        .values(priority=rules.URGENT).execution_options(synchronize_session=False))
    elif decision.action == "release":
        before, after = {"released": False}, {"released": True}
        for task in lock_unreleased_pick_tasks(session, [row.id]):
            task.released = True
            task.order.status = OrderStatus.RELEASED
        uow.emit("tasks_waiting", kind="pick")
    elif decision.action == "upgrade":
        # An order not routed yet is routed by it: routing keeps the promise too, so it
        # would only choose as fast a service again.
        before, after = {"carrier_service": row.carrier_service}, {"carrier_service": decision.service}
        row.carrier_service = decision.service
    session.add(PromiseDecision(order_id=row.id, action=decision.action, reason=decision.reason[:300],
                                cost_cents=decision.cost_cents, before=before, after=after,
                                expected_before=decision.expected_before, expected_after=decision.expected_after))
    # One event type per action: the feed says each in a sentence of its own (wire/texts_customer.py).
    uow.emit(DECISION_EVENTS[decision.action], order=row.reference, action=decision.action,
             reason=decision.reason[:200], amount_cents=decision.cost_cents, currency=row.currency,
             expected_on=decision.expected_after.isoformat())
    if decision.expected_after > order.deliver_by:
        _tell_new_date(uow, row, decision.expected_after)


def _tell_new_date(uow: UnitOfWork, order: Order, expected: date) -> None:
    promise = uow.session.get(OrderPromise, order.id)
    if promise is None:
        promise = OrderPromise(order_id=order.id, deliver_by=None)
        uow.session.add(promise)
    if promise.told_on == expected:
        return
    promise.told_on = expected
    uow.emit("promise_date_changed", order=order.reference, expected_on=expected.isoformat())


def undo(uow: UnitOfWork, decision_id: int, *, actor: str) -> PromiseDecision:
    """Put back what a decision changed (a supervisor's call; the watcher then leaves the order alone)."""
    session = uow.session
    decision = session.get(PromiseDecision, decision_id)
    if decision is None:
        raise UndoRefused(f"no promise decision {decision_id}")
    if decision.undone_at is not None:
        return decision
    order = session.get(Order, decision.order_id)
    if decision.action == "priority":
        session.execute(update(Task).where(Task.order_id == order.id, Task.kind == "pick", Task.status == "open")
                        .values(priority=decision.before.get("priority", NOT_YET_PICKED))
                        .execution_options(synchronize_session=False))
    elif decision.action == "release":
        raise UndoRefused(f"{order.reference} was released to the floor: a release is not taken back")
    elif decision.action == "upgrade":
        if order.status in BOOKED:
            raise UndoRefused(f"{order.reference} is {order.status}: its carrier is booked")
        if "carrier_service" in decision.before:
            order.carrier_service = decision.before["carrier_service"]
        else:  # recorded before upgrades were catalogue services: the order's level changed
            order.service_level = decision.before.get("service_level", order.service_level)
    decision.undone_at, decision.undone_by = utcnow(), actor[:64]
    uow.emit("promise_decision_undone", order=order.reference, action=decision.action, decision=decision.id,
             actor=actor)
    return decision


def decisions_of(session, order_id: int | None = None, limit: int = 100) -> list[PromiseDecision]:
    query = select(PromiseDecision).order_by(PromiseDecision.id.desc()).limit(limit)
    if order_id is not None:
        query = query.where(PromiseDecision.order_id == order_id)
    return list(session.scalars(query))


def expected_for_customer(session, order: Order, today: date) -> date:
    """The day the customer expects: the last new date they were told, else the promise."""
    promise = session.get(OrderPromise, order.id)
    if promise is not None and promise.told_on is not None:
        return promise.told_on
    if order.promised_delivery_on is not None:  # routing's promise (issue 14)
        return order.promised_delivery_on
    if promise is not None and promise.deliver_by is not None:
        return promise.deliver_by
    return rules.default_deliver_by(order.promised_ship_by, order.service_level)


def pace_from_config(config, now) -> rules.FloorPace:
    policy = tuple(config.get("PROMISE_POLICY") or rules.ACTIONS)
    unknown = [action for action in policy if action not in rules.ACTIONS]
    if unknown:
        raise ValueError(f"PROMISE_POLICY: unknown action(s) {unknown}; one of {', '.join(rules.ACTIONS)}")
    return rules.FloorPace(now=now, orders_per_hour=float(config.get("PROMISE_ORDERS_PER_HOUR", 120)),
                           policy=policy, max_extra_cents=int(config.get("PROMISE_MAX_EXTRA_CENTS", 500)),
                           timezone=str(config.get("TIMEZONE") or "Europe/Paris"))

