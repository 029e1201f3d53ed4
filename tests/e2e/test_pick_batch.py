"""A cart of 4 orders picked into 4 totes through a real pty scanner, a wrong tote refused."""
from __future__ import annotations

from sqlalchemy import select

from server.models import Task
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station
from tests.floorkit import scan_and_wait, start_floor, wait_state


def test_a_batch_of_four_orders_goes_into_four_totes_through_the_scanner(app, floor, tmp_path):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=10, bin_code="A-02-05-1")
        mug = add_item(uow, "Mug", on_hand=10, bin_code="A-01-03-1")
        orders = [add_order(uow, lines) for lines in ([(lamp, 1)], [(mug, 1), (lamp, 1)], [(mug, 2)], [(lamp, 1)])]
        for placed in orders:
            allocate_order(uow, placed.id)
        _, token = add_station(uow, "CART-01", "pick_batch")
        uow.commit()
    running = start_floor(app)
    try:
        cart = running.add_station("CART-01", token, tmp_path)
        wait_state(cart, "bind_totes")
        for n in range(1, 5):
            screen = scan_and_wait(cart, f"TOTE-{n:04d}", symbology="]C0")
        assert screen["state"] == "batch_pick"
        refused_wrong_tote = False
        while screen["state"] != "idle":
            screen = scan_and_wait(cart, screen["batch"]["next"]["gtin"], symbology="]E0")
            assert screen["state"] == "put_tote", screen["message"]
            put = screen["batch"]["put"]
            if not refused_wrong_tote:
                other = next(o["tote"] for o in screen["batch"]["orders"] if o["tote"] != put["tote"])
                wrong = scan_and_wait(cart, other, symbology="]C0")
                assert wrong["state"] == "put_tote" and wrong["message"]["code"] == "wrong_tote"
                refused_wrong_tote = True
            screen = scan_and_wait(cart, put["tote"], symbology="]C0")
        assert screen["message"]["code"] == "batch_done"
        with floor.uow() as uow:
            totes = uow.session.execute(select(Task.order_id, Task.tote).where(Task.kind == "pack")
                                        .order_by(Task.order_id)).all()
        assert totes == [(o.id, f"TOTE-{n:04d}") for n, o in enumerate(orders, start=1)]
    finally:
        running.stop()
