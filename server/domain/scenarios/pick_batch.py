"""Pick batch (cluster picking): one picker, several small orders, one tote each, one walk.

    idle ──task_assigned──► bind_totes ──scan a tote per order──► batch_pick
    batch_pick ──scan the item──► put_tote ──scan the order's tote──► batch_pick
                                     └──(the batch's last unit)──► idle (one pack task per tote)

The lines of every order are walked in one route order (``domain/route.py``). After each
unit the screen says which tote it goes in; a scan of any other tote is refused, and the unit
stays "in hand" until the right tote is scanned.

A picker may sign in with a badge at idle (and out, again at idle), as at a single-order pick
station: the operator stays in the context from batch to batch, and each scan records them.
"""
from __future__ import annotations

from server.domain.layout import DEMO_LAYOUT, Layout
from server.domain.route import sort_by_route
from server.domain.scanning import CodeKind, ScannedCode
from server.domain.scenarios.counting import rejection
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, ok, warn
from server.domain.scenarios.facts import TaskFacts
from server.domain.scenarios.pack_bench import badge, carry
from server.domain.verification import Check, LineProgress, Verdict, check_item
from wire.contract import SHORT_REASONS, Action
from wire.contract import ScreenState as S

CART_TOTES = 4  # totes on a cart: orders picked together
SMALL_ORDER_UNITS = 6  # bigger orders are picked alone (scenario "pick")

PICK_BATCH = Scenario("pick_batch", initial=S.IDLE, claims="pick", batch=CART_TOTES, max_units=SMALL_ORDER_UNITS,
                      actions={S.BATCH_PICK: (Action.SHORT,)},
                      resume=lambda session, facts: _resume(session, facts))


@PICK_BATCH.on(S.IDLE, Trigger.TASK_ASSIGNED, to=(S.BIND_TOTES,))
def start_batch(session: Session, given: Input, facts) -> Step:
    return Step(S.BIND_TOTES, {**carry(session.context), "tasks": list(given.params["task_ids"]), "totes": {}},
                ok("scan_tote_for", slot=1, order=_order_of(facts, given.params["task_ids"][0])))


@PICK_BATCH.on(S.IDLE, Trigger.SCAN, to=(S.IDLE,))
def scan_without_batch(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        return badge(session, given.code, facts)
    return Step(S.IDLE, carry(session.context), error("no_task"), outcome="no_task")


@PICK_BATCH.on(S.BIND_TOTES, Trigger.SCAN, to=(S.BIND_TOTES, S.BATCH_PICK))
def bind_tote(session: Session, given: Input, facts) -> Step:
    code, totes = given.code, dict(session.context.get("totes") or {})
    if code.kind is not CodeKind.TOTE:
        return _stay(session, error("scan_a_tote", kind=str(code.kind)), "not_a_tote")
    if code.value in totes.values():
        return _stay(session, error("tote_in_use", tote=code.value), "tote_in_use")
    tasks = session.context["tasks"]
    task_id = next((task_id for task_id in tasks if str(task_id) not in totes), None)
    if task_id is None:  # every order has its tote already (a stored session): start picking
        return Step(S.BATCH_PICK, session.context, error("tote_in_use", tote=code.value), outcome="tote_in_use")
    totes[str(task_id)] = code.value
    bound = Effect("bind_tote", {"task_id": task_id, "tote": code.value})
    context = {**session.context, "totes": totes}
    slot = len(totes)
    if slot < len(tasks):
        say = ok("tote_bound", tote=code.value, slot=slot, next=slot + 1, order=_order_of(facts, tasks[slot]))
        return Step(S.BIND_TOTES, context, say, (bound,), outcome="tote_bound")
    return Step(S.BATCH_PICK, context, ok("totes_ready", n=slot), (bound,), outcome="tote_bound")


@PICK_BATCH.on(S.BATCH_PICK, Trigger.SCAN, to=(S.BATCH_PICK, S.PUT_TOTE, S.IDLE))
def pick_unit(session: Session, given: Input, facts) -> Step:
    tasks = _held(session, facts)
    if tasks is None:
        return _task_lost(session)
    route = walk(tasks, facts.layout())
    code = given.code
    check = _check_against_route(route, code)
    if not check.accepted:
        return _stay(session, _refusal(tasks, check, code), str(check.verdict))
    task, line = next((task, line) for task, line in route if line.line_id == check.line_id)
    if (code.count or 1) > 1:  # each unit is put in its order's tote: a pack is scanned unit by unit
        return _stay(session, error("pack_too_big", units=code.count, name=line.name, remaining=1), "pack_too_big")
    if facts.pick_rules().refuses_expiry(code.expiry, facts.today()):
        return _stay(session, error("lot_expired", lot=code.lot or "?", expiry=code.expiry.isoformat(),
                                    name=line.name), "expired")
    slot = session.context["tasks"].index(task.id) + 1
    put = {"task_id": task.id, "line_id": line.line_id, "tote": task.tote, "slot": slot}
    lot = {key: value for key, value in (("lot", code.lot), ("serial", code.serial),
                                         ("expiry", code.expiry.isoformat() if code.expiry else None)) if value}
    return Step(S.PUT_TOTE, {**session.context, "put": put},
                ok("put_in_tote", name=line.name, slot=slot, tote=task.tote or ""),
                (Effect("count_unit", {"task_id": task.id, "line_id": line.line_id, **lot}),), outcome="counted")


@PICK_BATCH.on(S.PUT_TOTE, Trigger.SCAN, to=(S.PUT_TOTE, S.BATCH_PICK, S.IDLE))
def put_in_tote(session: Session, given: Input, facts) -> Step:
    put, code = session.context["put"], given.code
    if code.kind is not CodeKind.TOTE:
        return _stay(session, error("put_first", slot=put["slot"], tote=put["tote"]), "put_first")
    if code.value != put["tote"]:
        return _stay(session, error("wrong_tote", tote=code.value, slot=put["slot"], right=put["tote"]), "wrong_tote")
    context = {key: value for key, value in session.context.items() if key != "put"}
    tasks = _held(session, facts) or ()
    if any(line.remaining > 0 for task in tasks for line in task.lines):
        return Step(S.BATCH_PICK, context, ok("put_ok", slot=put["slot"]), outcome="put_ok")
    finished = tuple(Effect("complete_pick", {"task_id": task_id}) for task_id in session.context["tasks"])
    return Step(S.IDLE, carry(session.context), ok("batch_done", n=len(finished)), finished, outcome="batch_done")


@PICK_BATCH.on(S.BATCH_PICK, Trigger.ACTION, to=(S.BATCH_PICK, S.IDLE))
def short_in_batch(session: Session, given: Input, facts) -> Step:
    """A bin short on the cart's walk: as at a single pick (short_picks.py), for that line's order."""
    if given.name != Action.SHORT:
        return PICK_BATCH.not_expected(session, given)
    tasks = _held(session, facts)
    if tasks is None:
        return _task_lost(session)
    route = walk(tasks, facts.layout())
    found = next(((task, line) for task, line in route if line.line_id == given.params.get("line_id")), None)
    reason = given.params.get("reason")
    if found is None or found[1].remaining <= 0 or reason not in SHORT_REASONS:
        return _stay(session, error("short_refused", reasons=", ".join(SHORT_REASONS)), "short_refused")
    task, line = found
    shorted = Effect("short_pick", {"task_id": task.id, "line_id": line.line_id, "reason": reason})
    if facts.available_elsewhere(line.line_id) >= line.remaining:
        return Step(S.BATCH_PICK, session.context, warn("short_reallocated", bin=line.bin), (shorted,),
                    outcome="short_reallocated")
    if any(other.remaining > 0 for _, other in route if other.line_id != line.line_id):
        return Step(S.BATCH_PICK, session.context, warn("short_held", bin=line.bin, order=task.order), (shorted,),
                    outcome="short_held")
    finished = tuple(Effect("complete_pick", {"task_id": task_id}) for task_id in session.context["tasks"])
    return Step(S.IDLE, carry(session.context), warn("pick_done_short", order=task.order), (shorted, *finished),
                outcome="short_held")


def walk(tasks: tuple[TaskFacts, ...], layout: Layout = DEMO_LAYOUT) -> list[tuple[TaskFacts, LineProgress]]:
    """Every line of the batch in the order the picker walks the bins (stable: order, then line),
    over the floor's layout (the one allocation sequenced the tasks with)."""
    return sort_by_route(((task, line) for task in tasks for line in task.lines), lambda pair: pair[1].bin, layout)


def next_line(tasks: tuple[TaskFacts, ...], layout: Layout = DEMO_LAYOUT) -> tuple[TaskFacts, LineProgress] | None:
    return next(((task, line) for task, line in walk(tasks, layout) if line.remaining > 0), None)


def _check_against_route(route, code: ScannedCode) -> Check:
    # The same product may be wanted by several orders: the first open line on the walk wins,
    # so the screen's "next" and the tote named are the same.
    return check_item([line for _, line in route], code)


def _refusal(tasks, check: Check, code: ScannedCode):
    merged = TaskFacts(0, "pick", "", tuple(line for task in tasks for line in task.lines))
    if check.verdict is Verdict.WRONG_ITEM:
        return error("not_in_batch", code=code.raw.strip()[:40])
    return rejection(merged, check, code)


def _held(session: Session, facts) -> tuple[TaskFacts, ...] | None:
    held = {task.id: task for task in facts.batch()}
    wanted = session.context.get("tasks") or []
    if not wanted or any(task_id not in held for task_id in wanted):
        return None
    return tuple(held[task_id] for task_id in wanted)


def _order_of(facts, task_id: int) -> str:
    return next((task.order for task in facts.batch() if task.id == task_id), "")


def _task_lost(session: Session) -> Step:
    return Step(S.IDLE, carry(session.context), error("task_lost"), outcome="task_lost")


def _stay(session: Session, say, outcome: str) -> Step:
    return Step(session.state, session.context, say, outcome=outcome)


def _resume(session: Session, facts) -> Session:
    held = facts.batch()
    if not held:  # the operator signed in stays
        return Session(session.scenario, S.IDLE, carry(session.context)) if session.state != S.IDLE else session
    if session.state == S.IDLE:
        # Claimed, but the step that bound the screen to it was lost: start binding totes.
        totes = {str(task.id): task.tote for task in held if task.tote}
        state = S.BATCH_PICK if len(totes) == len(held) else S.BIND_TOTES
        return Session(session.scenario, state, {**carry(session.context), "tasks": [task.id for task in held],
                                                 "totes": totes})
    return session
