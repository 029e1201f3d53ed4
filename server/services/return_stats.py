"""Return analytics: units and value by reason, SKU, channel and week, and the CSV export.

Value is what the returned units were sold for (price × quantity, before the refund policy);
the refund actually recorded is in the export beside it. A CSV cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is neutralised with a
leading apostrophe (OWASP's CSV injection advice): customer text reaches these cells.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from server.models import Order, OrderLine, Refund, Return, ReturnLine
from server.models._types import utcnow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("rma", "opened_at", "order", "channel", "sku", "product", "reason", "quantity", "value_cents",
               "currency", "grade", "return_status", "refund_status", "refund_cents", "source")
DIMENSIONS = ("reason", "sku", "channel", "week")


def rows(session, since: datetime | None = None) -> list[dict]:
    """One row per return line opened since ``since`` (default: 90 days), oldest first."""
    since = since or utcnow() - timedelta(days=90)
    query = (select(ReturnLine, Return, Order, OrderLine, Refund)
             .join(Return, ReturnLine.return_id == Return.id).join(Order, Return.order_id == Order.id)
             .join(OrderLine, ReturnLine.order_line_id == OrderLine.id)
             .outerjoin(Refund, Refund.return_id == Return.id)
             .where(Return.created_at >= since).order_by(Return.id, ReturnLine.id)
             .options(joinedload(OrderLine.product)))
    found = []
    for line, case, order, order_line, refund in session.execute(query):
        year, week, _ = case.created_at.isocalendar()
        found.append({
            "rma": case.rma, "opened_at": case.created_at.isoformat(timespec="seconds"), "order": order.reference,
            "channel": order.channel, "sku": order_line.product.sku, "product": order_line.product.name,
            "reason": line.reason or case.reason, "quantity": line.quantity,
            "value_cents": line.quantity * order_line.unit_price_cents, "currency": order.currency,
            "grade": line.grade or "", "return_status": str(case.status),
            "refund_status": str(refund.status) if refund else "", "refund_cents": refund.amount_cents if refund else 0,
            "source": case.source, "week": f"{year}-W{week:02d}"})
    return found


def summary(found: list[dict]) -> dict[str, list[dict]]:
    """Per dimension, ``[{"key", "returns", "units", "value_cents"}]``, the largest value first."""
    result = {}
    for dimension in DIMENSIONS:
        groups: dict[str, dict] = defaultdict(lambda: {"rmas": set(), "units": 0, "value_cents": 0})
        for row in found:
            group = groups[row[dimension]]
            group["rmas"].add(row["rma"])
            group["units"] += row["quantity"]
            group["value_cents"] += row["value_cents"]
        ordered = sorted(groups.items(), key=lambda item: (-item[1]["value_cents"], item[0]))
        if dimension == "week":
            ordered = sorted(groups.items())
        result[dimension] = [{"key": key, "returns": len(group["rmas"]), "units": group["units"],
                              "value_cents": group["value_cents"]} for key, group in ordered]
    return result


def neutralised(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(found: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        writer.writerow([neutralised(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
