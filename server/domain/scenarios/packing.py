"""Pack: the packer's whole bench, from badge to label (docs/flows.md, "The pack flow").

    (sign_in ──badge──►) idle ──task_assigned / tote or order scanned──► pack ──scan (last unit)──┐
      ▲                                                ▲                     ▼
      │                                     weight off: recount    choose_box (box types set)
      │                                                │                     │ box scanned or pressed
      │                                              weigh ◄─────────────────┘ (a scale: PACK_WEIGH)
      │                                                │ weight within tolerance (or no scale step)
      └──label_printed── print_label ◄── close_parcel ─┘   (the shipping label, then the slip)

A badge scanned anywhere signs its holder in (or out, scanned again at idle); an operator
silent for ``sign_out_after_s`` is signed out. ``hand_over`` gives the order to a supervisor
with a reason. Without box types, scale or badges configured, the bench is the old one: the
last unit closes the parcel and the label prints.
"""
from __future__ import annotations

from dataclasses import replace

from server.domain.packing import BOX_CODE, PackPolicy, parcel_weights, propose_box
from server.domain.scanning import CodeKind
from server.domain.scenarios.counting import count_unit, held_task, scan_without_task, task_lost
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, info, ok, warn
from server.domain.scenarios.facts import TaskFacts
from server.domain.scenarios.pack_bench import (ORDER_REF, badge, carry, operator_resume, parcel_context,
                                                recount_step, seen_now)
from server.domain.verification import Verdict
from wire.contract import Action
from wire.contract import ScreenState as S

WORK = (S.PACK, S.CHOOSE_BOX, S.WEIGH)
MAX_PARCELS = 20
ACTIONS = {S.PACK: (Action.HAND_OVER,), S.CHOOSE_BOX: (Action.BOX, Action.PARCELS, Action.HAND_OVER),
           S.WEIGH: (Action.WEIGH, Action.HAND_OVER),
           # offered by the screen only while a label this station's printer refused waits
           S.PRINT_LABEL: (Action.BACKUP_PRINTER,)}


def _resume(session: Session, facts) -> Session:
    context = operator_resume(session, facts)
    if facts.pending_labels():
        return Session(session.scenario, S.PRINT_LABEL, context)
    task = facts.task()
    if task is not None:
        if session.state in WORK and context.get("task_id") == task.id:
            return Session(session.scenario, session.state, context)
        return Session(session.scenario, S.PACK, {**carry(context), "task_id": task.id})
    idle = S.SIGN_IN if facts.pack_policy().badge_required and not context.get("operator") else S.IDLE
    if session.state not in (S.IDLE, S.SIGN_IN):
        return Session(session.scenario, idle, {**carry(context), "last": context.get("task_id")})
    return Session(session.scenario, idle, context)


PACK = Scenario("pack", initial=S.IDLE, claims="pack", resume=_resume, actions=ACTIONS)


@PACK.on(S.IDLE, Trigger.TASK_ASSIGNED, to=(S.PACK,))
def task_assigned(session: Session, given: Input, facts) -> Step:
    return Step(S.PACK, {**carry(session.context), "task_id": given.params["task_id"]})


@PACK.on(S.SIGN_IN, Trigger.SCAN, to=(S.SIGN_IN, S.IDLE))
def scan_to_sign_in(session: Session, given: Input, facts) -> Step:
    """A bench that needs a badge takes nothing else until one is scanned."""
    if given.code.kind is not CodeKind.BADGE:
        return Step(S.SIGN_IN, session.context, error("badge_needed"), outcome="badge_needed")
    step = badge(Session(session.scenario, S.IDLE, session.context), given.code, facts)
    return replace(step, state=S.IDLE if step.context.get("operator") else S.SIGN_IN)


@PACK.on(S.IDLE, Trigger.SCAN, to=(S.IDLE, S.PACK, S.SIGN_IN))
def scan_at_idle(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        step = badge(session, given.code, facts)
        signed_out = not step.context.get("operator") and facts.pack_policy().badge_required
        return replace(step, state=S.SIGN_IN) if signed_out else step
    if _names_an_order(given):
        return _take_order(session, given, facts, holding=None)
    return scan_without_task(session, given, facts)


@PACK.on(S.PACK, Trigger.SCAN, to=(S.PACK, S.CHOOSE_BOX, S.WEIGH, S.PRINT_LABEL, S.IDLE))
def scan_unit_into_box(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        return badge(session, given.code, facts)
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    if _names_an_order(given):
        return _take_order(session, given, facts, holding=task)
    context = seen_now(session, facts)
    step = count_unit(Session(session.scenario, session.state, context), task, given.code,
                      finish=lambda done: _all_units_in(context, done, facts))
    if step.outcome == Verdict.WRONG_ITEM:
        other = facts.order_holding(given.code, task.id)
        if other is not None:
            return Step(S.PACK, context, error("item_of_other_order", order=other), outcome="other_order")
    return step


def _names_an_order(given: Input) -> bool:
    return given.code.kind is CodeKind.TOTE or bool(ORDER_REF.fullmatch(given.code.raw.strip().upper()))


def _take_order(session: Session, given: Input, facts, holding: TaskFacts | None) -> Step:
    """A tote or an order barcode: that order's pack task comes to this station."""
    state, context = session.state, seen_now(session, facts)
    found = facts.find_pack_task(given.code)
    if found is None:
        return Step(state, context, error("pack_nothing_for", code=given.code.raw.strip()[:40]), outcome="not_found")
    if holding is not None and found.task_id == holding.id:
        return Step(state, context, ok("pack_order_found", order=found.order), outcome="same_order")
    if found.station is not None and found.station != facts.station_code():
        return Step(state, context, error("pack_order_elsewhere", order=found.order, station=found.station),
                    outcome="order_elsewhere")
    if holding is not None and any(line.done_qty for line in holding.lines):
        return Step(state, context, error("pack_switch_started"), outcome="order_started")
    release = () if holding is None else (Effect("release_pack_task", {"task_id": holding.id}),)
    take = Effect("take_pack_task", {"task_id": found.task_id})
    return Step(S.PACK, {**carry(context), "task_id": found.task_id}, ok("pack_order_found", order=found.order),
                (*release, take), outcome="order_taken")


def _all_units_in(context: dict, task: TaskFacts, facts) -> Step:
    policy: PackPolicy = facts.pack_policy()
    if not policy.boxes:
        return _after_box(context, task, policy, box=None)
    proposed = propose_box(facts.parcel_units(task.id), policy.boxes)
    say = ok("choose_box", box=proposed.label) if proposed else warn("choose_box_none")
    return Step(S.CHOOSE_BOX, {**context, "proposed": proposed.code if proposed else None}, say)


def _after_box(context: dict, task: TaskFacts, policy: PackPolicy, box: str | None) -> Step:
    if policy.weigh:
        return Step(S.WEIGH, {**context, "box": box, "weights": []},
                    ok("box_chosen", box=box) if box else info("weigh_first"))
    return _close(context, task.id, box, weights=None, say=ok("box_chosen_no_scale", box=box) if box
                  else ok("pack_done"))


def _close(context: dict, task_id: int, box: str | None, weights: list[int] | None, say) -> Step:
    """The parcel(s) closed: ``weights`` as the scale read each (None: not weighed)."""
    return Step(S.PRINT_LABEL, parcel_context(context, task_id), say,
                (Effect("close_parcel", {"task_id": task_id, "box": box, "weights": weights,
                                         "parcels": int(context.get("parcels") or 1)}),))


@PACK.on(S.CHOOSE_BOX, Trigger.SCAN, to=(S.CHOOSE_BOX, S.WEIGH, S.PRINT_LABEL, S.IDLE))
def scan_box(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        return badge(session, given.code, facts)
    return _choose(session, given.code.raw.strip().upper(), facts)


@PACK.on(S.CHOOSE_BOX, Trigger.ACTION, to=(S.CHOOSE_BOX, S.WEIGH, S.PRINT_LABEL, S.IDLE))
def box_key(session: Session, given: Input, facts) -> Step:
    if given.name == Action.HAND_OVER:
        return hand_over(session, given, facts)
    if given.name == Action.PARCELS:
        return _parcels(session, given.params.get("count"), facts)
    if given.name != Action.BOX:
        return PACK.not_expected(session, given)
    return _choose(session, str(given.params.get("box") or session.context.get("proposed") or ""), facts)


def _parcels(session: Session, count, facts) -> Step:
    """An order too big for one box goes as ``count`` parcels (labels "n of m"), each weighed;
    never more parcels than units (every box gets a unit: share_out)."""
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    most = min(MAX_PARCELS, len(facts.parcel_units(task.id)))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= most:
        return Step(S.CHOOSE_BOX, session.context, error("parcels_refused", max=most))
    return Step(S.CHOOSE_BOX, {**session.context, "parcels": count}, info("parcels_set", n=count))


def _choose(session: Session, code: str, facts) -> Step:
    context = seen_now(session, facts)
    policy: PackPolicy = facts.pack_policy()
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    box = policy.box_codes.get(code)
    if box is None:
        shown = code[:40] if BOX_CODE.fullmatch(code) or code else "—"
        return Step(S.CHOOSE_BOX, context, error("not_a_box", code=shown), outcome="not_a_box")
    if propose_box(facts.parcel_units(task.id), [box]) is None:
        return Step(S.CHOOSE_BOX, context, error("box_too_small", box=box.code), outcome="box_too_small")
    return replace(_after_box(context, task, policy, box.code), outcome="box_chosen")


@PACK.on(S.WEIGH, Trigger.ACTION, to=(S.WEIGH, S.PACK, S.PRINT_LABEL, S.IDLE))
def weighed(session: Session, given: Input, facts) -> Step:
    if given.name == Action.HAND_OVER:
        return hand_over(session, given, facts)
    if given.name != Action.WEIGH:
        return PACK.not_expected(session, given)
    context = seen_now(session, facts)
    grams = given.params.get("grams")
    if isinstance(grams, bool) or not isinstance(grams, int) or not 1 <= grams <= 1_000_000:
        return Step(S.WEIGH, context, error("weight_refused"), outcome="bad_weight")
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    weights, parcels = [*(context.get("weights") or []), grams], int(context.get("parcels") or 1)
    if len(weights) < parcels:  # the next parcel of the order on the scale
        return Step(S.WEIGH, {**context, "weights": weights}, info("weigh_next", n=len(weights) + 1, m=parcels))
    policy: PackPolicy = facts.pack_policy()
    box = policy.box_codes.get(context.get("box") or "")
    units = facts.parcel_units(task.id)
    expected = sum(unit.weight_g for unit in units) + (box.tare_g * parcels if box else 0)
    check = policy.check_weight(expected, sum(weights))
    if not check.ok:
        return recount_step(context, task.id, check)
    if parcels > 1:
        # Each box against its share too (what is recorded as its contents): a unit in the
        # wrong box of the same order weighs right in total but not box by box.
        for share, grams in zip(parcel_weights(units, parcels), weights):
            one = policy.check_weight(share + (box.tare_g if box else 0), grams)
            if not one.ok:
                return recount_step(context, task.id, one)
    return _close(context, task.id, context.get("box"), weights,
                  ok("weight_ok", measured=sum(weights), expected=expected))


@PACK.on(S.WEIGH, Trigger.SCAN, to=(S.WEIGH,))
def scan_while_weighing(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        return badge(session, given.code, facts)
    return Step(S.WEIGH, session.context, error("weigh_first"), outcome="weigh_first")


@PACK.on(S.PACK, Trigger.ACTION, to=(S.PACK, S.IDLE))
def pack_key(session: Session, given: Input, facts) -> Step:
    if given.name == Action.HAND_OVER:
        return hand_over(session, given, facts)
    if given.name == Action.SIGN_OUT:
        return Step(S.PACK, session.context, error("badge_busy", name=(session.context.get("operator") or {})
                                                     .get("name", "")))
    return PACK.not_expected(session, given)


def hand_over(session: Session, given: Input, facts) -> Step:
    """The order goes to a supervisor (damaged, missing, wrong item…): off this bench, on the
    dashboard's exceptions, never claimed again until a supervisor sends it back."""
    task = held_task(session, facts)
    if task is None:
        return task_lost(S.IDLE)
    reason = str(given.params.get("reason") or "")
    policy: PackPolicy = facts.pack_policy()
    if reason not in policy.hand_over_reasons:
        return Step(session.state, session.context, error("hand_over_reason"), outcome="no_reason")
    operator = (session.context.get("operator") or {}).get("name")
    return Step(S.IDLE, carry(session.context), warn("handed_over", order=task.order, reason=reason),
                (Effect("hand_over", {"task_id": task.id, "reason": reason, "operator": operator}),))


@PACK.on(S.IDLE, Trigger.ACTION, to=(S.IDLE, S.SIGN_IN))
def idle_key(session: Session, given: Input, facts) -> Step:
    if given.name == Action.SIGN_OUT and session.context.get("operator"):
        name = session.context["operator"].get("name", "")
        state = S.SIGN_IN if facts.pack_policy().badge_required else S.IDLE
        return Step(state, {key: value for key, value in session.context.items() if key != "operator"},
                    info("signed_out", name=name))
    return PACK.not_expected(session, given)


@PACK.on(S.PRINT_LABEL, Trigger.LABEL_PRINTED, to=(S.PRINT_LABEL, S.IDLE))
def label_printed(session: Session, given: Input, facts) -> Step:
    if facts.pending_labels():
        return Step(S.PRINT_LABEL, session.context, ok("label_printed"))
    return Step(S.IDLE, {**carry(session.context), "last": session.context.get("task_id")}, ok("label_printed"))


@PACK.on(S.IDLE, Trigger.LABEL_PRINTED, to=(S.IDLE,))
def label_reported_late(session: Session, given: Input, facts) -> Step:
    # A print_result replayed after an outage, once the screen had moved on.
    return Step(S.IDLE, session.context, ok("label_printed"))


@PACK.on(S.PRINT_LABEL, Trigger.LABEL_FAILED, to=(S.PRINT_LABEL,))
def label_failed(session: Session, given: Input, facts) -> Step:
    reason, backup = given.params.get("error", ""), facts.backup_printer()
    if backup is not None:  # why, in words, and the one key that sends it elsewhere
        return Step(S.PRINT_LABEL, session.context, error("label_failed_backup", error=reason, printer=backup))
    return Step(S.PRINT_LABEL, session.context, error("label_failed", error=reason))


@PACK.on(S.PRINT_LABEL, Trigger.ACTION, to=(S.PRINT_LABEL,))
def label_to_backup(session: Session, given: Input, facts) -> Step:
    """One key: the labels waiting for this station's printer go to the fleet's backup printer
    (the server sends them; the screen moves on when the backup has printed them)."""
    if given.name != Action.BACKUP_PRINTER:
        return PACK.not_expected(session, given)
    backup = facts.backup_printer()
    if backup is None:
        return Step(S.PRINT_LABEL, session.context, error("no_backup_printer"), outcome="no_backup_printer")
    return Step(S.PRINT_LABEL, session.context, info("label_to_backup", printer=backup),
                (Effect("label_to_backup", {}),))


@PACK.on(S.PRINT_LABEL, Trigger.SCAN, to=(S.PRINT_LABEL,))
def scan_before_label(session: Session, given: Input, facts) -> Step:
    if given.code.kind is CodeKind.BADGE:
        return badge(session, given.code, facts)
    return Step(S.PRINT_LABEL, session.context, error("label_pending"), outcome="label_pending")

