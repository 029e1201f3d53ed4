"""What a station should show now: the reply to every station request (docs/protocol.md)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from server.domain import messages
from server.domain.returns import ReturnedUnit, refund_due
from server.domain.states import MessageLevel, ScreenState
from server.models import PrintJob, Return, Station, Task, TaskLine


def message(station: Station, level: MessageLevel | str, key: str, /, **params) -> dict:
    # MessageLevel(...) refuses a level the station screen would not know how to draw.
    return {"level": str(MessageLevel(level)), "code": key, "text": messages.text(key, station.locale, **params)}


def reply(state: ScreenState, *, message: dict | None = None, task: dict | None = None,
          prints: list[dict] | None = None, rma: dict | None = None, duplicate: bool = False) -> dict:
    return {"state": str(state), "message": message, "task": task, "print": prints or [],
            "rma": rma, "duplicate": duplicate}


def task_view(task: Task) -> dict:
    lines = [_line_view(line) for line in task.lines]
    next_line = next((line for line in lines if line["done"] < line["quantity"]), None)
    return {
        "id": task.id,
        "kind": task.kind,
        "order": task.order.reference,
        "service_level": task.order.service_level,
        "ship_by": task.order.promised_ship_by.isoformat(),
        "lines": lines,
        "next": next_line,
        "progress": {"done": sum(line["done"] for line in lines),
                     "total": sum(line["quantity"] for line in lines)},
    }


def _line_view(line) -> dict:
    return {"id": line.id, "sku": line.product.sku, "name": line.product.name, "gtin": line.product.gtin,
            "bin": line.bin.code if line.bin else None, "quantity": line.quantity, "done": line.done_qty}


def print_view(job: PrintJob) -> dict:
    return {"job_id": job.id, "kind": job.kind, "zpl": job.zpl}


def current_task(session, station: Station) -> Task | None:
    # Everything the screen shows, in one round of queries: lines, products, bins, order.
    return session.scalars(select(Task).where(Task.station_id == station.id, Task.status == "assigned")
                           .options(joinedload(Task.order),
                                    selectinload(Task.lines).options(joinedload(TaskLine.product),
                                                                     joinedload(TaskLine.bin)))
                           .order_by(Task.id).limit(1)).first()


def pending_prints(session, station: Station) -> list[PrintJob]:
    return list(session.scalars(select(PrintJob).where(PrintJob.station_id == station.id,
                                                       PrintJob.status.in_(("queued", "failed")))
                                .order_by(PrintJob.id)))


def idle_state(station: Station) -> ScreenState:
    return ScreenState.RETURN_SCAN if station.role == "returns" else ScreenState.IDLE


def screen_for(session, station: Station, message: dict | None = None, duplicate: bool = False,
               task: Task | None = None) -> dict:
    """The screen a station should be on, rebuilt from the database (after a reconnect too).

    ``task``: the station's current task when the caller already holds it (saves a query).
    """
    jobs = pending_prints(session, station)
    if jobs:
        return reply(ScreenState.PRINT_LABEL, message=message, prints=[print_view(j) for j in jobs],
                     duplicate=duplicate)
    task = task if task is not None else current_task(session, station)
    if task is not None:
        state = ScreenState.PICK if task.kind == "pick" else ScreenState.PACK
        return reply(state, message=message, task=task_view(task), duplicate=duplicate)
    return reply(idle_state(station), message=message, duplicate=duplicate)


def rma_view(case: Return) -> dict:
    order = case.order
    customer, address = order.customer, order.ship_address
    lines = [{"id": line.id, "sku": line.order_line.product.sku, "name": line.order_line.product.name,
              "quantity": line.quantity, "unit_price_cents": line.order_line.unit_price_cents,
              "reason": line.reason, "grade": line.grade} for line in case.lines]
    return {
        "rma": case.rma, "status": case.status, "reason": case.reason,
        "order": {"reference": order.reference, "channel": order.channel, "external_id": order.external_id,
                  "total_cents": order.total_cents, "currency": order.currency},
        "customer": {"name": customer.name, "email": customer.email,
                     "address": {"line1": address.line1, "line2": address.line2,
                                 "postal_code": address.postal_code, "city": address.city,
                                 "country": address.country}},
        "lines": lines,
        "refund": {"amount_cents": refund_for(case), "currency": order.currency},
    }


def refund_for(case: Return) -> int:
    return refund_due(ReturnedUnit(line.order_line.unit_price_cents, line.quantity) for line in case.lines)
