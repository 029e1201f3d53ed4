"""Short picks through the services, on SQLite and PostgreSQL: the shortage recorded with its
reason, the bin's missing units out of its stock, a cycle count for the bin, the rest re-allocated
from another bin (the picker sent there) or the order stopped short, the low-stock check."""
from __future__ import annotations

from sqlalchemy import func, select

from server import feed
from server.models import AuditEvent, Bin, Order, Stock, Task, TaskLine
from server.services import stock as stock_levels
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station
from tests.integration.test_pick_scanning import claim, key, scan
from wire.contract import Action


def add_bin(uow, item, code: str, on_hand: int) -> None:
    zone, aisle, bay, level = code.split("-")
    found = Bin(code=code, zone=zone, aisle=int(aisle), bay=int(bay), level=int(level))
    uow.session.add(found)
    uow.session.flush()
    uow.session.add(Stock(product_id=item.product_id, bin_id=found.id, on_hand=on_hand, reserved=0))
    uow.session.flush()


def stock_by_bin(floor, item) -> dict[str, tuple[int, int]]:
    with floor.uow() as uow:
        return {code: (on_hand, reserved) for code, on_hand, reserved in uow.session.execute(
            select(Bin.code, Stock.on_hand, Stock.reserved).join(Bin, Bin.id == Stock.bin_id)
            .where(Stock.product_id == item.product_id))}


def events(floor, action: str) -> list[dict]:
    with floor.uow() as uow:
        return [row.detail for row in uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                                           .order_by(AuditEvent.id))]


def setup(floor, far_units: int, *, near_units: int = 6, mug: bool = True, reorder_point: int | None = None):
    """An order of 4 lamps (from A-01-01-1, the fullest bin) and a mug; another bin far away."""
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=near_units, bin_code="A-01-01-1")
        if far_units:
            add_bin(uow, lamp, "C-04-10-2", far_units)
        lines = [(lamp, 4)]
        if mug:
            lines.append((add_item(uow, "Mug", on_hand=1, bin_code="B-01-03-1"), 1))
        order = add_order(uow, lines)
        allocate_order(uow, order.id)
        if reorder_point is not None:
            product = stock_levels.find_product(uow.session, lamp.sku)
            stock_levels.set_reorder_point(uow, product, reorder_point, 10, actor="test")
        picker = add_station(uow, "PICK-01", "pick")[0]
        uow.commit()
    screen = claim(floor, picker)
    lamp_line = next(line for line in screen["task"]["lines"] if line["sku"] == lamp.sku)
    return lamp, order, picker, lamp_line


def test_a_short_bin_is_counted_and_the_rest_comes_from_another_bin(floor):
    lamp, order, picker, line = setup(floor, far_units=5)
    scan(floor, picker, lamp.gtin)  # one of four found
    screen = key(floor, picker, Action.SHORT, line_id=line["id"], reason="short")
    assert (screen["state"], screen["message"]["code"], screen["message"]["level"]) == (
        "pick", "short_reallocated", "warn")
    # The picker is sent to the far bin for the three missing, walked in route order with the rest:
    # the mug in B-01-03-1 (aisle 5) on the way, then C-04-10-2 (aisle 12).
    assert [(row["bin"], row["quantity"], row["done"]) for row in screen["task"]["lines"]] == [
        ("A-01-01-1", 1, 1), ("B-01-03-1", 1, 0), ("C-04-10-2", 3, 0)]
    assert screen["task"]["next"]["bin"] == "B-01-03-1"
    short_line = next(row for row in screen["task"]["lines"] if row["bin"] == "A-01-01-1")
    assert (short_line["quantity"], short_line["done"], short_line["short"]) == (1, 1, 3)
    assert screen["task"]["progress"] == {"done": 1, "total": 5}
    # A-01-01-1 (6, one picked) lost the 3 units the picker could not find; C-04-10-2 reserves them.
    assert stock_by_bin(floor, lamp) == {"A-01-01-1": (2, 0), "C-04-10-2": (5, 3)}
    [shorted] = events(floor, "short_pick")
    shown = feed.describe(shorted)  # the dashboard's live feed, in both languages
    assert shown["level"] == "warn" and shown["text"]["fr"] == f"PICK-01 : 3 × {lamp.sku} manquant(s) en A-01-01-1 " \
        f"pour {order.reference}"
    assert (shorted["bin"], shorted["missing"], shorted["reason"], shorted["held"], shorted["reallocated_to"],
            shorted["station"], shorted["order"]) == ("A-01-01-1", 3, "short", False, ["C-04-10-2:3"], "PICK-01",
                                                     order.reference)
    with floor.uow() as uow:
        count = uow.session.scalars(select(Task).where(Task.kind == "count")).one()
        assert count.status == "open" and "short pick" in count.reason
        assert [(line.bin.code, line.quantity) for line in count.lines] == [("A-01-01-1", 2)]
    scan(floor, picker, _mug_gtin(floor, order))
    for _ in range(2):
        scan(floor, picker, lamp.gtin)
    done = scan(floor, picker, lamp.gtin)
    assert (done["state"], done["message"]["code"]) == ("idle", "pick_done")
    with floor.uow() as uow:
        assert uow.session.get(Order, order.id).status == "picked"
        pack = uow.session.scalars(select(Task).where(Task.kind == "pack")).one()
        assert sorted(line.quantity for line in pack.lines) == [1, 4]  # the whole order goes to packing
    assert stock_by_bin(floor, lamp) == {"A-01-01-1": (2, 0), "C-04-10-2": (2, 0)}


def _mug_gtin(floor, order) -> str:
    with floor.uow() as uow:
        return uow.session.get(Order, order.id).lines[1].product.gtin


def test_a_short_with_no_stock_elsewhere_stops_the_order_and_its_tote_goes_to_the_supervisor(floor):
    lamp, order, picker, line = setup(floor, far_units=2)  # 3 missing, only 2 elsewhere: all or nothing
    scan(floor, picker, lamp.gtin)
    screen = key(floor, picker, Action.SHORT, line_id=line["id"], reason="empty")
    assert (screen["state"], screen["message"]["code"]) == ("pick", "short_held")
    assert screen["task"]["short"] is True
    assert stock_by_bin(floor, lamp) == {"A-01-01-1": (2, 0), "C-04-10-2": (2, 0)}  # nothing reserved there
    with floor.uow() as uow:
        stopped = uow.session.get(Order, order.id)
        assert stopped.status == "short" and "3 missing in A-01-01-1 (bin empty)" in stopped.short_reason
    done = scan(floor, picker, _mug_gtin(floor, order))
    assert (done["state"], done["message"]["code"], done["message"]["level"]) == ("idle", "pick_done_short", "warn")
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task).where(Task.kind == "pack")) == 0
        assert uow.session.get(Order, order.id).status == "short"
    [shorted] = events(floor, "short_pick")
    assert (shorted["held"], shorted["reallocated_to"]) == (True, [])


def test_the_low_stock_check_runs_after_a_short_pick(floor):
    lamp, order, picker, line = setup(floor, far_units=5, mug=False, reorder_point=3)
    # 11 on hand, 4 reserved: 7 available, above the point. The short takes 4 out of A-01-01-1's
    # on hand and reserves 4 in C-04-10-2: 3 available, at the point.
    assert events(floor, "low_stock") == []
    key(floor, picker, Action.SHORT, line_id=line["id"], reason="empty")
    [alert] = events(floor, "low_stock")
    assert (alert["sku"], alert["available"], alert["reorder_point"]) == (lamp.sku, 3, 3)


def test_a_second_short_of_the_same_bin_does_not_open_a_second_count(floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=4, bin_code="A-01-01-1")
        orders = [add_order(uow, [(lamp, 2)]) for _ in range(2)]
        for each in orders:
            allocate_order(uow, each.id)
        pickers = [add_station(uow, f"PICK-0{n}", "pick")[0] for n in (1, 2)]
        uow.commit()
    for picker in pickers:
        screen = claim(floor, picker)
        key(floor, picker, Action.SHORT, line_id=screen["task"]["next"]["id"], reason="damaged")
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task).where(Task.kind == "count")) == 1
        assert [row.short_qty for row in uow.session.scalars(select(TaskLine).join(Task)
                                                             .where(Task.kind == "pick"))] == [2, 2]
    assert stock_by_bin(floor, lamp) == {"A-01-01-1": (0, 0)}


def test_units_in_another_warehouse_are_not_walked_to(floor):
    """Issue 14's warehouses: a short is re-allocated from the task's own warehouse only; stock
    in another site does not count (and the picker's screen says the order stops short)."""
    from server.models.warehouses import Warehouse

    with floor.uow() as uow:
        paris = Warehouse(code="PARIS-N", name="Paris Nord")
        uow.session.add(paris)
        uow.session.flush()
        lamp = add_item(uow, "Lampe", on_hand=4, bin_code="A-01-01-1")
        add_bin(uow, lamp, "C-04-10-2", 9)
        uow.session.get(Bin, uow.session.scalar(select(Bin.id).where(Bin.code == "C-04-10-2"))).warehouse_id = paris.id
        order = add_order(uow, [(lamp, 2)])
        order.warehouse_id = 1  # routed to the main site: allocated from its bins
        allocate_order(uow, order.id)
        picker = add_station(uow, "PICK-01", "pick")[0]
        uow.commit()
    screen = claim(floor, picker)
    assert screen["task"]["next"]["bin"] == "A-01-01-1"
    after = key(floor, picker, Action.SHORT, line_id=screen["task"]["next"]["id"], reason="empty")
    assert (after["state"], after["message"]["code"]) == ("idle", "pick_done_short")
    assert stock_by_bin(floor, lamp) == {"A-01-01-1": (2, 0), "C-04-10-2": (9, 0)}
    with floor.uow() as uow:
        assert uow.session.get(Order, order.id).status == "short"


def test_a_short_on_a_carts_walk_sends_the_picker_to_the_other_bin(floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=6, bin_code="A-01-01-1")
        add_bin(uow, lamp, "C-04-10-2", 5)
        mug = add_item(uow, "Mug", on_hand=2, bin_code="B-01-03-1")
        for lines in ([(lamp, 2)], [(mug, 1)]):
            allocate_order(uow, add_order(uow, lines).id)
        cart = add_station(uow, "CART-01", "pick_batch")[0]
        uow.commit()
    assert claim(floor, cart)["state"] == "bind_totes"
    scan(floor, cart, "TOTE-0001")
    walking = scan(floor, cart, "TOTE-0002")
    assert walking["state"] == "batch_pick" and walking["batch"]["next"]["bin"] == "A-01-01-1"
    after = key(floor, cart, Action.SHORT, line_id=walking["batch"]["next"]["id"], reason="empty")
    assert (after["state"], after["message"]["code"]) == ("batch_pick", "short_reallocated")
    assert after["batch"]["next"]["bin"] == "B-01-03-1"  # the mug on the way, then C-04-10-2 for the lamps
    assert stock_by_bin(floor, lamp) == {"A-01-01-1": (4, 0), "C-04-10-2": (5, 2)}
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task).where(Task.kind == "count")) == 1
