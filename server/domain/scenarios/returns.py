"""The returns desk: find the parcel, then grade each unit that came back.

    returns_receive: return_scan ──RMA, SSCC, tracking/order number, items + name──► returns_inspect
    returns_inspect: return_inspect ──scan item──► (the unit waits for its grade)
                     ──resellable──► (scan the bin shown) ──scan bin──► restocked
                     ──damaged──► quarantined
                     ──scan an item of the order not on the RMA, extra──► a line of its own, then graded
                     ──done──► units not graded are missing; the refund is asked for once
                     ──scan another parcel──► the next parcel

The parcel being inspected, the unit in hand and the bin it must go to live in the session's
context, so a reconnect, a replayed scan or a restarted station shows the same step again.
"""
from __future__ import annotations

from server.domain.returns import RETURN_REASONS
from server.domain.scanning import CodeKind
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, info, ok, warn
from server.domain.scenarios.facts import ReturnFacts
from wire.contract import Action
from wire.contract import ScreenState as S

RECEIVE = Scenario("returns_receive", initial=S.RETURN_SCAN)
INSPECT = Scenario("returns_inspect", initial=S.RETURN_INSPECT,
                   actions={S.RETURN_INSPECT: (Action.RESELLABLE, Action.DAMAGED, Action.EXTRA, Action.DONE)},
                   resume=lambda session, facts: _resume_inspection(session, facts))
INSPECTING = f"{INSPECT.name}:{S.RETURN_INSPECT}"
RECEIVING = f"{RECEIVE.name}:{S.RETURN_SCAN}"
LOOKUP_KINDS = (CodeKind.RMA, CodeKind.PARCEL, CodeKind.UNKNOWN)
MAX_ITEMS = 20  # items scanned to find a parcel with no paperwork
NOTE_CHARS = 200  # return_lines.note


@RECEIVE.on(S.RETURN_SCAN, Trigger.SCAN, to=(S.RETURN_SCAN, INSPECTING))
def receive_parcel(session: Session, given: Input, facts) -> Step:
    code = given.code
    items = _items(session.context)
    if code.kind is CodeKind.ITEM and session.state is S.RETURN_SCAN:
        items = (items + [code.value])[-MAX_ITEMS:]
        return Step(S.RETURN_SCAN, {"items": items}, ok("return_items_noted", n=len(items)), outcome="item_noted")
    if code.kind not in LOOKUP_KINDS or (code.kind is CodeKind.UNKNOWN and not code.raw.strip()):
        return Step(session.state, session.context, error("not_an_rma", kind=str(code.kind)), outcome="not_an_rma")
    case = facts.find_return(code, tuple(items) if code.kind is CodeKind.UNKNOWN else ())
    if case is None:
        key = "rma_unknown" if code.kind is CodeKind.RMA else "return_not_found"
        return Step(session.state, session.context, error(key, code=(code.value or code.raw.strip())[:40]),
                    outcome="rma_unknown")
    return open_parcel(case)


def open_parcel(case: ReturnFacts) -> Step:
    """The parcel of ``case`` on the desk: received now, or already (amber, with when and by whom)."""
    context = {"return_id": case.id}
    if case.received_at is not None:
        when = case.received_at.strftime("%d/%m/%Y %H:%M UTC")
        who = (case.received_by or "?").removeprefix("station:")
        return Step(S.RETURN_INSPECT, context, warn("rma_already_received", rma=case.rma, when=when, who=who),
                    scenario=INSPECT.name, outcome="rma_already_received")
    return Step(S.RETURN_INSPECT, context, ok("rma_found", rma=case.rma, order=case.order),
                (Effect("receive_return", {"return_id": case.id}),), scenario=INSPECT.name, outcome="rma_found")


@INSPECT.on(S.RETURN_INSPECT, Trigger.SCAN, to=(S.RETURN_INSPECT, INSPECTING, RECEIVING))
def inspect_item(session: Session, given: Input, facts) -> Step:
    code = given.code
    if code.kind in LOOKUP_KINDS:
        return receive_parcel(session, given, facts)  # the next parcel, without a key press
    case = facts.return_by_id(session.context.get("return_id"))
    if case is None:
        return Step(S.RETURN_SCAN, {}, error("rma_unknown", code=""), scenario=RECEIVE.name, outcome="rma_unknown")
    put = _put(session.context)
    if code.kind is CodeKind.BIN and put is not None:
        return _restock(session, case, put, code.value)
    if code.kind is not CodeKind.ITEM:
        return Step(session.state, session.context, error("not_an_item", kind=str(code.kind)), outcome="not_an_item")
    if put is not None:
        return Step(session.state, session.context, error("return_put_first", bin=put["bin"]), outcome="put_first")
    if case.status != "received":
        return Step(session.state, session.context, warn("return_already_inspected", rma=case.rma),
                    outcome="already_inspected")
    return _take_unit(session, case, code)


def _take_unit(session: Session, case: ReturnFacts, code) -> Step:
    matching = [line for line in case.lines if line.gtin14 == code.value]
    if not matching and code.value in case.order_items:  # the order's, not on the RMA: may be accepted
        return Step(session.state, {"return_id": case.id, "stranger": code.value},
                    error("return_not_on_rma_extra", code=code.raw.strip()[:40]), outcome="not_on_rma")
    if not matching:
        return Step(session.state, session.context, error("not_on_rma", code=code.raw.strip()[:40]),
                    outcome="not_on_rma")
    line = next((line for line in matching if line.grade is None), None)
    if line is None:
        return Step(session.state, session.context,
                    error("return_too_many", name=matching[0].name, quantity=sum(m.quantity for m in matching)),
                    outcome="too_many")
    context = {"return_id": case.id, "unit": line.line_id}
    return Step(session.state, context, ok("return_grade_it", name=line.name), outcome="return_item_seen")


def _restock(session: Session, case: ReturnFacts, put: dict, bin_code: str) -> Step:
    if bin_code != put["bin"]:
        return Step(session.state, session.context, error("return_wrong_bin", bin=put["bin"]), outcome="wrong_bin")
    line = case.line(put["line_id"])
    grade = Effect("grade_return_unit", {"return_id": case.id, "line_id": put["line_id"], "grade": "resellable",
                                          "location": bin_code, "note": _note(put)})
    return Step(session.state, {"return_id": case.id}, ok("return_restocked", name=line.name if line else "",
                                                          bin=bin_code), (grade,), outcome="restocked")


@INSPECT.on(S.RETURN_INSPECT, Trigger.ACTION, to=(S.RETURN_INSPECT,))
def grade_or_finish(session: Session, given: Input, facts) -> Step:
    if given.name not in (Action.RESELLABLE, Action.DAMAGED, Action.DONE, Action.EXTRA):
        return INSPECT.not_expected(session, given)
    case = facts.return_by_id(session.context.get("return_id"))
    if case is None:
        return Step(session.state, session.context, error("rma_unknown", code=""), outcome="rma_unknown")
    put = _put(session.context)
    if put is not None:
        return Step(session.state, session.context, error("return_put_first", bin=put["bin"]), outcome="put_first")
    if given.name == Action.DONE:
        finish = Effect("finish_return", {"return_id": case.id})
        return Step(session.state, {"return_id": case.id}, ok("inspection_done", rma=case.rma), (finish,),
                    outcome="inspection_done")
    if given.name == Action.EXTRA:
        return _accept_extra(session, case, given)
    line = case.line(session.context.get("unit"))
    if line is None or line.grade is not None or case.status != "received":
        return Step(session.state, session.context, error("return_scan_item_first"), outcome="no_unit")
    if given.name == Action.DAMAGED:
        grade = Effect("grade_return_unit", {"return_id": case.id, "line_id": line.line_id, "grade": "damaged",
                                              "note": _note(given.params)})
        return Step(session.state, {"return_id": case.id}, ok("return_quarantined", name=line.name), (grade,),
                    outcome="quarantined")
    bin_code = facts.restock_bin(case.id, line.line_id)
    if bin_code is None:
        return Step(session.state, session.context, error("return_no_bin", name=line.name), outcome="no_bin")
    # The note typed with Resellable waits with the bin: it is kept when the bin is scanned.
    context = {"return_id": case.id, "put": {"line_id": line.line_id, "bin": bin_code, "note": _note(given.params)}}
    return Step(session.state, context, info("return_put_in_bin", name=line.name, bin=bin_code), outcome="put_in_bin")


def _accept_extra(session: Session, case: ReturnFacts, given: Input) -> Step:
    """The item scanned last is the order's but not on the RMA: it came back anyway. Accepted
    with the reason given (else the RMA's), it becomes a line of its own, then is graded."""
    stranger = session.context.get("stranger")
    if not isinstance(stranger, str) or stranger not in case.order_items or case.status != "received":
        return Step(session.state, session.context, error("return_scan_item_first"), outcome="no_unit")
    reason = given.params.get("reason")
    reason = reason if reason in RETURN_REASONS else "other"
    extra = Effect("add_extra_unit", {"return_id": case.id, "gtin": stranger, "reason": reason})
    return Step(session.state, {"return_id": case.id}, ok("return_extra_accepted"), (extra,),
                outcome="extra_accepted")


def _note(params) -> str:
    """The clerk's note on the unit in hand (what is wrong with it), trimmed; anything else: none."""
    note = params.get("note") if isinstance(params, dict) else None
    return " ".join(note.split())[:NOTE_CHARS] if isinstance(note, str) else ""


def _items(context) -> list[str]:
    items = context.get("items")
    return [item for item in items if isinstance(item, str)][-MAX_ITEMS:] if isinstance(items, list) else []


def _put(context) -> dict | None:
    put = context.get("put")
    if isinstance(put, dict) and isinstance(put.get("bin"), str) and isinstance(put.get("line_id"), int):
        return put
    return None


def _resume_inspection(session: Session, facts) -> Session:
    # The return was deleted or never existed (a hand-edited session): back to the desk.
    if facts.return_by_id(session.context.get("return_id")) is None:
        return RECEIVE.start()
    return session
