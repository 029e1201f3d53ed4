"""Batch picking through the services, on SQLite and PostgreSQL: 4 orders, 4 totes, one walk."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Order, ScanEvent, Stock, Task
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station
from tests.integration.test_floor_flow import request_task, scan


@pytest.fixture
def four_orders(floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=10, bin_code="A-02-05-1")
        mug = add_item(uow, "Mug", on_hand=10, bin_code="A-01-03-1")
        big = add_item(uow, "Carton", on_hand=20, bin_code="A-03-01-1")
        orders = [add_order(uow, lines) for lines in ([(lamp, 1)], [(mug, 1), (lamp, 1)], [(mug, 2)], [(lamp, 1)])]
        bulky = add_order(uow, [(big, 8)])  # too many units for a cart: picked alone
        for placed in (*orders, bulky):
            allocate_order(uow, placed.id)
        station_id, _ = add_station(uow, "CART-01", "pick_batch")
        uow.commit()
        return {"station": station_id, "orders": [o.id for o in orders], "bulky": bulky.id,
                "lamp": lamp, "mug": mug}


def test_four_orders_are_picked_into_four_totes_in_one_walk(floor, four_orders):
    cart, lamp, mug = four_orders["station"], four_orders["lamp"], four_orders["mug"]
    claimed = request_task(floor, cart)
    assert claimed["state"] == "bind_totes" and len(claimed["batch"]["orders"]) == 4
    assert f"CO-{four_orders['bulky']:07d}" not in {o["order"] for o in claimed["batch"]["orders"]}
    for n in range(1, 5):
        bound = scan(floor, cart, f"TOTE-{n:04d}")
    assert bound["state"] == "batch_pick" and [o["tote"] for o in bound["batch"]["orders"]] == [
        "TOTE-0001", "TOTE-0002", "TOTE-0003", "TOTE-0004"]

    assert scan(floor, cart, "3760123456784")["message"]["code"] == "not_in_batch"
    units = 0
    while (screen := scan(floor, cart, bound["batch"]["next"]["gtin"]))["state"] == "put_tote":
        units += 1
        put = screen["batch"]["put"]
        wrong = next(o["tote"] for o in screen["batch"]["orders"] if o["tote"] != put["tote"])
        refused = scan(floor, cart, wrong)
        assert refused["state"] == "put_tote" and refused["message"]["code"] == "wrong_tote"
        bound = scan(floor, cart, put["tote"])
        if bound["state"] == "idle":
            break
    assert units == 6 and bound["message"]["code"] == "batch_done"

    with floor.uow() as uow:
        packs = uow.session.scalars(select(Task).where(Task.kind == "pack").order_by(Task.order_id)).all()
        assert [(t.order_id, t.tote) for t in packs] == list(zip(four_orders["orders"],
                                                               ["TOTE-0001", "TOTE-0002", "TOTE-0003", "TOTE-0004"]))
        assert {uow.session.get(Order, order_id).status for order_id in four_orders["orders"]} == {"picked"}
        stock = {row.product_id: (row.on_hand, row.reserved) for row in uow.session.scalars(select(Stock))}
        assert stock[lamp.product_id] == (7, 0) and stock[mug.product_id] == (7, 0)
    assert request_task(floor, cart)["state"] == "idle"  # the bulky order waits for a single picker
    with floor.uow() as uow:
        packer_id, _ = add_station(uow, "PACK-09", "pack")
        uow.commit()
    assert request_task(floor, packer_id)["task"]["tote"] == "TOTE-0001"
    with floor.uow() as uow:  # every unit scan and every put names the order's task in the audit trail
        rows = uow.session.execute(select(ScanEvent.outcome, ScanEvent.task_id)
                                   .where(ScanEvent.outcome.in_(("counted", "put_ok", "wrong_tote")))).all()
        assert len(rows) == 6 + 5 + 6 and all(task_id is not None for _, task_id in rows)
