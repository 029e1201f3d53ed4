"""What every pack state shares: the operator signed in by badge, and the parcel's context.

The operator lives in the session's context (``operator: {id, name, locale, seen}``), so it
survives a reconnect and a replay like the rest of the screen. ``seen`` moves on at most once a
minute (``SEEN_EVERY_S``): marking every scan would write the session on every scan.
"""
from __future__ import annotations

import re

from server.domain.scanning import ScannedCode
from server.domain.scenarios.engine import Effect, Session, Step, error, info, ok
from wire.contract import ScreenState as S

ORDER_REF = re.compile(r"^CO-\d{7,10}$", re.ASCII)
SEEN_EVERY_S = 60.0
KEPT = ("operator",)  # what a new order or a new state carries over


def carry(context) -> dict:
    return {key: context[key] for key in KEPT if context.get(key)}


def parcel_context(context, task_id: int) -> dict:
    return {**carry(context), "task_id": task_id}


def seen_now(session: Session, facts) -> dict:
    """The context with the operator's last input moved to now (coarsely)."""
    context = dict(session.context)
    operator = context.get("operator")
    if operator:
        now = facts.now()
        if now - float(operator.get("seen") or 0) >= SEEN_EVERY_S:
            context["operator"] = {**operator, "seen": now}
    return context


def operator_resume(session: Session, facts) -> dict:
    """The context, without an operator silent past the policy's sign-out delay."""
    context = dict(session.context)
    operator = context.get("operator")
    if operator and facts.now() - float(operator.get("seen") or 0) > facts.pack_policy().sign_out_after_s:
        context.pop("operator")
    return context


def badge(session: Session, code: ScannedCode, facts) -> Step:
    """A badge: its holder signs in; scanned again at idle, signs out; never a takeover mid-order."""
    context, state = seen_now(session, facts), session.state
    user = facts.operator_for_badge(code)
    if user is None:
        return Step(state, context, error("badge_unknown"), outcome="badge_unknown")
    current = context.get("operator")
    if current and current.get("id") == user["id"]:
        if state != S.IDLE:
            return Step(state, context, info("signed_in", name=user["name"]), outcome="signed_in")
        rest = {key: value for key, value in context.items() if key != "operator"}
        return Step(state, rest, info("signed_out", name=user["name"]), _signed(user, False), outcome="signed_out")
    if current and state != S.IDLE:
        return Step(state, context, error("badge_busy", name=current.get("name", "")), outcome="badge_busy")
    signed = {**context, "operator": {**user, "seen": facts.now()}}
    return Step(state, signed, ok("signed_in", name=user["name"]), _signed(user, True), outcome="signed_in")


def _signed(user: dict, signed_in: bool) -> tuple[Effect, ...]:
    return (Effect("operator_signed", {"username": user["username"], "signed_in": signed_in}),)


def recount_step(context: dict, task_id: int, check) -> Step:
    """The parcel weighs more or less than its units and box: every unit is scanned again."""
    return Step(S.PACK, parcel_context(context, task_id),
                error("weight_mismatch", measured=check.measured_g, expected=check.expected_g, margin=check.margin_g),
                (Effect("recount", {"task_id": task_id}),), outcome="weight_mismatch")
