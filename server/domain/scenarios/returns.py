"""The returns desk: receive a parcel by its return label, then inspect what came back.

    returns_receive: return_scan ──scan RMA──► returns_inspect: return_inspect
    returns_inspect: return_inspect ──scan item──► return_inspect (item ticked)
                                    ──scan RMA──► return_inspect (the next parcel)
                                    ──done──► returns_receive: return_scan

The RMA the clerk is looking at lives in the session's context, so a reconnect, a replayed
scan or a restarted station shows the same parcel again.
"""
from __future__ import annotations

from server.domain.scanning import CodeKind
from server.domain.scenarios.engine import Effect, Input, Scenario, Session, Step, Trigger, error, ok, warn
from server.domain.scenarios.facts import ReturnFacts
from wire.contract import Action
from wire.contract import ScreenState as S

RECEIVE = Scenario("returns_receive", initial=S.RETURN_SCAN)
INSPECT = Scenario("returns_inspect", initial=S.RETURN_INSPECT, actions={S.RETURN_INSPECT: (Action.DONE,)},
                   resume=lambda session, facts: _resume_inspection(session, facts))
INSPECTING = f"{INSPECT.name}:{S.RETURN_INSPECT}"
RECEIVING = f"{RECEIVE.name}:{S.RETURN_SCAN}"


@RECEIVE.on(S.RETURN_SCAN, Trigger.SCAN, to=(S.RETURN_SCAN, INSPECTING))
def receive_parcel(session: Session, given: Input, facts) -> Step:
    code = given.code
    if code.kind is not CodeKind.RMA:
        return Step(session.state, session.context, error("not_an_rma", kind=str(code.kind)), outcome="not_an_rma")
    case = facts.find_return(code)
    if case is None:
        return Step(session.state, session.context, error("rma_unknown", code=code.value), outcome="rma_unknown")
    return open_parcel(case)


def open_parcel(case: ReturnFacts) -> Step:
    """The parcel of ``case`` on the desk: received now, or already (amber, with when)."""
    context = {"return_id": case.id, "seen": {}}
    if case.received_at is not None:
        when = case.received_at.strftime("%d/%m/%Y %H:%M UTC")
        return Step(S.RETURN_INSPECT, context, warn("rma_already_received", rma=case.rma, when=when),
                    scenario=INSPECT.name, outcome="rma_already_received")
    return Step(S.RETURN_INSPECT, context, ok("rma_found", rma=case.rma, order=case.order),
                (Effect("receive_return", {"return_id": case.id}),), scenario=INSPECT.name, outcome="rma_found")


@INSPECT.on(S.RETURN_INSPECT, Trigger.SCAN, to=(S.RETURN_INSPECT, INSPECTING, RECEIVING))
def inspect_item(session: Session, given: Input, facts) -> Step:
    code = given.code
    if code.kind is CodeKind.RMA:
        return receive_parcel(session, given, facts)  # the next parcel, without a key press
    case = facts.return_by_id(session.context.get("return_id"))
    if case is None:
        return Step(S.RETURN_SCAN, {}, error("rma_unknown", code=""), scenario=RECEIVE.name, outcome="rma_unknown")
    if code.kind is not CodeKind.ITEM:
        return Step(session.state, session.context, error("not_an_item", kind=str(code.kind)), outcome="not_an_item")
    return _tick_item(session, case, code)


def _tick_item(session: Session, case: ReturnFacts, code) -> Step:
    seen = {str(key): count for key, count in (session.context.get("seen") or {}).items()}
    matching = [line for line in case.lines if line.gtin14 == code.value]
    if not matching:
        return Step(session.state, session.context, error("not_on_rma", code=code.raw.strip()[:40]),
                    outcome="not_on_rma")
    line = next((line for line in matching if seen.get(str(line.line_id), 0) < line.quantity), None)
    if line is None:
        full = matching[0]
        return Step(session.state, session.context,
                    error("return_too_many", name=full.name, quantity=full.quantity), outcome="too_many")
    seen[str(line.line_id)] = seen.get(str(line.line_id), 0) + 1
    say = ok("return_item_ok", name=line.name, seen=seen[str(line.line_id)], quantity=line.quantity)
    return Step(session.state, {**session.context, "seen": seen}, say, outcome="return_item_seen")


@INSPECT.on(S.RETURN_INSPECT, Trigger.ACTION, to=(S.RETURN_INSPECT, RECEIVING))
def finish_inspection(session: Session, given: Input, facts) -> Step:
    if given.name != Action.DONE:
        return INSPECT.not_expected(session, given)
    case = facts.return_by_id(session.context.get("return_id"))
    say = ok("inspection_done", rma=case.rma if case else "")
    return Step(S.RETURN_SCAN, {}, say, scenario=RECEIVE.name)


def _resume_inspection(session: Session, facts) -> Session:
    # The return was deleted or never existed (a hand-edited session): back to the desk.
    if facts.return_by_id(session.context.get("return_id")) is None:
        return RECEIVE.start()
    return session
