"""Scanning a pick through the services, on SQLite and PostgreSQL: GS1 lots recorded and found
again by lot (CLI and REST), an expired GS1 DataMatrix refused with nothing recorded as picked,
packs and typed quantities, bin first from the configuration."""
from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from server.domain.pick_rules import PickRules
from server.models import PickedLot, ScanEvent, Station, Stock, Task, TaskLine
from server.services import dispatch, scans, steps
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station, signed_in
from wire.contract import Action

GS = "\x1d"


def scan(floor, station_id: int, raw: str, symbology: str | None = None) -> dict:
    cmd = scans.ScanCommand(str(uuid.uuid4()), raw, symbology, datetime.now(timezone.utc))
    with floor.uow() as uow:
        return scans.record_scan(uow, uow.session.get(Station, station_id), cmd)


def key(floor, station_id: int, name: str, **params) -> dict:
    from server.domain.scenarios import Input

    with floor.uow() as uow:
        ran = steps.run(uow, uow.session.get(Station, station_id), Input.action(name, **params))
        uow.commit()
        return ran.screen


def claim(floor, station_id: int) -> dict:
    with floor.uow() as uow:
        return dispatch.request_task(uow, uow.session.get(Station, station_id))


def gs1(gtin: str, *elements: str) -> str:
    return "01" + gtin.zfill(14) + "".join(elements)


def yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def one_order(floor, lines: list[tuple[str, int, int]]):
    """An allocated order of (name, units ordered, units on hand) and a picker holding it."""
    with floor.uow() as uow:
        items = [add_item(uow, name, on_hand=on_hand, bin_code=f"A-0{n + 1}-0{n + 1}-1")
                 for n, (name, _, on_hand) in enumerate(lines)]
        order = add_order(uow, [(item, ordered) for item, (_, ordered, _) in zip(items, lines)])
        allocate_order(uow, order.id)
        picker = add_station(uow, "PICK-01", "pick")[0]
        uow.commit()
    screen = claim(floor, picker)
    return order, items, picker, screen


def stock_of(floor, item) -> tuple[int, int]:
    with floor.uow() as uow:
        row = uow.session.scalars(select(Stock).where(Stock.product_id == item.product_id)).one()
        return row.on_hand, row.reserved


def test_a_lot_scanned_at_pick_is_found_again_by_lot(app, floor):
    order, (lamp, mug), picker, _ = one_order(floor, [("Lampe", 3, 5), ("Mug", 1, 2)])
    expiry = date.today() + timedelta(days=200)
    # GS1 DataMatrix: serial (variable length, FNC1 after it), expiry, lot last.
    first = scan(floor, picker, "]d2" + gs1(lamp.gtin, "21SN-1", GS, "17", yymmdd(expiry), "10LOT-A/7"))
    assert first["message"]["code"] == "item_ok"
    assert key(floor, picker, Action.QUANTITY, line_id=first["task"]["next"]["id"], quantity=2)[
        "message"]["code"] == "serial_scan_each"  # a serial names one unit
    scan(floor, picker, gs1(lamp.gtin, "10LOT-A/7", GS, "21SN-2"), "]C1")
    scan(floor, picker, gs1(lamp.gtin, "10LOT-B"), "]Q3")
    done = scan(floor, picker, mug.gtin)  # a plain EAN: no lot row
    assert done["message"]["code"] == "pick_done"

    with floor.uow() as uow:
        rows = uow.session.scalars(select(PickedLot).order_by(PickedLot.id)).all()
        assert [(r.lot, r.serial, r.units, r.expiry, r.order_id) for r in rows] == [
            ("LOT-A/7", "SN-1", 1, expiry, order.id), ("LOT-A/7", "SN-2", 1, None, order.id),
            ("LOT-B", None, 1, None, order.id)]
    web = signed_in(app, floor, "sophie", "supervisor")
    found = web.get("/api/v1/lots/LOT-A/7").get_json()
    assert [(o["order"], o["sku"], o["units"], o["serials"], o["expiry"]) for o in found["orders"]] == [
        (order.reference, lamp.sku, 2, ["SN-1", "SN-2"], expiry.isoformat())]
    assert web.get(f"/api/v1/lots/LOT-A/7?sku={mug.sku}").get_json()["orders"] == []
    assert web.get("/api/v1/lots/NOPE").get_json()["orders"] == []
    shown = app.test_cli_runner().invoke(args=["trace-lot", "LOT-B"]).output
    assert f"{order.reference} (picked): 1 x {lamp.sku}" in shown
    assert "no order got lot NOPE" in app.test_cli_runner().invoke(args=["trace-lot", "NOPE"]).output


def test_an_expired_gs1_datamatrix_is_refused_and_nothing_is_recorded_as_picked(floor):
    _, (lamp,), picker, _ = one_order(floor, [("Yaourt", 2, 4)])
    yesterday = date.today() - timedelta(days=1)
    refused = scan(floor, picker, gs1(lamp.gtin, "17", yymmdd(yesterday), "10L-OLD"), "]d2")
    assert refused["message"]["level"] == "error" and refused["message"]["code"] == "lot_expired"
    assert "L-OLD" in refused["message"]["text"] and "périmé" in refused["message"]["text"]
    assert refused["task"]["progress"] == {"done": 0, "total": 2}
    assert stock_of(floor, lamp) == (4, 2)
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(PickedLot)) == 0
        assert uow.session.scalar(select(ScanEvent.outcome)) == "expired"
    today = scan(floor, picker, gs1(lamp.gtin, "17", yymmdd(date.today()), "10L-NEW"), "]d2")
    assert today["message"]["code"] == "item_ok"  # usable on its expiry date


def test_packs_and_typed_quantities_count_several_units_never_more_than_due(floor):
    _, (lamp,), picker, screen = one_order(floor, [("Lampe", 10, 12)])
    line_id = screen["task"]["next"]["id"]
    assert key(floor, picker, Action.QUANTITY, line_id=line_id, quantity=3)["message"]["code"] == "scan_one_first"
    pack = scan(floor, picker, gs1(lamp.gtin, "3004", GS, "10L1"), "]C1")  # a pack of 4
    assert (pack["message"]["code"], pack["task"]["progress"]["done"]) == ("units_ok", 4)
    too_many = key(floor, picker, Action.QUANTITY, line_id=line_id, quantity=7)
    assert (too_many["message"]["code"], too_many["task"]["progress"]["done"]) == ("pack_too_big", 4)
    typed = key(floor, picker, Action.QUANTITY, line_id=line_id, quantity="5")
    assert (typed["message"]["code"], typed["task"]["progress"]["done"]) == ("units_ok", 9)
    assert stock_of(floor, lamp) == (12 - 9, 1)
    with floor.uow() as uow:  # the typed units were taken as the pack's lot
        assert [(r.lot, r.units) for r in uow.session.scalars(select(PickedLot).order_by(PickedLot.id))] == [
            ("L1", 4), ("L1", 5)]
    last = key(floor, picker, Action.QUANTITY, line_id=line_id, quantity=1)
    assert (last["state"], last["message"]["code"]) == ("idle", "pick_done")
    assert stock_of(floor, lamp) == (2, 0)


def test_bin_first_from_the_configuration(floor):
    floor.settings = dataclasses.replace(floor.settings, pick_rules=PickRules(bin_first=True))
    _, (lamp,), picker, screen = one_order(floor, [("Lampe", 2, 5)])
    assert screen["task"]["scan_bin"] is True and screen["task"]["at_bin"] is None
    refused = scan(floor, picker, lamp.gtin)
    assert (refused["message"]["code"], refused["task"]["progress"]["done"]) == ("scan_bin_first", 0)
    wrong = scan(floor, picker, "A-09-09-1")
    assert (wrong["message"]["code"], wrong["message"]["level"]) == ("wrong_bin", "error")
    at_bin = scan(floor, picker, lamp.bin_code)
    assert (at_bin["message"]["code"], at_bin["task"]["at_bin"], at_bin["task"]["scan_bin"]) == (
        "bin_ok", lamp.bin_code, False)
    assert scan(floor, picker, lamp.gtin)["task"]["progress"]["done"] == 1


def test_the_screen_shows_units_declared_short_and_an_order_stopped_short(floor):
    _, (lamp,), picker, screen = one_order(floor, [("Lampe", 3, 3)])
    scan(floor, picker, lamp.gtin)
    after = key(floor, picker, Action.SHORT, line_id=screen["task"]["next"]["id"], reason="short")
    assert after["message"]["code"] == "pick_done_short" and after["state"] == "idle"
    with floor.uow() as uow:
        line = uow.session.scalars(select(TaskLine).join(Task).where(Task.kind == "pick")).one()
        assert (line.quantity, line.done_qty, line.short_qty) == (1, 1, 2)
