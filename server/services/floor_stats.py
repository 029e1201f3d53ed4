"""The dashboard's figures beyond the counters: open orders by channel, the backlog against each
carrier's cut-off, returns by reason and value, low stock, and throughput per hour.

Each is one grouped query (no rows brought back one by one), so the snapshot stays cheap on a
million orders. Throughput is bucketed by the database per UTC hour, then placed in the floor's
time zone (whole-hour offsets; a half-hour zone would shift buckets by 30 min).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import case, func, select

from server.carriers import SERVICES
from server.domain.shipping.services import BY_CODE, hand_over_day
from server.models import Order, OrderLine, Product, Return, ReturnLine, ScanEvent, Station, Task
from server.models.orders import ReorderPoint
from server.models._types import UtcDateTime, utcnow

OPEN = ("new", "backordered", "allocated", "released", "picking", "short", "picked", "packing", "packed")
PICKED_UNIT = ("counted", "task_complete")  # a pick scan that put one unit in a tote
AT_RISK = timedelta(hours=2)  # an order due within this is at risk (COLIS_DASHBOARD_AT_RISK_MINUTES)


def order_figures(session, tz: tzinfo | None = None, now: datetime | None = None,
                  at_risk: timedelta = AT_RISK) -> dict:
    """Orders by status, the open ones by channel and by carrier service (the order's own, else
    its service level's usual one) with those late (past their ship-by) and at risk (due within
    ``at_risk``) and the service's next cut-off (the carrier catalogue's hand-over, floor time).
    One grouped pass over the orders: the snapshot is taken every few seconds."""
    now = now or utcnow()
    due = Order.promised_ship_by
    rows = session.execute(
        select(Order.status, Order.channel, Order.carrier_service, Order.service_level, func.count(),
               func.sum(case((due < now, 1), else_=0)),
               func.sum(case(((due >= now) & (due < now + at_risk), 1), else_=0)))
        .group_by(Order.status, Order.channel, Order.carrier_service, Order.service_level)).all()
    orders: dict[str, int] = {}
    channels: dict[str, int] = {}
    services: dict[str, dict] = {}
    for status, channel, code, level, total, late, risky in rows:
        orders[str(status)] = orders.get(str(status), 0) + total
        if status not in OPEN:
            continue
        channels[channel] = channels.get(channel, 0) + total
        code = code or SERVICES.get(level, SERVICES["standard"])[1]
        row = services.setdefault(code, {"service": code, "name": service_name(code), "open": 0, "late": 0,
                                         "at_risk": 0, "next_cutoff": _next_cutoff(code, tz, now)})
        row["open"] += total
        row["late"] += int(late or 0)
        row["at_risk"] += int(risky or 0)
    cutoffs = sorted(services.values(), key=lambda row: (row["next_cutoff"] or "9999", row["service"]))
    return {"orders": orders, "channels": channels, "cutoffs": cutoffs,
            "late": sum(row["late"] for row in cutoffs)}


def service_name(code: str) -> str:
    service = BY_CODE.get(code)
    return service.name if service else code.replace("_", " ").title()


def _next_cutoff(code: str, tz: tzinfo | None, now: datetime) -> str | None:
    service = BY_CODE.get(code)
    if service is None or tz is None:
        return None
    local = now.astimezone(tz)
    day = hand_over_day(service, local)
    return datetime.combine(day, service.cutoff, tzinfo=tz).isoformat()


def returns_by_reason(session) -> list[dict]:
    """Returns per reason, with the value of the goods they bring back (price × quantity)."""
    counts = dict(session.execute(select(Return.reason, func.count()).group_by(Return.reason)).all())
    values = dict(session.execute(
        select(Return.reason, func.sum(ReturnLine.quantity * OrderLine.unit_price_cents))
        .join(ReturnLine, ReturnLine.return_id == Return.id)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id).group_by(Return.reason)).all())
    return [{"reason": reason, "count": n, "value_cents": int(values.get(reason) or 0)}
            for reason, n in sorted(counts.items(), key=lambda item: -item[1])]


def low_stock(session, limit: int = 20) -> list[dict]:
    """Products whose low-stock alert is raised (services/stock.py), with what is available now."""
    from server.models import Stock

    available = (select(Stock.product_id, func.sum(Stock.on_hand - Stock.reserved).label("units"))
                 .group_by(Stock.product_id).subquery())
    rows = session.execute(
        select(Product.sku, Product.name, ReorderPoint.point, func.coalesce(available.c.units, 0))
        .join(ReorderPoint, ReorderPoint.product_id == Product.id)
        .outerjoin(available, available.c.product_id == Product.id)
        .where(ReorderPoint.alerted_at.is_not(None)).order_by(Product.sku).limit(limit)).all()
    return [{"sku": sku, "name": name, "reorder_point": point, "available": int(units)}
            for sku, name, point, units in rows]


def per_operator(session, tz: tzinfo, now: datetime | None = None) -> list[dict]:
    """Today's units picked and orders packed per operator, hour by hour (floor time), and their
    rates per hour at work (the hours they scanned or finished something in). Each scan records
    the operator signed in by badge at its station then (``scan_events.operator_id``): a unit
    is its picker's, a packed order is each of its packers' (two if one handed it over).
    Work done with nobody signed in is nobody's. Two grouped queries and the names."""
    from server.models import User

    now = (now or utcnow()).astimezone(tz)
    today = datetime.combine(now.date(), time(), tzinfo=tz)
    since = today.astimezone(utcnow().tzinfo)
    hour = _hour_key(session, ScanEvent.received_at)
    units = session.execute(
        select(hour, ScanEvent.operator_id, func.count()).join(Task, Task.id == ScanEvent.task_id)
        .where(ScanEvent.received_at >= since, ScanEvent.operator_id.is_not(None), Task.kind == "pick",
               ScanEvent.outcome.in_(PICKED_UNIT))
        .group_by(hour, ScanEvent.operator_id)).all()
    done = _hour_key(session, Task.completed_at)
    packed = session.execute(
        select(done, ScanEvent.operator_id, func.count(Task.id.distinct())).join(ScanEvent, ScanEvent.task_id == Task.id)
        .where(Task.kind == "pack", Task.status == "done", Task.completed_at >= since,
               ScanEvent.operator_id.is_not(None))
        .group_by(done, ScanEvent.operator_id)).all()
    ids = {operator for _, operator, _ in (*units, *packed)}
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    table: dict[int, dict] = {}
    for kind, rows in (("units", units), ("packed", packed)):
        for key, operator, n in rows:
            moment = _local(key, tz)
            if moment < today:
                continue
            row = table.setdefault(operator, {"operator": names.get(operator) or "–", "units": 0, "packed": 0,
                                              "hourly": {"units": [0] * 24, "packed": [0] * 24}, "hours": set()})
            row[kind] += n
            row["hourly"][kind][moment.hour] += n
            row["hours"].add(key)
    for row in table.values():
        hours = max(1, len(row.pop("hours")))
        row["units_per_hour"], row["packed_per_hour"] = round(row["units"] / hours, 1), round(row["packed"] / hours, 1)
    return sorted(table.values(), key=lambda row: row["operator"])


def operators_signed_in(session) -> dict[int, str]:
    """Station id → the name of the operator signed in there by badge (the station session's
    context, issue 12's packing bench), for stations that have one."""
    from server.models import StationSession

    rows = session.execute(select(StationSession.station_id, StationSession.context)).all()
    return {station_id: (context or {}).get("operator", {}).get("name")
            for station_id, context in rows if isinstance((context or {}).get("operator"), dict)}


def _hour_key(session, column):
    """The UTC hour of a timestamp as 'YYYY-MM-DD HH', computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)


def throughput(session, tz: tzinfo, now: datetime | None = None) -> dict:
    """Units picked and orders packed per hour, today and yesterday (floor time), and today's
    totals and hourly rate per station."""
    now = (now or utcnow()).astimezone(tz)
    today = datetime.combine(now.date(), time(), tzinfo=tz)
    yesterday = datetime.combine(now.date() - timedelta(days=1), time(), tzinfo=tz)
    since = yesterday.astimezone(utcnow().tzinfo)
    hour = _hour_key(session, ScanEvent.received_at)
    units = session.execute(
        select(hour, ScanEvent.station_id, func.count()).join(Task, Task.id == ScanEvent.task_id)
        .where(ScanEvent.received_at >= since, Task.kind == "pick", ScanEvent.outcome.in_(PICKED_UNIT))
        .group_by(hour, ScanEvent.station_id)).all()
    done = _hour_key(session, Task.completed_at)
    packed = session.execute(
        select(done, Task.station_id, func.count())
        .where(Task.kind == "pack", Task.status == "done", Task.completed_at >= since)
        .group_by(done, Task.station_id)).all()
    codes = dict(session.execute(select(Station.id, Station.code)).all())
    return {"units": _by_hour(units, tz, today, yesterday), "packed": _by_hour(packed, tz, today, yesterday),
            "stations": _per_station(units, packed, codes, tz, today, now), "hour": now.hour,
            "at": utcnow().isoformat()}


def _local(key: str, tz: tzinfo) -> datetime:
    return datetime.strptime(key, "%Y-%m-%d %H").replace(tzinfo=utcnow().tzinfo).astimezone(tz)


def _by_hour(rows, tz: tzinfo, today: datetime, yesterday: datetime) -> dict:
    series = {"today": [0] * 24, "yesterday": [0] * 24}
    for key, _station, n in rows:
        moment = _local(key, tz)
        day = "today" if moment >= today else "yesterday" if moment >= yesterday else None
        if day:
            series[day][moment.hour] += n
    return series


def _per_station(units, packed, codes: dict, tz: tzinfo, today: datetime, now: datetime) -> list[dict]:
    table: dict[str, dict] = {}
    for kind, rows in (("units", units), ("packed", packed)):
        for key, station_id, n in rows:
            if _local(key, tz) < today or station_id not in codes:
                continue
            row = table.setdefault(codes[station_id], {"station": codes[station_id], "units": 0, "packed": 0,
                                                       "hours": set()})
            row[kind] += n
            row["hours"].add(key)
    for row in table.values():
        hours = max(1, len(row.pop("hours")))  # hours with work in them: the station's rate
        row["units_per_hour"] = round(row["units"] / hours, 1)
        row["packed_per_hour"] = round(row["packed"] / hours, 1)
    return sorted(table.values(), key=lambda row: row["station"])


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=utcnow().tzinfo)
    return moment.isoformat()
