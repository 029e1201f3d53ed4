"""What the orders pages read: the list with its filters and search, and one order whole
(lines, customer, parcels and print jobs, returns and refunds, holds, timeline).

Read-only; one query per part. A search term is tried as everything a supervisor may have in
hand: an order reference or number, a customer's name or e-mail, a tracking number, an SSCC
(bare, with its AI 00 or in brackets), an RMA, or the channel's own order number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import and_, func, or_, select

from server.carriers import SERVICES
from server.models import (AuditEvent, Customer, Order, Package, PrintJob, Refund, Return, ScanEvent, Station,
                           Task, TaskLine, User)
from server.models._types import utcnow
from server.models.orders import OrderHold, Wave
from server.services.customer_search import matching_customers
from server.services.floor_stats import OPEN

PAGE_SIZE = 50
_SSCC = re.compile(r"^(?:\(00\)|00)?(\d{18})$")


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    status: str = ""
    channel: str = ""
    carrier: str = ""        # a carrier service code (the order's own, else its level's usual one)
    late: bool = False
    on_hold: bool = False
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def _matching_ids(session, term: str, conditions: list, wanted: int):
    """Order ids a search term names (a subquery), or None for no search. ``conditions`` are the
    page's filters; ``wanted`` how many of the newest matches the page can show at most."""
    term = " ".join(term.split())[:100]
    if not term:
        return None
    upper = term.upper()
    ids = [select(Order.id).where(Order.external_id == term)]
    number = _order_id(term)
    if number is not None:
        ids.append(select(Order.id).where(Order.id == number))
    sscc = _SSCC.match(term.replace(" ", ""))
    if sscc:
        ids.append(select(Package.order_id).where(Package.sscc == sscc.group(1)))
    ids.append(select(Package.order_id).where(Package.tracking_number == upper))
    ids.append(select(Return.order_id).where(Return.rma == upper))
    # A piece of a name or an e-mail, without case or accents, through the search index. A
    # surname may name thousands of orders: only the newest the page can show, filtered, so
    # that PostgreSQL may walk the orders newest first and stop (a few ms) instead of
    # gathering every one of them (200 ms at a million orders, bench/README.md).
    customers = (select(Order.id).where(Order.customer_id.in_(matching_customers(session, term)), *conditions)
                 .order_by(Order.id.desc()).limit(wanted).subquery())
    ids.append(select(customers.c.id))
    return ids[0].union(*ids[1:]).subquery()


def _conditions(filters: OrderFilters, tz: tzinfo) -> list:
    """The list's filters, as conditions on the order alone."""
    conditions = []
    if filters.status:
        conditions.append(Order.status == filters.status)
    if filters.channel:
        conditions.append(Order.channel == filters.channel)
    if filters.carrier:
        levels = [level for level, (_, code) in SERVICES.items() if code == filters.carrier]
        conditions.append(or_(Order.carrier_service == filters.carrier,
                              and_(Order.carrier_service.is_(None), Order.service_level.in_(levels))))
    if filters.late:
        conditions.append(and_(Order.status.in_(OPEN), Order.promised_ship_by < utcnow()))
    if filters.on_hold:
        conditions.append(Order.id.in_(select(OrderHold.order_id)))
    if filters.date_from:
        conditions.append(Order.created_at >= datetime.combine(filters.date_from, time(), tzinfo=tz))
    if filters.date_to:
        conditions.append(Order.created_at < datetime.combine(filters.date_to + timedelta(days=1), time(), tzinfo=tz))
    return conditions


def list_orders(session, filters: OrderFilters, tz: tzinfo) -> tuple[list, bool]:
    """One page of orders (newest first) and whether there is another."""
    page = max(1, filters.page)
    conditions = _conditions(filters, tz)
    query = select(Order, Customer.name, Customer.email, OrderHold.reason).join(
        Customer, Customer.id == Order.customer_id).outerjoin(OrderHold, OrderHold.order_id == Order.id)
    matching = _matching_ids(session, filters.q, conditions, page * PAGE_SIZE + 1)
    if matching is not None:
        query = query.where(Order.id.in_(select(matching.c[0])))
    rows = session.execute(query.where(*conditions).order_by(Order.id.desc()).offset((page - 1) * PAGE_SIZE)
                           .limit(PAGE_SIZE + 1)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def channels(session) -> list[str]:
    return list(session.scalars(select(Order.channel).distinct().order_by(Order.channel)))


def _order_id(reference: str) -> int | None:
    """The order id a reference names, if it can be one (an SSCC is digits too, but too long)."""
    number = Order.id_from_reference(reference)
    return number if number is not None and 0 < number < 2**31 else None


def find_order(session, reference: str) -> Order | None:
    number = _order_id(reference)
    return session.get(Order, number) if number is not None else None


def picked_quantities(session, order_id: int) -> dict[int, int]:
    """Units picked per order line (the pick tasks' done counts)."""
    rows = session.execute(select(TaskLine.order_line_id, func.sum(TaskLine.done_qty)).join(Task)
                           .where(Task.order_id == order_id, Task.kind == "pick", Task.status != "cancelled")
                           .group_by(TaskLine.order_line_id)).all()
    return {line_id: int(n or 0) for line_id, n in rows}


def parcels(session, order_id: int) -> list[tuple[Package, list[PrintJob]]]:
    packages = list(session.scalars(select(Package).where(Package.order_id == order_id).order_by(Package.id)))
    jobs = session.scalars(select(PrintJob).where(PrintJob.package_id.in_([p.id for p in packages]))
                           .order_by(PrintJob.id)).all() if packages else []
    return [(package, [job for job in jobs if job.package_id == package.id]) for package in packages]


def returns_of(session, order_id: int) -> list[tuple[Return, list[Refund]]]:
    cases = list(session.scalars(select(Return).where(Return.order_id == order_id).order_by(Return.id)))
    return [(case, list(case.refunds)) for case in cases]


def timeline(session, order: Order) -> list[dict]:
    """Everything that happened to the order, oldest first: audited changes (status, holds,
    labels…), scans of its tasks and returns, print jobs of its parcels — each with who and where."""
    tasks = list(session.scalars(select(Task.id).where(Task.order_id == order.id)))
    cases = session.execute(select(Return.id, Return.rma).where(Return.order_id == order.id)).all()
    packages = list(session.scalars(select(Package.id).where(Package.order_id == order.id)))
    jobs = list(session.scalars(select(PrintJob).where(PrintJob.package_id.in_(packages)))) if packages else []
    subjects = [f"order:{order.reference}"] + [f"task:{t}" for t in tasks] + [f"rma:{rma}" for _, rma in cases]
    subjects += [f"job:{job.id}" for job in jobs]
    audited = session.execute(select(AuditEvent).where(AuditEvent.subject.in_(subjects))
                              .order_by(AuditEvent.id)).scalars()
    items = [{"at": row.at, "kind": "audit", "actor": row.actor, "event": dict(row.detail or {}, type=row.action)}
             for row in audited]
    # Who scanned: the operator signed in at the station then, else the station itself.
    scans = session.execute(select(ScanEvent, Station.code, User.username)
                            .join(Station, Station.id == ScanEvent.station_id)
                            .outerjoin(User, User.id == ScanEvent.operator_id)
                            .where(or_(ScanEvent.task_id.in_(tasks or [-1]),
                                       ScanEvent.return_id.in_([case_id for case_id, _ in cases] or [-1])))
                            .order_by(ScanEvent.id)).all()
    items += [{"at": scan.received_at, "kind": "scan", "actor": f"user:{user}" if user else f"station:{code}",
               "event": {"type": "scan_recorded", "station": code, "raw": scan.raw, "outcome": scan.outcome}}
              for scan, code, user in scans]
    where = _print_places(session, jobs)
    items += [{"at": job.created_at, "kind": "print", "where": where(job),
               "actor": job.requested_by or (f"station:{where(job)}" if job.station_id else "system"),
               "job": job} for job in jobs]
    items += _wave_release(session, order)
    return sorted(items, key=lambda item: item["at"])


def _wave_release(session, order: Order) -> list[dict]:
    """The wave that sent the order to the floor: who released it, when, and which wave. The
    ``wave_released`` audit row is one per wave and names no order, so the wave's own row
    (one read by key) says it for each of its orders."""
    if order.wave_id is None:
        return []
    wave = session.get(Wave, order.wave_id)
    if wave is None:
        return []
    return [{"at": wave.released_at, "kind": "audit", "actor": wave.actor,
             "event": {"type": "wave_released", "wave": wave.id, "orders": wave.orders, "trigger": wave.trigger}}]


def _print_places(session, jobs: list[PrintJob]):
    """The station or fleet printer each label went to (``where(job)``), read for all the jobs
    at once: two queries at most, whatever the number of labels."""
    from server.models import Printer

    station_ids = {job.station_id for job in jobs if job.station_id}
    printer_ids = {job.printer_id for job in jobs if not job.station_id and job.printer_id}
    stations = dict(session.execute(select(Station.id, Station.code).where(Station.id.in_(station_ids)))
                    .all()) if station_ids else {}
    printers = dict(session.execute(select(Printer.id, Printer.name).where(Printer.id.in_(printer_ids)))
                    .all()) if printer_ids else {}

    def where(job: PrintJob) -> str:
        if job.station_id:
            return stations.get(job.station_id, "")
        return printers.get(job.printer_id, "") if job.printer_id else ""
    return where


def handed_over(session, order_id: int) -> dict | None:
    """The order is off the packing benches, waiting for a supervisor (issue 12): why, who and
    where (the packer's last hand-over), else None. Only then may the page send it back."""
    waiting = session.scalar(select(Task.id).where(Task.order_id == order_id, Task.kind == "pack",
                                                    Task.status == "open", Task.released.is_(False)))
    if waiting is None:
        return None
    last = session.scalars(select(AuditEvent).where(AuditEvent.subject == f"order:{Order.reference_of(order_id)}",
                                                    AuditEvent.action == "order_handed_over")
                           .order_by(AuditEvent.id.desc()).limit(1)).first()
    detail = dict(last.detail or {}) if last is not None else {}
    return {"task_id": waiting, "reason": detail.get("reason") or "", "station": detail.get("station") or "",
            "operator": detail.get("operator") or "", "at": last.at if last is not None else None}
