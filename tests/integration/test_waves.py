"""Release in waves: orders wait reserved until a wave (by hand or auto-release) sends them to
the floor, nearest carrier cut-off first; an order not started can be cancelled. Both databases."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

import pytest

from server.models import AuditEvent, Order, Station, Stock, Task
from server.models.orders import Wave
from server.services import dispatch, waves
from server.services.allocation import CannotCancel, allocate_new_orders, allocate_order, cancel_order
from tests.factories import add_item, add_order, add_station, signed_in


def request_task(floor, station_id: int) -> dict:
    with floor.uow() as uow:
        return dispatch.request_task(uow, uow.session.get(Station, station_id))


def set_policy(floor, keep):
    with floor.uow() as uow:
        wave = waves.set_policy(uow, "pick", keep, actor="test")
        uow.commit()
        return wave.orders if wave else 0


def statuses(floor, order_ids) -> list[str]:
    with floor.uow() as uow:
        return [str(uow.session.get(Order, order_id).status) for order_id in order_ids]


def claimable(floor) -> int:
    with floor.uow() as uow:
        return waves.waiting_tasks(uow, "pick")


@pytest.fixture
def orders(floor):
    """Five orders for two carrier pickups (in 2 h and in 6 h), a picker; waves by hand only."""
    set_policy(floor, 0)
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=50)
        # (hours to the cut-off, service level): ids in the order they were taken
        plan = [(6, "express"), (2, "standard"), (2, "express"), (6, "standard"), (2, "priority")]
        pickup = datetime.now(timezone.utc).replace(microsecond=0)
        ids = []
        for hours, level in plan:
            order = add_order(uow, [(lamp, 1)], service_level=level)
            order.promised_ship_by = pickup + timedelta(hours=hours)  # one time per carrier pickup
            ids.append(order.id)
        allocated, _ = allocate_new_orders(uow)
        picker = add_station(uow, "PICK-01", "pick")[0]
        uow.commit()
    assert allocated == 5
    return {"ids": ids, "picker": picker, "lamp": lamp}


def test_allocated_orders_wait_reserved_until_a_wave_releases_them(floor, orders):
    ids = orders["ids"]
    assert statuses(floor, ids) == ["allocated"] * 5
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.sum(Stock.reserved))) == 5  # reserved all the same
    assert request_task(floor, orders["picker"])["message"]["code"] == "waiting_for_work"

    with floor.uow() as uow:
        wave = waves.release_wave(uow, 2, actor="test")
        uow.commit()
        assert wave.orders == 2
    # The 2 h pickup first, express before priority before standard.
    assert statuses(floor, ids) == ["allocated", "allocated", "released", "allocated", "released"]
    with floor.uow() as uow:
        assert {uow.session.get(Order, i).wave_id for i in (ids[2], ids[4])} == {wave.id}
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "wave_released")).one()
        assert event.detail["orders"] == 2 and event.detail["trigger"] == "manual"

    screen = request_task(floor, orders["picker"])
    assert screen["task"]["order"] == f"CO-{ids[2]:07d}"  # express first among what was released
    assert statuses(floor, [ids[2]]) == ["picking"]

    with floor.uow() as uow:
        assert waves.release_wave(uow, 10, actor="test").orders == 3
        uow.commit()
    with floor.uow() as uow:
        assert waves.release_wave(uow, 10, actor="test") is None  # nothing left


def test_auto_release_keeps_n_tasks_waiting(floor, orders):
    assert set_policy(floor, 2) == 2
    assert claimable(floor) == 2
    assert statuses(floor, orders["ids"]).count("released") == 2
    request_task(floor, orders["picker"])  # one claimed: auto-release tops the queue up again
    assert claimable(floor) == 2
    assert statuses(floor, orders["ids"]).count("allocated") == 2
    with floor.uow() as uow:
        triggers = list(uow.session.scalars(select(Wave.trigger).order_by(Wave.id)))
    assert triggers == ["auto", "auto"]


def test_release_at_once_sends_every_waiting_order(floor, orders):
    assert set_policy(floor, None) == 5
    assert claimable(floor) == 5
    with floor.uow() as uow:  # and new orders go straight to the floor, as without waves
        order = add_order(uow, [(orders["lamp"], 1)])
        allocate_order(uow, order.id)
        uow.commit()
    assert statuses(floor, [order.id]) == ["allocated"] and claimable(floor) == 6


def test_the_default_releases_each_order_as_it_is_allocated(floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=5)
        order = add_order(uow, [(lamp, 1)])
        allocate_order(uow, order.id)
        uow.commit()
        assert waves.backlog(uow).keep_waiting is None
    assert claimable(floor) == 1


def test_an_order_not_started_can_be_cancelled_and_its_units_are_free_again(floor, orders):
    ids = orders["ids"]
    with floor.uow() as uow:
        cancel_order(uow, ids[0], actor="test", reason="customer called")
        uow.commit()
    with floor.uow() as uow:
        assert uow.session.get(Order, ids[0]).status == "cancelled"
        assert uow.session.scalars(select(Task.status).where(Task.order_id == ids[0])).one() == "cancelled"
        assert uow.session.scalar(select(func.sum(Stock.reserved))) == 4
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "order_cancelled")).one()
        assert (event.actor, event.detail["units_freed"]) == ("test", 1)
        # A cancelled order is never released.
        assert waves.release_wave(uow, 10, actor="test").orders == 4


def test_an_order_on_the_floor_cannot_be_cancelled(floor, orders):
    ids = orders["ids"]
    with floor.uow() as uow:
        waves.release_wave(uow, 1, actor="test")
        uow.commit()
    with floor.uow() as uow, pytest.raises(CannotCancel, match="released in wave"):
        cancel_order(uow, ids[2], actor="test")
    request_task(floor, orders["picker"])
    with floor.uow() as uow, pytest.raises(CannotCancel, match="picking"):
        cancel_order(uow, ids[2], actor="test")
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.sum(Stock.reserved))) == 5


def test_the_supervisor_runs_waves_from_the_command_line(app, floor, orders):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["release-wave", "--max-orders", "2"])
    assert result.exit_code == 0 and "2 order(s) released" in result.output, result.output
    shown = runner.invoke(args=["auto-release"]).output
    assert "off (waves released by hand)" in shown and "3 order(s) wait for a wave" in shown
    shown = runner.invoke(args=["auto-release", "1"]).output  # 2 wait already: nothing released
    assert shown.startswith("auto-release: keep 1 pick task(s) waiting; 3 order(s)"), shown
    assert runner.invoke(args=["auto-release", "lots"]).exit_code == 2
    result = runner.invoke(args=["cancel-order", f"CO-{orders['ids'][0]:07d}", "--reason", "fraud"])
    assert result.exit_code == 0 and "cancelled" in result.output, result.output
    result = runner.invoke(args=["cancel-order", f"CO-{orders['ids'][2]:07d}"])
    assert result.exit_code == 1 and "released in wave" in result.output


def test_the_supervisor_runs_waves_over_rest(app, floor, orders):
    web = signed_in(app, floor, "sophie", "supervisor")
    assert web.get("/api/v1/waves").get_json()["unreleased"] == 5
    reply = web.post("/api/v1/waves", json={"max_orders": 2})
    assert reply.status_code == 201 and reply.get_json()["orders"] == 2
    assert web.post("/api/v1/waves", json={"max_orders": 0}).status_code == 400
    state = web.get("/api/v1/waves").get_json()
    assert (state["unreleased"], state["waiting"], state["keep_waiting"]) == (3, 2, 0)
    assert state["recent"][0]["actor"] == "user:sophie"
    assert web.put("/api/v1/waves/policy", json={"keep_waiting": 3}).get_json() == {"keep_waiting": 3,
                                                                                     "released": 1}
    assert web.put("/api/v1/waves/policy", json={"keep_waiting": "x"}).status_code == 400
    assert web.post(f"/api/v1/orders/CO-{orders['ids'][3]:07d}/cancel", json={"reason": "x"}).status_code == 200
    assert web.post(f"/api/v1/orders/CO-{orders['ids'][2]:07d}/cancel").status_code == 409
    assert web.post("/api/v1/orders/CO-0999999/cancel").status_code == 404

    picker = signed_in(app, floor, "paul", "picker")
    assert picker.post("/api/v1/waves", json={"max_orders": 1}).status_code == 403
    assert app.test_client().get("/api/v1/waves").status_code == 401
