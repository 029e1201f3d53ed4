"""The order life cycle through the services, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from server import carriers
from server.models import AuditEvent, Order, Package, PrintJob, ScanEvent, Station, Stock, Task
from server.services import dispatch, printing, scans
from server.services.allocation import InsufficientStock, allocate_new_orders, allocate_order
from server.services.returns import ReturnNotAllowed, authorize_return
from tests.factories import add_item, add_order, add_station


def scan(floor, station_id: int, raw: str, scan_id: str | None = None, symbology: str | None = None) -> dict:
    cmd = scans.ScanCommand(scan_id or str(uuid.uuid4()), raw, symbology, datetime.now(timezone.utc))
    with floor.uow() as uow:
        return scans.record_scan(uow, uow.session.get(Station, station_id), cmd)


def request_task(floor, station_id: int) -> dict:
    with floor.uow() as uow:
        return dispatch.request_task(uow, uow.session.get(Station, station_id))


def pick_and_pack(floor, order_ready) -> dict:
    """Pick then pack the whole order through the services; returns the packer's last screen."""
    units = (order_ready["lamp"].gtin, order_ready["lamp"].gtin, order_ready["mug"].gtin)
    for role in ("pick", "pack"):
        request_task(floor, order_ready[role])
        for gtin in units:
            reply = scan(floor, order_ready[role], gtin)
    return reply


@pytest.fixture
def order_ready(floor):
    """One allocated order: 2 lamps and 1 mug, with a picker, a packer and a returns desk."""
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe Émeraude", on_hand=5), add_item(uow, "Mug 33 cl", on_hand=3)
        order = add_order(uow, [(lamp, 2), (mug, 1)], service_level="express")
        allocate_order(uow, order.id)
        stations = {role: add_station(uow, f"{role.upper()}-01", role)[0] for role in ("pick", "pack", "returns")}
        uow.commit()
        return {"order_id": order.id, "lamp": lamp, "mug": mug, **stations}


def test_allocation_reserves_stock_and_queues_a_pick_task_in_path_order(floor, order_ready):
    with floor.uow() as uow:
        lamp_stock = uow.session.scalars(select(Stock).where(Stock.product_id == order_ready["lamp"].product_id)).one()
        task = uow.session.scalars(select(Task).where(Task.order_id == order_ready["order_id"])).one()
        assert (lamp_stock.on_hand, lamp_stock.reserved) == (5, 2)
        assert (task.kind, task.status, task.priority) == ("pick", "open", 0)
        bins = [line.bin.code for line in task.lines]
        assert len(bins) == 2 and uow.session.get(Order, order_ready["order_id"]).status == "allocated"


def test_an_order_short_of_stock_is_backordered_and_reserves_nothing(floor):
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe", on_hand=5), add_item(uow, "Mug", on_hand=1)
        order = add_order(uow, [(lamp, 1), (mug, 2)])
        uow.commit()
    with floor.uow() as uow, pytest.raises(InsufficientStock) as raised:
        allocate_order(uow, order.id)
    assert raised.value.shortages[0].sku == mug.sku
    with floor.uow() as uow:
        allocated, backordered = allocate_new_orders(uow)
        uow.commit()
    assert (allocated, backordered) == (0, 1)
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.sum(Stock.reserved))) == 0
        assert uow.session.get(Order, order.id).status == "backordered"


def test_the_whole_life_cycle_from_pick_to_return(floor, order_ready):
    lamp, mug = order_ready["lamp"], order_ready["mug"]
    screen = request_task(floor, order_ready["pick"])
    assert screen["state"] == "pick" and screen["task"]["progress"] == {"done": 0, "total": 3}

    wrong = scan(floor, order_ready["pick"], "3760123456784")
    assert wrong["message"]["code"] == "wrong_item" and wrong["message"]["level"] == "error"
    for gtin in (lamp.gtin, lamp.gtin):
        assert scan(floor, order_ready["pick"], gtin)["message"]["level"] == "ok"
    assert scan(floor, order_ready["pick"], lamp.gtin)["message"]["code"] == "too_many"
    done = scan(floor, order_ready["pick"], mug.gtin)
    assert done["state"] == "idle" and done["message"]["code"] == "pick_done"

    pack = request_task(floor, order_ready["pack"])
    assert pack["state"] == "pack" and pack["task"]["order"] == f"CO-{order_ready['order_id']:07d}"
    for gtin in (mug.gtin, lamp.gtin, lamp.gtin):
        reply = scan(floor, order_ready["pack"], gtin)
    assert reply["state"] == "print_label"
    job = reply["print"][0]
    assert job["zpl"].startswith("^XA") and "^CI28" in job["zpl"]

    with floor.uow() as uow:
        package = uow.session.scalars(select(Package)).one()
        assert len(package.sscc) == 18 and carriers.tracking_format_ok(package.carrier, package.tracking_number)
        assert package.weight_g == 900
        station = uow.session.get(Station, order_ready["pack"])
        shipped = printing.confirm_print(uow, station, job["job_id"], ok=True)
    assert shipped["state"] == "idle" and shipped["message"]["code"] == "label_printed"

    with floor.uow() as uow:
        order = uow.session.get(Order, order_ready["order_id"])
        assert order.status == "shipped"
        lamp_stock = uow.session.scalars(select(Stock).where(Stock.product_id == lamp.product_id)).one()
        assert (lamp_stock.on_hand, lamp_stock.reserved) == (3, 0)
        case = authorize_return(uow, order.id, [(order.lines[0].id, 1)], "wrong_size")
        uow.commit()
        rma = case.rma

    inspect = scan(floor, order_ready["returns"], rma.lower())
    assert inspect["state"] == "return_inspect"
    assert inspect["rma"]["customer"]["name"] == "Élodie Dupré"
    refund = inspect["rma"]["refund"]  # the policy's quote until every unit is graded
    assert (refund["amount_cents"], refund["currency"], refund["recorded"]) == (1990, "EUR", None)
    assert refund["quote"]["graded"] is False
    assert inspect["rma"]["lines"][0]["quantity"] == 1


def test_a_replayed_scan_is_applied_once(floor, order_ready):
    request_task(floor, order_ready["pick"])
    scan_id = str(uuid.uuid4())
    first = scan(floor, order_ready["pick"], order_ready["lamp"].gtin, scan_id)
    again = scan(floor, order_ready["pick"], order_ready["lamp"].gtin, scan_id)
    assert first["task"]["progress"]["done"] == 1 and not first["duplicate"]
    assert again["duplicate"] and again["task"]["progress"]["done"] == 1
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ScanEvent)) == 1


def test_a_failed_label_stays_queued_and_can_be_printed_again(floor, order_ready):
    job_id = pick_and_pack(floor, order_ready)["print"][0]["job_id"]
    with floor.uow() as uow:
        failed = printing.confirm_print(uow, uow.session.get(Station, order_ready["pack"]), job_id, False, "paper_out")
    assert failed["state"] == "print_label" and failed["message"]["level"] == "error"
    assert failed["print"][0]["job_id"] == job_id
    again = request_task(floor, order_ready["pack"])  # e.g. after a reconnect: still the label
    assert again["state"] == "print_label"
    with floor.uow() as uow:
        assert uow.session.get(PrintJob, job_id).status == "failed"
        assert uow.session.get(Order, order_ready["order_id"]).status == "packed"


def test_a_failure_reported_after_the_label_printed_changes_nothing(floor, order_ready):
    job_id = pick_and_pack(floor, order_ready)["print"][0]["job_id"]
    with floor.uow() as uow:
        printing.confirm_print(uow, uow.session.get(Station, order_ready["pack"]), job_id, ok=True)
    with floor.uow() as uow:  # a stale report, replayed after an outage
        late = printing.confirm_print(uow, uow.session.get(Station, order_ready["pack"]), job_id, False, "paper_out")
    assert late["state"] == "idle" and late["print"] == []
    with floor.uow() as uow:
        assert uow.session.get(PrintJob, job_id).status == "printed"
        assert uow.session.get(Order, order_ready["order_id"]).status == "shipped"


def test_scans_at_a_station_without_a_task_are_refused_and_recorded(floor, order_ready):
    reply = scan(floor, order_ready["pack"], order_ready["lamp"].gtin)
    assert reply["message"]["code"] == "no_task" and reply["state"] == "idle"
    with floor.uow() as uow:
        event = uow.session.scalars(select(ScanEvent)).one()
        assert (event.kind, event.outcome) == ("item", "no_task")


def test_a_replayed_rma_scan_shows_the_same_return_again(floor, order_ready):
    job_id = pick_and_pack(floor, order_ready)["print"][0]["job_id"]
    with floor.uow() as uow:
        printing.confirm_print(uow, uow.session.get(Station, order_ready["pack"]), job_id, ok=True)
    with floor.uow() as uow:
        order = uow.session.get(Order, order_ready["order_id"])
        rma = authorize_return(uow, order.id, [(order.lines[1].id, 1)], "damaged").rma
        uow.commit()
    scan_id = str(uuid.uuid4())
    first = scan(floor, order_ready["returns"], rma, scan_id)
    again = scan(floor, order_ready["returns"], rma, scan_id)  # the ack was lost: the station replays
    assert again["duplicate"] and again["state"] == "return_inspect"
    assert again["rma"] == first["rma"]


def test_the_returns_desk_refuses_unknown_rmas_and_non_rma_codes(floor, order_ready):
    assert scan(floor, order_ready["returns"], "RMA99999999")["message"]["code"] == "rma_unknown"
    assert scan(floor, order_ready["returns"], "A-01-01-1")["message"]["code"] == "not_an_rma"
    # An item is noted for a parcel with no paperwork (tests/integration/test_returns_desk.py).
    assert scan(floor, order_ready["returns"], order_ready["lamp"].gtin)["message"]["code"] == "return_items_noted"


def test_an_unshipped_order_cannot_be_returned(floor, order_ready):
    with floor.uow() as uow, pytest.raises(ReturnNotAllowed):
        authorize_return(uow, order_ready["order_id"], [], "changed_mind")


def test_every_state_change_is_in_the_audit_trail_with_who(floor, order_ready):
    request_task(floor, order_ready["pick"])
    for gtin in (order_ready["lamp"].gtin, order_ready["lamp"].gtin, order_ready["mug"].gtin):
        scan(floor, order_ready["pick"], gtin)
    with floor.uow() as uow:
        trail = [(e.actor, e.action, e.subject) for e in
                 uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    order_ref = f"CO-{order_ready['order_id']:07d}"
    assert trail == [("system", "order_allocated", f"order:{order_ref}"),
                     ("station:PICK-01", "task_assigned", f"order:{order_ref}"),
                     ("station:PICK-01", "task_completed", f"order:{order_ref}")]
