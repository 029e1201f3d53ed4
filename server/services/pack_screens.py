"""What the packing bench's screen adds (``screen["pack"]``, ``screen["operator"]``).

``pack``: ``{"next": "tote"|"item"|"box"|"scale", "boxes": [{code, label}], "proposed", "box",
"parcels", "weighed", "expected_g", "contents": [{sku, name, quantity}], "parcel_expected_g", "last": {order,
carrier, tracking}}`` — the next expected scan in words, the box types and the one proposed, the weight
the scale must read (the order's; with several parcels also the one on the scale's, and what goes in
it), the parcel just shipped. Read only
in the states that show them: a counted unit's screen costs nothing more.
"""
from __future__ import annotations

from server.domain.packing import parcel_weights
from server.domain.scenarios import Session
from wire.contract import ScreenState

NEXT = {ScreenState.SIGN_IN: "badge", ScreenState.IDLE: "tote", ScreenState.PACK: "item", ScreenState.CHOOSE_BOX: "box",
        ScreenState.WEIGH: "scale"}


def operator_view(session: Session) -> dict | None:
    operator = session.context.get("operator")
    return {"name": operator.get("name"), "locale": operator.get("locale")} if operator else None


def locale_of(session: Session, default: str) -> str:
    """The signed-in operator's language, else the station's (FR/EN per operator)."""
    return (session.context.get("operator") or {}).get("locale") or default


def draw(screen: dict, session: Session, facts) -> None:
    if session.scenario != "pack":
        return
    pack: dict = {"next": NEXT.get(session.state)}
    if session.state is ScreenState.IDLE and session.context.get("last"):
        pack["last"] = facts.last_parcel(session.context.get("last"))
    if session.state in (ScreenState.CHOOSE_BOX, ScreenState.WEIGH):
        policy = facts.pack_policy()
        pack["boxes"] = [{"code": box.code, "label": box.label} for box in policy.boxes]
        pack["proposed"] = session.context.get("proposed")
        pack["box"] = session.context.get("box")
        pack["parcels"] = int(session.context.get("parcels") or 1)
        pack["weighed"] = len(session.context.get("weights") or [])
    if session.state is ScreenState.WEIGH:
        task_id = session.context.get("task_id")
        box = facts.pack_policy().box_codes.get(session.context.get("box") or "")
        tare = box.tare_g * pack["parcels"] if box else 0
        pack["expected_g"] = facts.parcel_weight(task_id) + tare if task_id else None
        if task_id and pack["parcels"] > 1 and pack["weighed"] < pack["parcels"]:
            # Parcel n of m's share of the units, as closing the order will record it, and its weight.
            share = facts.parcel_share(task_id, pack["parcels"])[pack["weighed"]]
            pack["contents"] = [{"sku": line.sku, "name": line.name, "quantity": line.quantity} for line in share]
            grams = parcel_weights(facts.parcel_units(task_id), pack["parcels"])[pack["weighed"]]
            pack["parcel_expected_g"] = grams + (box.tare_g if box else 0)
    screen["pack"] = pack
