"""What happened on the floor, in sentences (FR and EN), each a click from what it concerns.

One place turns an event (live from the unit of work, or an ``audit_events`` row read back) into
the line a supervisor reads: the dashboard's feed and an order's timeline both use it. Codes
inside an event (a scan outcome, a return reason, a printer condition) are named first; a line
never shows a code. Runs outside any request (the broadcaster), so the locale is passed in.
"""
from __future__ import annotations

from datetime import datetime, timezone
from string import Formatter

from babel.numbers import format_currency
from sqlalchemy import select

from server.models import AuditEvent, ScanEvent, Station
from server.services.floor import GOOD_SCANS
from wire import texts

# Shown in the feed: trouble first (level "bad"), things waiting for a person ("warn"), and the
# floor's milestones ("info"). Good scans are counted and charted, not listed one by one.
LEVELS = {
    "scan_refused": "bad", "printer_problem": "bad", "scan_dead_lettered": "bad", "count_short": "bad",
    "task_lease_expired": "bad", "station_offline": "bad", "sign_ins_refused": "bad",
    "station_flood_cut_off": "bad",  # issue 10: a station that sent on through busy answers
    "printer_status": "bad",
    "refund_awaiting_approval": "warn", "order_held": "warn", "order_on_hold": "warn", "low_stock": "warn",
    "order_cancelled": "warn", "order_handed_over": "bad", "parcel_recount": "warn",
    "order_sent_back": "info",
    "short_pick": "warn",  # issue 6: a picker found a bin short (re-allocated, or the order stopped short)
    "task_completed": "info", "order_shipped": "info", "return_received": "info", "wave_released": "info",
    "order_hold_released": "info", "refund_paid": "info", "station_online": "info",
    # issue 11: promises at risk and what the watcher did, parcels the carrier could not deliver
    "promise_missed": "bad", "parcel_returned_to_sender": "bad", "notification_failed": "bad",
    "promise_moved_up": "warn", "promise_released": "warn", "promise_upgraded": "warn",
    "promise_decision_undone": "warn", "parcel_delivery_failed": "warn", "order_delivered": "info",
    "order_returned_to_sender": "bad", "return_expected_from_carrier": "warn",
}
PRINTER_PROBLEMS = ("paper_out", "head_open", "ribbon_out", "paused", "buffer_full")
HISTORY = 50


def printer_words(status: dict | None, locale: str) -> tuple[str, str]:
    """(words, level) of a station's printer status: "plus de papier, tête ouverte", "bad"."""
    if not status:
        return texts.text("printer_state.unknown", locale), "unknown"
    if status.get("ready"):
        return texts.text("printer_state.ready", locale), "ok"
    if not status.get("online", True):
        return texts.text("printer.offline", locale), "bad"
    problems = [texts.text(f"printer.{key}", locale) for key in PRINTER_PROBLEMS if status.get(key)]
    return ", ".join(problems) or texts.text("printer.not_ready", locale), "bad"


def who(actor: str | None, locale: str) -> str:
    """``user:sophie`` → sophie, ``station:PACK-01`` → PACK-01, ``system`` → système."""
    if not actor or actor in ("system", "auto"):
        return texts.text("web.system", locale)
    return actor.partition(":")[2] or actor


def _named(event: dict, locale: str) -> dict:
    """The event's values as a person reads them."""
    values = {key: ("" if value is None else value) for key, value in event.items()}
    for key, kind in (("outcome", "outcome"), ("kind", "kind")):
        if key in event:
            values[key] = _word(kind, event[key], locale)
    if "reason" in event and event.get("type") in ("return_received", "return_authorized"):
        values["reason"] = _word("reason", event["reason"], locale)
    if "reason" in event and event.get("type") == "order_handed_over":  # the packer's reason (issue 12)
        key = f"kiosk.hand_over.{event['reason']}"
        values["reason"] = texts.text(key, locale) if key in texts.CATALOG else texts.text("web.unknown", locale)
    if "channel" in event:
        key = f"channel.{event['channel']}"
        values["channel"] = texts.text(key, locale) if key in texts.CATALOG else event["channel"]
    if "error" in event:
        key = f"printer.{event['error']}"
        values["error"] = texts.text(key, locale) if key in texts.CATALOG else str(event["error"])
    if event.get("type") == "printer_status":
        values["error"] = printer_words(event.get("status"), locale)[0]
    if "amount_cents" in event:
        values["amount"] = format_currency((event["amount_cents"] or 0) / 100, event.get("currency") or "EUR",
                                           locale=locale)
    values["actor"] = who(event.get("actor"), locale)
    return values


def _word(kind: str, code, locale: str) -> str:
    key = f"{kind}.{code}"
    return texts.text(key, locale) if key in texts.CATALOG else texts.text("web.unknown", locale)


def sentence(event: dict, locale: str) -> str:
    key = f"feed.{event.get('type')}"
    if event.get("type") == "return_expected_from_carrier" and event.get("tracking"):
        key = "feed.return_expected_from_carrier_parcel"  # one parcel's return: which one
    if key not in texts.CATALOG:
        key = "feed.something"
    values = _named(event, locale)
    needed = {name for _, name, _, _ in Formatter().parse(texts.CATALOG[key][locale]) if name}
    return texts.text(key, locale, **{name: values.get(name, "–") for name in needed})


def link(event: dict) -> str | None:
    """Where a click on the line goes: the order it concerns, else the station; a refund waiting
    for a supervisor goes to its return, where it is approved or rejected (issue 8)."""
    if event.get("type") == "refund_awaiting_approval" and event.get("rma"):
        return f"/returns/{event['rma']}"
    if event.get("order"):
        return f"/orders/{event['order']}"
    if event.get("station"):
        return f"/stations/{event['station']}"
    return None


def level_of(event: dict) -> str | None:
    kind = event.get("type")
    if kind == "scan_recorded":
        return None if event.get("outcome") in GOOD_SCANS else "bad"
    if kind == "printer_status":
        return "bad" if printer_words(event.get("status"), "en")[1] == "bad" else None
    return LEVELS.get(kind)


def describe(event: dict, at: datetime | None = None) -> dict | None:
    """The feed line of an event (both languages), or None when the feed does not list it."""
    level = level_of(event)
    if level is None:
        return None
    shown = dict(event, type="scan_refused") if event.get("type") == "scan_recorded" else event
    moment = at or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    line = {"type": event.get("type"), "level": level, "href": link(event), "at": moment.isoformat(),
            "text": {locale: sentence(shown, locale) for locale in texts.LOCALES}}
    if event.get("type") == "refund_awaiting_approval" and event.get("rma"):
        line["approve"] = f"/returns/{event['rma']}/approve"  # the feed's Approve key posts there
    return line


def recent(session, limit: int = HISTORY) -> list[dict]:
    """The feed's last ``limit`` lines from the database, newest first: what a page shows on load."""
    audited = session.execute(select(AuditEvent.at, AuditEvent.detail)
                              .where(AuditEvent.action.in_([k for k in LEVELS if k != "scan_refused"]))
                              .order_by(AuditEvent.id.desc()).limit(limit)).all()
    refused = session.execute(select(ScanEvent.received_at, ScanEvent.raw, ScanEvent.outcome, Station.code)
                              .join(Station, Station.id == ScanEvent.station_id)
                              .where(ScanEvent.outcome.not_in(GOOD_SCANS))
                              .order_by(ScanEvent.id.desc()).limit(limit)).all()
    events = [(at, dict(detail or {})) for at, detail in audited]
    events += [(row.received_at, {"type": "scan_recorded", "station": row.code, "raw": row.raw, "outcome": row.outcome})
               for row in refused]
    events.sort(key=lambda pair: _aware(pair[0]), reverse=True)
    lines = (describe(event, at) for at, event in events)
    return [line for line in lines if line is not None][:limit]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
