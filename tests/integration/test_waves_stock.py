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
