"""Stock a supervisor can question: on hand, reserved, available by bin, and who holds the
reservations (an order waiting for a wave, one on a station) — CLI and REST, both databases."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from server.models import Bin, Station, Stock
from server.services import dispatch, scans, waves
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station, signed_in


def test_why_cant_i_have_it(app, floor):
    with floor.uow() as uow:
        waves.set_policy(uow, "pick", 0, actor="test")  # waves by hand: one order will wait for one
        lamp = add_item(uow, "Lampe", on_hand=3, bin_code="A-01-01-1")
        other = Bin(code="A-02-05-2", zone="A", aisle=2, bay=5, level=2)
        uow.session.add(other)
        uow.session.flush()
        uow.session.add(Stock(product_id=lamp.product_id, bin_id=other.id, on_hand=2, reserved=0))
        first = add_order(uow, [(lamp, 3)])
        second = add_order(uow, [(lamp, 1)], ship_in_hours=30)
        allocate_order(uow, first.id)
        allocate_order(uow, second.id)
        waves.release_wave(uow, 1, actor="test")
        picker = add_station(uow, "PICK-01", "pick")[0]
        uow.commit()
    with floor.uow() as uow:
        dispatch.request_task(uow, uow.session.get(Station, picker))
    with floor.uow() as uow:
        scans.record_scan(uow, uow.session.get(Station, picker),
                          scans.ScanCommand(str(uuid.uuid4()), lamp.gtin, None, datetime.now(timezone.utc)))

    web = signed_in(app, floor, "sophie", "supervisor")
    found = web.get(f"/api/v1/stock/{lamp.sku}").get_json()
    assert (found["on_hand"], found["reserved"], found["available"]) == (4, 3, 1)
    assert {row["bin"]: (row["on_hand"], row["reserved"]) for row in found["bins"]} == {
        "A-01-01-1": (2, 2), "A-02-05-2": (2, 1)}
    holders = {(h["order"], h["bin"]): (h["units"], h["order_status"], h["station"], h["released"])
               for h in found["holders"]}
    assert holders == {
        (first.reference, "A-01-01-1"): (2, "picking", "PICK-01", True),  # one of 3 picked already
        (second.reference, "A-02-05-2"): (1, "allocated", None, False),   # waits for a wave
    }
    assert sum(h["units"] for h in found["holders"]) == found["reserved"]
    assert web.get(f"/api/v1/stock/{lamp.gtin}").get_json()["sku"] == lamp.sku
    assert web.get("/api/v1/stock/NOPE").status_code == 404

    shown = app.test_cli_runner().invoke(args=["stock", lamp.sku]).output
    assert "on hand 4, reserved 3, available 1" in shown
    assert f"for {second.reference} (allocated)" in shown and "waiting for a wave" in shown
    assert "held by PICK-01" in shown


def alerts_raised(floor) -> list[dict]:
    from sqlalchemy import select

    from server.models import AuditEvent

    with floor.uow() as uow:
        return [event.detail for event in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "low_stock").order_by(AuditEvent.id))]


def test_a_low_stock_alert_is_raised_once_at_the_reorder_point_and_again_only_after_restock(app, floor):
    from server.services import stock
    from server.services.allocation import cancel_order

    with floor.uow() as uow:
        mug = add_item(uow, "Mug", on_hand=10)
        stock.set_reorder_point(uow, stock.find_product(uow.session, mug.sku), 5, 20, actor="test")
        uow.commit()

    def allocate(units: int) -> int:
        with floor.uow() as uow:
            order = add_order(uow, [(mug, units)])
            allocate_order(uow, order.id)
            uow.commit()
            return order.id

    allocate(3)
    assert alerts_raised(floor) == []  # 7 available: above the point
    second = allocate(2)
    assert [(a["sku"], a["available"], a["reorder_point"], a["reorder_quantity"]) for a in alerts_raised(floor)] == [
        (mug.sku, 5, 5, 20)]
    allocate(1)
    assert len(alerts_raised(floor)) == 1  # 4 available: still low, not said again

    web = signed_in(app, floor, "sophie", "supervisor")
    standing = web.get("/api/v1/stock/alerts").get_json()["low_stock"]
    assert [(a["sku"], a["available"]) for a in standing] == [(mug.sku, 4)]
    assert "reorder 20" in app.test_cli_runner().invoke(args=["low-stock"]).output

    with floor.uow() as uow:  # 2 units back: 6 available, above the point again: re-armed
        cancel_order(uow, second, actor="test")
        uow.commit()
    assert web.get("/api/v1/stock/alerts").get_json()["low_stock"] == []
    allocate(1)
    assert len(alerts_raised(floor)) == 2  # fell to the point again: said again, once


def test_a_reorder_point_set_above_what_is_available_alerts_at_once(app, floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=3)
        uow.commit()
    web = signed_in(app, floor, "sophie", "supervisor")
    reply = web.put(f"/api/v1/stock/{lamp.sku}/reorder-point", json={"point": 4, "quantity": 12})
    assert reply.status_code == 200 and reply.get_json()["alerts"][0]["available"] == 3
    assert web.put(f"/api/v1/stock/{lamp.sku}/reorder-point", json={"point": -1, "quantity": 1}).status_code == 400
    assert web.put("/api/v1/stock/NOPE/reorder-point", json={"point": 1, "quantity": 1}).status_code == 404
    assert web.get(f"/api/v1/stock/{lamp.sku}").get_json()["reorder"]["point"] == 4
    result = app.test_cli_runner().invoke(args=["reorder-point", lamp.sku, "2", "--quantity", "10"])
    assert result.exit_code == 0 and "reorder 10 when 2 or fewer" in result.output
    assert len(alerts_raised(floor)) == 1  # 3 available is above 2: nothing new
