"""Pick (single order): the station holds one pick task; each scanned unit leaves its bin.

    idle ──task_assigned──► pick ──scan the bin's label──► pick (standing at that bin)
                                 ──scan an item──► pick, or idle after the task's last unit
                                 ──quantity key (multiples)──► pick | idle
                                 ──short key (bin empty or short)──► pick | idle

Where the floor asks for it (``PickRules.bin_first``) an item is accepted only after its
bin's label was scanned; the bin stood at is the session's ``bin``, kept until another bin is
scanned, so counting units never rewrites the session. A lot past its expiry date is refused.
A pack's count (AI 30/37) or a typed quantity counts several units at once, never more than is
due. A short (the bin is empty or short) is applied by the service: the missing units are
re-allocated from another bin when one has them, else the order stops short
(server/services/short_picks.py). Rules: domain/pick_rules.py.

A picker may sign in with a badge, as at the packing bench (pack_bench.badge): the operator
stays in the session's context from task to task, and each scan records who made it (the
dashboard's units picked per operator). Nothing requires it: a station nobody signed in to
picks as before.
"""
from __future__ import annotations

from server.domain.pick_rules import SHORT_REASONS, PickCheck, PickRules, PickVerdict, check_scan, check_typed
from server.domain.scanning import CodeKind, ScannedCode
from server.domain.scenarios.counting import held_task, printable, resume_task
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, ok, warn
from server.domain.scenarios.facts import TaskFacts
from server.domain.scenarios.pack_bench import badge, carry
from server.domain.verification import LineProgress
from wire.contract import Action
from wire.contract import ScreenState as S

_follow_task = resume_task(S.PICK)


def _resume(session: Session, facts) -> Session:
    """The screen follows the task the station holds; the operator signed in stays."""
    resumed = _follow_task(session, facts)
    kept = carry(session.context)
    if resumed is session or not kept:
        return resumed
    return Session(resumed.scenario, resumed.state, {**resumed.context, **kept})


PICK = Scenario("pick", initial=S.IDLE, claims="pick", actions={S.PICK: (Action.QUANTITY, Action.SHORT)},
                resume=_resume)


@PICK.on(S.IDLE, Trigger.TASK_ASSIGNED, to=(S.PICK,))
def task_assigned(session: Session, given: Input, facts) -> Step:
    return Step(S.PICK, {**carry(session.context), "task_id": given.params["task_id"]})


@PICK.on(S.IDLE, Trigger.SCAN, to=(S.IDLE,))
def scan_at_idle(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        return badge(session, given.code, facts)
    return Step(S.IDLE, carry(session.context), error("no_task"), outcome="no_task")


def _task_lost(session: Session) -> Step:
    return Step(S.IDLE, carry(session.context), error("task_lost"), outcome="task_lost")


def rules_of(facts) -> PickRules:
    return facts.pick_rules()


@PICK.on(S.PICK, Trigger.SCAN, to=(S.PICK, S.IDLE))
def scan_unit_from_bin(session: Session, given: Input, facts) -> Step:
    code = given.code
    if code.kind is CodeKind.BADGE:
        return badge(session, code, facts)
    task = held_task(session, facts)
    if task is None:
        return _task_lost(session)
    if code.kind is CodeKind.BIN:
        return _stand_at_bin(session, task, code)
    check = check_scan(task.lines, code, at_bin=session.context.get("bin"), rules=rules_of(facts),
                       today=facts.today())
    if not check.accepted:
        return _stay(session, refusal(check, code), str(check.verdict))
    return _take(session, task, check, _lot_of(code))


@PICK.on(S.PICK, Trigger.ACTION, to=(S.PICK, S.IDLE))
def pick_key(session: Session, given: Input, facts) -> Step:
    if given.name not in (Action.QUANTITY, Action.SHORT):
        return PICK.not_expected(session, given)
    task = held_task(session, facts)
    if task is None:
        return _task_lost(session)
    if given.name == Action.SHORT:
        return _short(session, task, given.params, facts)
    line_id = given.params.get("line_id")
    last = facts.last_lot(line_id) if isinstance(line_id, int) else None
    check = check_typed(task.lines, line_id, given.params.get("quantity"), at_bin=session.context.get("bin"),
                        rules=rules_of(facts), serialised=last is not None and last.serial is not None)
    if not check.accepted:
        return _stay(session, refusal(check, None), str(check.verdict))
    # The units typed are taken as the lot the line's last scan named.
    lot = {} if last is None else _lot_params(last.lot, last.expiry, None)
    return _take(session, task, check, lot)


def _stand_at_bin(session: Session, task: TaskFacts, code: ScannedCode) -> Step:
    open_bins = [line.bin for line in task.lines if line.remaining > 0 and line.bin]
    if code.value not in open_bins:
        return _stay(session, error("wrong_bin", code=printable(code.raw), bin=open_bins[0] if open_bins else ""),
                     "wrong_bin")
    return Step(S.PICK, {**session.context, "bin": code.value}, ok("bin_ok", bin=code.value), outcome="bin_ok")


def _take(session: Session, task: TaskFacts, check: PickCheck, lot: dict) -> Step:
    line = check.line
    params = {"task_id": task.id, "line_id": line.line_id}
    if check.units != 1:
        params["units"] = check.units
    counted = Effect("count_unit", {**params, **lot})
    if check.verdict is PickVerdict.TASK_COMPLETE:
        return finish(session, task, (counted,), outcome=str(check.verdict))
    say = ok("item_ok", name=line.name) if check.units == 1 else ok("units_ok", units=check.units, name=line.name)
    return Step(S.PICK, session.context, say, (counted,), outcome=str(check.verdict))


def finish(session: Session, task: TaskFacts, effects: tuple[Effect, ...] = (), outcome: str = "") -> Step:
    """The task's last unit: the tote goes to packing, or to the supervisor if the order stopped short."""
    say = warn("pick_done_short", order=task.order) if task.short else ok("pick_done")
    return Step(S.IDLE, carry(session.context), say, (*effects, Effect("complete_pick", {"task_id": task.id})), outcome=outcome)


def _short(session: Session, task: TaskFacts, params, facts) -> Step:
    line = next((line for line in task.lines if line.line_id == params.get("line_id")), None)
    reason = params.get("reason")
    if line is None or line.remaining <= 0 or reason not in SHORT_REASONS:
        return _stay(session, error("short_refused", reasons=", ".join(SHORT_REASONS)), "short_refused")
    shorted = Effect("short_pick", {"task_id": task.id, "line_id": line.line_id, "reason": reason})
    # Whether another bin has the units decides the screen; the service decides again under its
    # locks (short_picks.py) and the session is brought in line with what it did.
    if facts.available_elsewhere(line.line_id) >= line.remaining:
        return Step(S.PICK, session.context, warn("short_reallocated", bin=line.bin), (shorted,),
                    outcome="short_reallocated")
    rest = sum(other.remaining for other in task.lines if other.line_id != line.line_id)
    held = TaskFacts(task.id, task.kind, task.order, task.lines, task.tote, short=True)
    if rest == 0:
        return finish(session, held, (shorted,), outcome="short_held")
    return Step(S.PICK, session.context, warn("short_held", bin=line.bin, order=task.order), (shorted,),
                outcome="short_held")


def refusal(check: PickCheck, code: ScannedCode | None):
    """The red message of a refused scan or key, with the reason in the picker's words."""
    line: LineProgress | None = check.line
    name = line.name if line is not None else ""
    verdict = check.verdict
    if verdict is PickVerdict.SCAN_BIN_FIRST:
        return error("scan_bin_first", bin=line.bin, name=name)
    if verdict is PickVerdict.EXPIRED:
        return error("lot_expired", lot=code.lot or "?", expiry=code.expiry.isoformat(), name=name)
    if verdict is PickVerdict.PACK_TOO_BIG:
        return error("pack_too_big", units=check.units, name=name, remaining=line.remaining)
    if verdict is PickVerdict.BAD_QUANTITY:
        return error("pick_bad_quantity", remaining=line.remaining if line is not None else 0, name=name)
    if verdict is PickVerdict.SCAN_ONE_FIRST:
        return error("scan_one_first", name=name)
    if verdict is PickVerdict.SERIALISED:
        return error("serial_scan_each", name=name)
    if verdict is PickVerdict.TOO_MANY:
        return error("too_many", name=name)
    if verdict is PickVerdict.NOT_AN_ITEM:
        return error("not_an_item", kind=str(code.kind))
    if verdict is PickVerdict.WRONG_ITEM:
        return error("wrong_item", code=printable(code.raw))
    return error("unreadable", code=printable(code.raw) if code is not None else "")


def _lot_of(code: ScannedCode) -> dict:
    return _lot_params(code.lot, code.expiry, code.serial)


def _lot_params(lot, expiry, serial) -> dict:
    """The lot fields an effect carries (none for a plain EAN: its count stays one UPDATE)."""
    found = {"lot": lot, "expiry": expiry.isoformat() if expiry else None, "serial": serial}
    return {key: value for key, value in found.items() if value is not None}


def _stay(session: Session, say, outcome: str) -> Step:
    return Step(session.state, session.context, say, outcome=outcome)
