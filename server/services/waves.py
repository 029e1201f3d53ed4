"""Release allocated orders to the floor in waves (server/domain/waves.py says in what order).

An allocated order whose pick task is not released yet is reserved but not claimable; a
wave releases the first ``max_orders`` of them (nearest cut-off first): the task becomes
claimable, the order ``released`` and tied to its wave. The release policy of a task kind
(``release_policies``; config ``WAVE_KEEP_WAITING`` when none is stored) says whether this
happens at once on allocation, by auto-release, or only when a supervisor asks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, select, true

from server.domain import waves as rules
from server.models import Order, Task
from server.models._types import utcnow
from server.models.orders import ReleasePolicy, Wave
from server.services.holds import not_held
from server.services.locking import lock_unreleased_pick_tasks
from server.services.unit_of_work import UnitOfWork

WAVE_KINDS = ("pick",)  # pack and count tasks are released as they are created


@dataclass(frozen=True)
class Backlog:
    kind: str
    keep_waiting: int | None  # the policy in force (None: every order at once)
    unreleased: int           # allocated orders waiting for a wave
    waiting: int              # released tasks no station holds yet


def keep_waiting(uow: UnitOfWork, kind: str = "pick") -> int | None:
    """The policy in force for ``kind``: the stored one, else the configured default."""
    stored = uow.session.get(ReleasePolicy, kind)
    if stored is not None:
        return stored.keep_waiting
    default = getattr(uow.settings, "wave_keep_waiting", None)
    return None if default is None else int(default)


def releases_at_once(uow: UnitOfWork, kind: str = "pick") -> bool:
    return kind not in WAVE_KINDS or keep_waiting(uow, kind) is None


def release_wave(uow: UnitOfWork, max_orders: int, *, actor: str = "system", trigger: str = "manual") -> Wave | None:
    """Release the next ``max_orders`` allocated orders (call inside ``with uow``). None: nothing to release."""
    db = uow.session
    max_orders = min(int(max_orders), rules.MAX_WAVE_ORDERS)
    if max_orders < 1:
        return None
    rows = db.execute(
        select(Task.order_id, Order.promised_ship_by, Order.service_level, Task.priority)
        .join(Order, Order.id == Task.order_id)
        .where(Task.kind == "pick", Task.status == "open", Task.released == false(), Order.status == "allocated",
               not_held(Order.id))  # a held order waits for its release (services/holds.py)
        .order_by(Order.promised_ship_by, Task.priority, Order.id).limit(max_orders * 2)).all()
    chosen = rules.plan_wave((rules.Candidate(*row) for row in rows), max_orders)
    tasks = sorted(lock_unreleased_pick_tasks(db, chosen), key=lambda task: chosen.index(task.order_id))
    if not tasks:
        return None
    wave = Wave(released_at=utcnow(), actor=actor[:64], trigger=trigger, orders=len(tasks))
    db.add(wave)
    db.flush()
    for task in tasks:
        task.released = True
        task.order.status, task.order.wave_id = "released", wave.id
    db.flush()
    first = tasks[0].order
    uow.emit("wave_released", wave=wave.id, orders=len(tasks), trigger=trigger, actor=actor,
             first_ship_by=first.promised_ship_by.isoformat(), references=[task.order.reference for task in tasks[:20]])
    uow.emit("tasks_waiting", kind="pick")
    return wave


def auto_release(uow: UnitOfWork, kind: str) -> Wave | None:
    """Top the released, unclaimed tasks of ``kind`` up to the policy's ``keep_waiting``."""
    if kind not in WAVE_KINDS:
        return None
    keep = keep_waiting(uow, kind)
    if not keep:
        return None
    short = rules.missing(keep, waiting_tasks(uow, kind))
    return release_wave(uow, short, actor="auto", trigger="auto") if short else None


def set_policy(uow: UnitOfWork, kind: str, keep: int | None, *, actor: str) -> Wave | None:
    """Store the release policy of ``kind`` and apply it at once (``None`` releases everything waiting)."""
    if kind not in WAVE_KINDS:
        raise ValueError(f"only {', '.join(WAVE_KINDS)} tasks are released in waves")
    if keep is not None and (keep < 0 or keep > rules.MAX_WAVE_ORDERS):
        raise ValueError(f"keep_waiting must be between 0 and {rules.MAX_WAVE_ORDERS}")
    db = uow.session
    stored = db.get(ReleasePolicy, kind)
    if stored is None:
        stored = ReleasePolicy(kind=kind, keep_waiting=keep, actor=actor[:64])
        db.add(stored)
    stored.keep_waiting, stored.actor, stored.updated_at = keep, actor[:64], utcnow()
    db.flush()
    uow.emit("release_policy_set", kind=kind, keep_waiting=keep, actor=actor)
    if keep is None:
        return release_wave(uow, rules.MAX_WAVE_ORDERS, actor=actor, trigger="auto")
    return auto_release(uow, kind)


def waiting_tasks(uow: UnitOfWork, kind: str) -> int:
    return uow.session.scalar(select(func.count()).select_from(Task).where(
        Task.kind == kind, Task.status == "open", Task.released == true()))


def backlog(uow: UnitOfWork, kind: str = "pick") -> Backlog:
    unreleased = uow.session.scalar(select(func.count()).select_from(Task).where(
        Task.kind == kind, Task.status == "open", Task.released == false()))
    return Backlog(kind, keep_waiting(uow, kind), unreleased, waiting_tasks(uow, kind))


def recent_waves(uow: UnitOfWork, limit: int = 20) -> list[dict]:
    return [{"wave": wave.id, "released_at": wave.released_at.isoformat(), "actor": wave.actor,
             "trigger": wave.trigger, "orders": wave.orders}
            for wave in uow.session.scalars(select(Wave).order_by(Wave.id.desc()).limit(limit))]
