"""What supervisors see: backlog, late orders, stations and printers, returns."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.models import Package, ScanEvent, Station, Task
from server.models._types import utcnow
from server.models.orders import OrderHold
from server.services import floor_stats as stats

# Scan outcomes that are work done, not exceptions (tests/unit/test_domain_scenarios.py checks
# that every outcome a scenario accepts is here and no refusal is).
GOOD_SCANS = ("counted", "task_complete", "rma_found", "rma_already_received", "return_item_seen",
              "tote_bound", "put_ok", "batch_done", "bin_ok", "item_noted", "restocked", "already_inspected",
              # the packing bench: a badge, a tote or order taken, a box chosen (domain/scenarios/packing.py)
              "signed_in", "signed_out", "order_taken", "same_order", "box_chosen")

OPEN_ORDER_STATES = ("new", "backordered", "allocated", "released", "picking", "short", "picked", "packing", "packed")


def floor_snapshot(session, tz=None) -> dict:
    figures = stats.order_figures(session, tz)
    orders = figures["orders"]
    tasks = {f"{kind}_{status}": n for kind, status, n in session.execute(
        select(Task.kind, Task.status, func.count()).where(Task.status.in_(("open", "assigned")))
        .group_by(Task.kind, Task.status)).all()}
    late = figures["late"]
    operators = stats.operators_signed_in(session)
    stations = [{"code": s.code, "role": s.role, "online": s.online, "active": s.active,
                 "printer": s.printer_status or {}, "devices": s.device_status or {},
                 "operator": operators.get(s.id),
                 "last_seen": s.last_seen_at.isoformat() if s.last_seen_at else None}
                for s in session.scalars(select(Station).order_by(Station.code))]
    return {"orders": orders, "tasks": tasks, "late": late,
            "stations": stations, "backlog": sum(orders.get(s, 0) for s in OPEN_ORDER_STATES),
            "rates": _rates(session), "at": utcnow().isoformat(),
            # issue 9: the supervisor's floor (server/services/floor_stats.py)
            "channels": figures["channels"], "cutoffs": figures["cutoffs"],
            "on_hold": session.scalar(select(func.count()).select_from(OrderHold))}


def slow_figures(session, tz) -> dict:
    """What changes over minutes, not seconds: throughput per hour, returns by reason and value,
    low-stock alerts (server/floor.py counts them at most every ``charts_every`` seconds)."""
    returns = stats.returns_by_reason(session)
    return {"throughput": stats.throughput(session, tz), "operators": stats.per_operator(session, tz),
            "returns": returns,
            "return_reasons": {row["reason"]: row["count"] for row in returns},
            "low_stock": stats.low_stock(session)}


def _rates(session) -> dict:
    """Floor speed and trouble: scans and exceptions in the last 15 minutes, parcels in the last hour."""
    now = utcnow()
    recent = select(ScanEvent.outcome, func.count()).where(ScanEvent.received_at >= now - timedelta(minutes=15))
    outcomes = dict(session.execute(recent.group_by(ScanEvent.outcome)).all())
    shipped = session.scalar(select(func.count()).select_from(Package)
                             .where(Package.shipped_at >= now - timedelta(hours=1)))
    good = sum(n for outcome, n in outcomes.items() if outcome in GOOD_SCANS)
    return {"scans_15m": sum(outcomes.values()), "exceptions_15m": sum(outcomes.values()) - good,
            "parcels_1h": shipped, "exceptions_by_kind": {k: n for k, n in outcomes.items() if k not in GOOD_SCANS}}
