"""What a station draws: the screen of its session's state (docs/protocol.md, "The screen").

One drawer per state that shows more than its title; a new state with data to show adds its
drawer here.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import select

from labels import LabelDataError

from server.domain.returns import ReturnedUnit, refund_due
from server.domain.scenarios import SCENARIOS, Say, Session
from server.domain.scenarios.pick_batch import next_line
from server.models import PrintJob, Return, Station
from server.services.refunds import find_refund, refund_view
from server.services import pack_screens
from server.services.sessions import DbFacts, HeldLine, HeldTask
from wire import texts
from wire.contract import MAX_SCREEN_LABEL_BYTES, Action, ScreenState, empty_screen

log = logging.getLogger(__name__)


def message(station: Station, say: Say | None, locale: str | None = None) -> dict | None:
    if say is None:
        return None
    locale = locale or station.locale
    return {"level": str(say.level), "code": say.key,
            "text": texts.text(say.key, locale, **_in_words(say.params, locale))}


def _in_words(params: dict, locale: str) -> dict:
    """A printer's problem reported as its key (``paper_out``) is said in words ("out of paper")."""
    error = params.get("error")
    if isinstance(error, str) and f"printer.{error}" in texts.CATALOG:
        return {**params, "error": texts.text(f"printer.{error}", locale)}
    return params


def draw(station: Station, session: Session, facts: DbFacts, say: Say | None = None,
         duplicate: bool = False) -> dict:
    screen = empty_screen(session.state)
    screen.update(scenario=session.scenario, duplicate=duplicate, operator=pack_screens.operator_view(session),
                  message=message(station, say, pack_screens.locale_of(session, station.locale)),
                  actions=[str(action) for action in SCENARIOS[session.scenario].actions(session.state)])
    drawer = DRAWERS.get(session.state)
    if drawer is not None:
        drawer(screen, session, facts)
    pack_screens.draw(screen, session, facts)
    return screen


def _draw_task(screen: dict, session: Session, facts: DbFacts) -> None:
    if facts.held_task is not None:
        screen["task"] = task_view(facts.held_task)


def _draw_pick(screen: dict, session: Session, facts: DbFacts) -> None:
    """The pick task, with the bin the picker stands at (``at_bin``), whether the next line's bin
    label must be scanned first (``scan_bin``), units declared short per line, an order stopped short."""
    task = facts.held_task
    if task is None:
        return
    view = task_view(task)
    at_bin = session.context.get("bin")
    for line, held in zip(view["lines"], task.lines):
        line["short"] = held.short
    following = view["next"]
    view.update(at_bin=at_bin, short=task.short,
                scan_bin=bool(following and facts.pick_rules().needs_bin_scan(following["bin"] or "")
                              and following["bin"] != at_bin))
    screen["task"] = view


def _draw_batch(screen: dict, session: Session, facts: DbFacts) -> None:
    """The cart: each order's tote and progress, the next unit to pick, the tote it goes in."""
    tasks = {task.id: task for task in facts.held}
    ids = [task_id for task_id in session.context.get("tasks") or [] if task_id in tasks]
    totes = session.context.get("totes") or {}
    orders = [{"slot": slot, "task_id": task_id, "order": tasks[task_id].order,
               "tote": totes.get(str(task_id)), "progress": _progress(tasks[task_id].lines)}
              for slot, task_id in enumerate(ids, start=1)]
    upcoming = next_line(tuple(facts.batch()), facts.layout())
    following = None
    if upcoming is not None:
        task, line = upcoming
        following = {**_line_view(tasks[task.id].line(line.line_id)),
                     "slot": ids.index(task.id) + 1 if task.id in ids else None, "tote": task.tote,
                     "order": task.order}
    screen["batch"] = {"orders": orders, "next": following, "put": session.context.get("put")}


def _draw_labels(screen: dict, session: Session, facts: DbFacts) -> None:
    # Labels moved to a fleet printer (the backup key) are the spooler's: waited for, not printed here.
    own = [job for job in facts.pending_jobs if job.printer_id is None]
    screen["print"] = [print_view(job) for job in own]
    refused = any(job.status == "failed" for job in own)
    if not (refused and facts.backup_printer()):  # the backup key only when it can do something
        screen["actions"] = [name for name in screen["actions"] if name != Action.BACKUP_PRINTER]


def _draw_return(screen: dict, session: Session, facts: DbFacts) -> None:
    case = facts.return_row(session.context.get("return_id"))
    if case is not None:
        screen["rma"] = desk_view(facts.db, case, session.context)


def add_return_label(uow, screen: dict, session: Session) -> None:
    """The parcel's return label, as Colis made it, in ``screen["rma"]["label"]``: ``{zpl, printed}``
    (the last one printed for the RMA, else as the desk's printer would print it), or None when it
    cannot be drawn. Only on the screen that opens a parcel at the desk and on screens the station
    may be the first to see (hello, a replayed scan): the station keeps it while the same RMA is
    open, so the few KB do not ride on every scan's answer (docs/protocol.md, "The return label")."""
    if not screen.get("rma"):
        return
    from server.services.label_pictures import return_label_source

    case = uow.session.get(Return, session.context.get("return_id"))  # loaded by the drawer: no read
    try:
        found = return_label_source(uow, case) if case is not None else None
    except LabelDataError as exc:  # the order's data cannot make a label: the desk shows none
        log.info("return label %s not drawn for the desk: %s", screen["rma"]["rma"], exc)
        found = None
    zpl = found[0].decode("utf-8", "replace") if found is not None else None
    if zpl is not None and len(zpl.encode("utf-8")) > MAX_SCREEN_LABEL_BYTES:
        log.warning("return label %s is %d bytes: too big for the desk's screen", screen["rma"]["rma"], len(zpl))
        zpl = None
    screen["rma"]["label"] = {"zpl": zpl, "printed": found[1]} if zpl is not None else None


def _draw_count(screen: dict, session: Session, facts: DbFacts) -> None:
    if facts.held_task is not None and facts.held_task.kind == "count":
        screen["task"] = count_view(facts.held_task, session.context.get("counted") or {})


DRAWERS: dict[ScreenState, Callable[[dict, Session, DbFacts], None]] = {
    ScreenState.PICK: _draw_pick,
    ScreenState.PACK: _draw_task,
    ScreenState.CHOOSE_BOX: _draw_task,
    ScreenState.WEIGH: _draw_task,
    ScreenState.PRINT_LABEL: _draw_labels,
    ScreenState.BIND_TOTES: _draw_batch,
    ScreenState.BATCH_PICK: _draw_batch,
    ScreenState.PUT_TOTE: _draw_batch,
    ScreenState.RETURN_INSPECT: _draw_return,
    ScreenState.COUNT_BIN: _draw_count,
    ScreenState.COUNT: _draw_count,
}


def count_view(task: HeldTask, counted: dict) -> dict:
    """A count in the task view's shape: ``quantity`` is expected, ``done`` counted so far."""
    lines = [{**_line_view(line), "done": int(counted.get(str(line.id), 0))} for line in task.lines]
    return {
        "id": task.id, "kind": task.kind, "order": None, "reason": task.reason,
        "bin": next((line["bin"] for line in lines if line["bin"]), None),
        "lines": lines,
        "next": next((line for line in lines if line["done"] < line["quantity"]), None),
        "progress": {"done": sum(line["done"] for line in lines), "total": sum(line["quantity"] for line in lines)},
    }


def task_view(task: HeldTask) -> dict:
    lines = [_line_view(line) for line in task.lines]
    return {
        "id": task.id,
        "kind": task.kind,
        "order": task.order,
        "tote": task.tote,  # where the order's units wait (batch picking)
        "service_level": task.service_level,
        "ship_by": task.ship_by.isoformat() if task.ship_by else None,
        "lines": lines,
        "next": next((line for line in lines if line["done"] < line["quantity"]), None),
        "progress": _progress(task.lines),
    }


def _line_view(line: HeldLine) -> dict:
    return {"id": line.id, "sku": line.sku, "name": line.name, "gtin": line.gtin, "bin": line.bin,
            "quantity": line.quantity, "done": line.done}


def _progress(lines: list[HeldLine]) -> dict:
    return {"done": sum(line.done for line in lines), "total": sum(line.quantity for line in lines)}


def print_view(job: PrintJob) -> dict:
    return {"job_id": job.id, "kind": job.kind, "zpl": job.zpl}


def rma_view(case: Return, seen: dict | None = None) -> dict:
    """The parcel, its order and customer and the lines expected back (without the refund)."""
    order = case.order
    customer, address = order.customer, order.ship_address
    seen = seen or {}
    lines = [{"id": line.id, "sku": line.order_line.product.sku, "name": line.order_line.product.name,
              "gtin": line.order_line.product.gtin, "quantity": line.quantity,
              "unit_price_cents": line.order_line.unit_price_cents, "reason": line.reason, "grade": line.grade,
              "location": line.location, "extra": line.extra, "note": line.note or "",
              "seen": line.quantity if line.grade not in (None, "missing") else int(seen.get(str(line.id), 0))}
             for line in case.lines]
    return {
        "rma": case.rma, "status": str(case.status), "reason": case.reason,
        "received_at": case.received_at.isoformat() if case.received_at else None,
        "received_by": case.received_by,
        "order": {"reference": order.reference, "channel": order.channel, "external_id": order.external_id,
                  "total_cents": order.total_cents, "currency": order.currency},
        "customer": {"name": customer.name, "email": customer.email,
                     "address": {"line1": address.line1, "line2": address.line2,
                                 "postal_code": address.postal_code, "city": address.city,
                                 "country": address.country}},
        "lines": lines,
        "refund": {"amount_cents": refund_for(case), "currency": order.currency},
    }


def desk_view(db, case: Return, context: dict | None = None) -> dict:
    """What the returns desk shows: ``rma_view``, the refund the policy gives now (a preview until
    every unit is graded) and the one recorded, the order's other returns, and the unit in hand."""
    context = context or {}
    view = rma_view(case)
    refund = refund_view(db, case, db.info.get("refund_policy"))
    view["refund"] = {"amount_cents": refund["quote"]["total_cents"], **refund}
    view["history"] = order_history(db, case)
    unit, put = context.get("unit"), context.get("put")
    view["unit"] = unit if isinstance(unit, int) else None
    view["put"] = put if isinstance(put, dict) else None
    return view


def order_history(db, case: Return) -> list[dict]:
    """The order's other returns: what was already sent back and refunded."""
    others = db.scalars(select(Return).where(Return.order_id == case.order_id, Return.id != case.id)
                        .order_by(Return.id))
    history = []
    for other in others:
        refund = find_refund(db, other)
        history.append({"rma": other.rma, "status": str(other.status),
                        "received_at": other.received_at.isoformat() if other.received_at else None,
                        "units": sum(line.quantity for line in other.lines if line.grade != "missing"),
                        "refund": None if refund is None else {"status": str(refund.status),
                                                               "amount_cents": refund.amount_cents}})
    return history


def refund_for(case: Return) -> int:
    return refund_due(ReturnedUnit(line.order_line.unit_price_cents, line.quantity) for line in case.lines)
