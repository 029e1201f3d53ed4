"""A cycle count through the services and the CLI, on SQLite and PostgreSQL: the count task is
created, claimed by a count station, the bin and its units scanned, Done pressed; the stock
follows the count except where units promised to orders are missing, and the trail says so."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import AuditEvent, ScanEvent, Station, Stock, Task
from server.services import operator, steps
from server.services.allocation import allocate_order
from server.services.counting import CountRefused, create_count
from tests.factories import add_item, add_order, add_station
from tests.integration.test_floor_flow import request_task, scan

BIN, OTHER_BIN = "C-01-01-1", "C-09-09-4"


@pytest.fixture
def bin_to_count(floor):
    """Bin C-01-01-1 holds 5 lamps and 3 mugs; a vase lives elsewhere; one count station."""
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe", on_hand=5, bin_code=BIN), add_item(uow, "Mug", on_hand=3, bin_code=BIN)
        vase = add_item(uow, "Vase", on_hand=2, bin_code=OTHER_BIN)
        counter, _ = add_station(uow, "COUNT-01", "count")
        uow.commit()
        return {"lamp": lamp, "mug": mug, "vase": vase, "station": counter}


def new_count(floor, reason: str = "écart signalé au prélèvement") -> tuple[int, list[dict]]:
    with floor.uow() as uow:
        task = create_count(uow, BIN, reason)
        events = list(uow.events)
        uow.commit()
        return task.id, events


def press(floor, station_id: int, name: str, **params) -> dict:
    with floor.uow() as uow:
        return operator.press(uow, uow.session.get(Station, station_id), name, params)


def stock(floor, item) -> tuple[int, int]:
    with floor.uow() as uow:
        row = uow.session.scalars(select(Stock).where(Stock.product_id == item.product_id)).one()
        return row.on_hand, row.reserved


def audit(floor, action: str) -> list[AuditEvent]:
    with floor.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
        uow.session.expunge_all()
        return rows


def test_a_count_lists_what_the_bin_should_hold_and_one_bin_has_one_open_count(floor, bin_to_count):
    task_id, events = new_count(floor)
    assert {"type": "tasks_waiting", "kind": "count"} in events
    with floor.uow() as uow:
        task = uow.session.get(Task, task_id)
        assert (task.kind, task.status, task.order_id, task.reason) == ("count", "open", None,
                                                                        "écart signalé au prélèvement")
        assert sorted((line.product_id, line.bin.code, line.quantity, line.done_qty) for line in task.lines) == [
            (bin_to_count["lamp"].product_id, BIN, 5, 0), (bin_to_count["mug"].product_id, BIN, 3, 0)]
    [created] = audit(floor, "count_created")
    assert created.subject == f"task:{task_id}" and created.detail["bin"] == BIN
    with floor.uow() as uow, pytest.raises(CountRefused, match=f"bin {BIN} already has an open count"):
        create_count(uow, BIN.lower(), "again")
    for code, reason, why in (("Z-99-99-9", "check", "no bin"), (BIN, "  ", "needs a reason")):
        with floor.uow() as uow, pytest.raises(CountRefused, match=why):
            create_count(uow, code, reason)


def test_a_count_station_counts_the_bin_and_the_stock_follows_the_count(floor, bin_to_count):
    lamp, mug, vase, counter = (bin_to_count[key] for key in ("lamp", "mug", "vase", "station"))
    task_id, _ = new_count(floor)
    screen = request_task(floor, counter)
    assert screen["state"] == "count_bin" and screen["scenario"] == "count"
    assert screen["task"]["bin"] == BIN and screen["task"]["reason"] == "écart signalé au prélèvement"
    assert [(line["name"], line["quantity"], line["done"]) for line in screen["task"]["lines"]] == [
        ("Lampe", 5, 0), ("Mug", 3, 0)]
    assert screen["actions"] == []
    refused = scan(floor, counter, OTHER_BIN)
    assert (refused["state"], refused["message"]["level"], refused["message"]["code"]) == ("count_bin", "error",
                                                                                           "wrong_bin")
    assert scan(floor, counter, lamp.gtin)["message"]["code"] == "not_a_bin"
    screen = scan(floor, counter, BIN)
    assert screen["state"] == "count" and screen["actions"] == ["count", "done"]
    for _ in range(4):
        screen = scan(floor, counter, lamp.gtin)
    assert screen["message"]["code"] == "count_item_ok" and screen["task"]["lines"][0]["done"] == 4
    unexpected = scan(floor, counter, vase.gtin)
    assert (unexpected["message"]["level"], unexpected["message"]["code"]) == ("error", "not_expected_in_bin")
    assert BIN in unexpected["message"]["text"]
    mug_line = screen["task"]["lines"][1]["id"]
    typed = press(floor, counter, "count", line_id=mug_line, quantity=5)  # a box of 5 mugs: more than expected
    assert typed["task"]["lines"][1]["done"] == 5 and typed["task"]["progress"] == {"done": 9, "total": 8}
    # A reconnect in the middle of the count shows the same count.
    with floor.uow() as uow:
        again = steps.current_screen(uow, uow.session.get(Station, counter))
        uow.commit()
    assert again["state"] == "count" and [line["done"] for line in again["task"]["lines"]] == [4, 5]
    done = press(floor, counter, "done")
    assert (done["state"], done["message"]["level"], done["message"]["code"]) == ("idle", "ok", "count_done")
    assert "2" in done["message"]["text"] and done["task"] is None
    assert stock(floor, lamp) == (4, 0) and stock(floor, mug) == (5, 0) and stock(floor, vase) == (2, 0)
    with floor.uow() as uow:
        task = uow.session.get(Task, task_id)
        assert task.status == "done" and task.completed_at is not None
        assert [line.done_qty for line in task.lines] == [4, 5]
        outcomes = [row.outcome for row in uow.session.scalars(select(ScanEvent).order_by(ScanEvent.id))]
        assert outcomes == ["wrong_bin", "not_a_bin", "bin_ok", "counted", "counted", "counted", "counted",
                            "not_in_bin"]
        assert {row.task_id for row in uow.session.scalars(select(ScanEvent))} == {task_id}
    counted = audit(floor, "stock_counted")
    assert [(row.actor, row.subject, row.detail["sku"], row.detail["reason"], row.detail["on_hand_before"],
             row.detail["on_hand_after"], row.detail["adjusted"]) for row in counted] == [
        ("station:COUNT-01", f"task:{task_id}", lamp.sku, "écart signalé au prélèvement", 5, 4, True),
        ("station:COUNT-01", f"task:{task_id}", mug.sku, "écart signalé au prélèvement", 3, 5, True)]
    assert audit(floor, "count_short") == []
    assert request_task(floor, counter)["message"]["code"] == "waiting_for_work"


def test_units_promised_to_orders_missing_leave_the_stock_untouched_and_tell_the_supervisor(floor, bin_to_count):
    lamp, mug, counter = bin_to_count["lamp"], bin_to_count["mug"], bin_to_count["station"]
    with floor.uow() as uow:
        allocate_order(uow, add_order(uow, [(lamp, 3)]).id)
        uow.commit()
    assert stock(floor, lamp) == (5, 3)
    task_id, _ = new_count(floor, "inventaire tournant")
    request_task(floor, counter)
    scan(floor, counter, BIN)
    scan(floor, counter, lamp.gtin)  # 1 lamp found, 3 promised
    scan(floor, counter, mug.gtin)  # 1 mug found of 3, none promised
    done = press(floor, counter, "done")
    assert done["state"] == "idle" and done["message"]["code"] == "count_done"
    assert stock(floor, lamp) == (5, 3)  # not touched: the supervisor decides
    assert stock(floor, mug) == (1, 0)
    [short] = audit(floor, "count_short")
    assert short.actor == "station:COUNT-01" and short.subject == f"task:{task_id}"
    assert {key: short.detail[key] for key in ("sku", "bin", "counted", "reserved", "reason")} == {
        "sku": lamp.sku, "bin": BIN, "counted": 1, "reserved": 3, "reason": "inventaire tournant"}
    lamp_audit, mug_audit = audit(floor, "stock_counted")
    assert (lamp_audit.detail["adjusted"], lamp_audit.detail["on_hand_after"]) == (False, 5)
    assert (mug_audit.detail["adjusted"], mug_audit.detail["on_hand_after"]) == (True, 1)
    with floor.uow() as uow:
        assert uow.session.get(Task, task_id).status == "done"


def test_the_cli_creates_count_stations_and_counts(app, floor, bin_to_count):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["create-station", "COUNT-02", "--role", "count"])
    assert created.exit_code == 0 and len(created.output.strip()) >= 40
    result = runner.invoke(args=["count-bin", BIN, "--reason", "contrôle mensuel"])
    assert result.exit_code == 0 and f"bin {BIN}, 2 product(s)" in result.output, result.output
    again = runner.invoke(args=["count-bin", BIN, "--reason", "contrôle mensuel"])
    assert again.exit_code == 1 and "already has an open count" in again.output
    unknown = runner.invoke(args=["count-bin", "Z-99-99-9", "--reason", "x"])
    assert unknown.exit_code == 1 and "no bin 'Z-99-99-9'" in unknown.output
    assert runner.invoke(args=["count-bin", BIN]).exit_code == 2  # --reason is required
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.kind == "count")).one()
        assert task.reason == "contrôle mensuel"
        assert uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "count_created")).one().actor == "cli"
