"""Task leases: a silent station's task is taken over with what was picked; the stale station
is refused and told; heartbeats keep a task; many claimers never share one (PostgreSQL).

The clock is injected (``now=``): nothing here sleeps or times anything.
"""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, insert, select, update

from server.models import Address, AuditEvent, Customer, Order, Station, Stock, Task
from server.services import dispatch, scans
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station

LEASE = 90.0


def scan(floor, station_id: int, raw: str) -> dict:
    cmd = scans.ScanCommand(str(uuid.uuid4()), raw, None, datetime.now(timezone.utc))
    with floor.uow() as uow:
        return scans.record_scan(uow, uow.session.get(Station, station_id), cmd)


def request_task(floor, station_id: int, now: datetime) -> dict:
    with floor.uow() as uow:
        return dispatch.request_task(uow, uow.session.get(Station, station_id), now=now)


def heartbeat(floor, station_id: int, now: datetime) -> dict:
    with floor.uow() as uow:
        return dispatch.heartbeat(uow, uow.session.get(Station, station_id), now=now)


@pytest.fixture
def half_picked(floor):
    """PICK-A claimed a 3-unit order at t0 and picked one lamp; PICK-B is idle."""
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe", on_hand=5), add_item(uow, "Mug", on_hand=5)
        order = add_order(uow, [(lamp, 2), (mug, 1)])
        allocate_order(uow, order.id)
        a, b = add_station(uow, "PICK-A", "pick")[0], add_station(uow, "PICK-B", "pick")[0]
        uow.commit()
    t0 = datetime.now(timezone.utc)
    screen = request_task(floor, a, t0)
    assert screen["state"] == "pick"
    assert scan(floor, a, lamp.gtin)["message"]["code"] == "item_ok"
    return {"a": a, "b": b, "t0": t0, "task_id": screen["task"]["id"], "lamp": lamp, "mug": mug, "order": order.id}


def lease_of(floor, task_id: int) -> datetime:
    with floor.uow() as uow:
        return uow.session.get(Task, task_id).lease_expires_at


def held(floor, task_id: int) -> tuple:
    with floor.uow() as uow:
        task = uow.session.get(Task, task_id)
        return task.status, task.station_id, [line.done_qty for line in task.lines]


def test_a_silent_stations_task_is_taken_over_with_what_was_picked(floor, half_picked):
    hp = half_picked
    before_expiry = hp["t0"] + timedelta(seconds=LEASE - 1)
    assert request_task(floor, hp["b"], before_expiry)["message"]["code"] == "waiting_for_work"

    after_expiry = hp["t0"] + timedelta(seconds=LEASE + 1)
    screen = request_task(floor, hp["b"], after_expiry)
    assert screen["state"] == "pick" and screen["task"]["id"] == hp["task_id"]
    assert screen["task"]["progress"] == {"done": 1, "total": 3}  # the lamp in the tote stays picked
    status, station_id, done = held(floor, hp["task_id"])
    assert (status, station_id) == ("assigned", hp["b"]) and sorted(done) == [0, 1]
    with floor.uow() as uow:
        task = uow.session.get(Task, hp["task_id"])
        assert task.lease_expires_at == after_expiry + timedelta(seconds=LEASE)
        expired = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_lease_expired")).one()
        assert expired.detail["taken_from"] == "PICK-A" and expired.detail["station"] == "PICK-B"
        assert expired.detail["done_units"] == 1

    # B finishes it: the lamp left and the mug, nothing counted twice.
    scan(floor, hp["b"], hp["lamp"].gtin)
    assert scan(floor, hp["b"], hp["mug"].gtin)["message"]["code"] == "pick_done"
    with floor.uow() as uow:
        assert uow.session.get(Task, hp["task_id"]).status == "done"
        assert uow.session.get(Order, hp["order"]).status == "picked"
        stock = uow.session.scalars(select(Stock).where(Stock.product_id == hp["lamp"].product_id)).one()
        assert (stock.on_hand, stock.reserved) == (3, 0)


def test_a_stale_station_is_refused_and_told_plainly(floor, half_picked):
    hp = half_picked
    request_task(floor, hp["b"], hp["t0"] + timedelta(seconds=LEASE + 1))

    # A comes back and scans for the task it no longer holds: refused, nothing counted.
    reply = scan(floor, hp["a"], hp["lamp"].gtin)
    assert reply["message"]["level"] == "error" and reply["state"] == "idle" and reply["task"] is None
    status, station_id, done = held(floor, hp["task_id"])
    assert (status, station_id, sorted(done)) == ("assigned", hp["b"], [0, 1])
    with floor.uow() as uow:
        stock = uow.session.scalars(select(Stock).where(Stock.product_id == hp["lamp"].product_id)).one()
        assert stock.on_hand == 4  # only the unit A picked before it went silent

    # Its next heartbeat says so, in red, once.
    told = heartbeat(floor, hp["a"], hp["t0"] + timedelta(seconds=LEASE + 5))
    assert told["message"]["code"] == "task_lost" and told["message"]["level"] == "error"
    assert "plus la vôtre" in told["message"]["text"]
    assert heartbeat(floor, hp["a"], hp["t0"] + timedelta(seconds=LEASE + 20)) == {"ok": True}


def test_a_station_that_comes_back_is_told_when_it_asks_for_work(floor, half_picked):
    hp = half_picked
    request_task(floor, hp["b"], hp["t0"] + timedelta(seconds=LEASE + 1))
    screen = request_task(floor, hp["a"], hp["t0"] + timedelta(seconds=LEASE + 2))
    assert screen["message"]["code"] == "task_lost" and screen["state"] == "idle"
    assert request_task(floor, hp["a"], hp["t0"] + timedelta(seconds=LEASE + 3))["message"]["code"] == \
        "waiting_for_work"


def test_a_supervisor_sees_the_silent_stations_tasks(app, floor, half_picked):
    from tests.factories import signed_in

    hp = half_picked
    with floor.uow() as uow:
        assert dispatch.expired_leases(uow.session, hp["t0"] + timedelta(seconds=LEASE - 1)) == []
        [silent] = dispatch.expired_leases(uow.session, hp["t0"] + timedelta(seconds=LEASE + 30))
    assert (silent["task_id"], silent["station"], silent["expired_for_s"]) == (hp["task_id"], "PICK-A", 30.0)
    with floor.engine.begin() as connection:  # the lease made to run out, for the live views
        connection.execute(update(Task).values(lease_expires_at=hp["t0"] - timedelta(seconds=5)))
    web = signed_in(app, floor, "sophie", "supervisor")
    assert [lease["station"] for lease in web.get("/api/v1/leases/expired").get_json()["expired"]] == ["PICK-A"]
    assert "at PICK-A: lease ran out" in app.test_cli_runner().invoke(args=["leases"]).output


def test_heartbeats_keep_the_task(floor, half_picked):
    hp = half_picked
    assert heartbeat(floor, hp["a"], hp["t0"] + timedelta(seconds=60)) == {"ok": True}
    assert lease_of(floor, hp["task_id"]) == hp["t0"] + timedelta(seconds=60 + LEASE)
    # Past the first lease, but within the renewed one: B gets nothing, A keeps it.
    assert request_task(floor, hp["b"], hp["t0"] + timedelta(seconds=LEASE + 30))["message"]["code"] == \
        "waiting_for_work"
    assert held(floor, hp["task_id"])[1] == hp["a"]
    assert scan(floor, hp["a"], hp["lamp"].gtin)["message"]["code"] == "item_ok"


def test_an_expired_lease_nobody_claimed_is_renewed_by_its_station(floor, half_picked):
    hp = half_picked
    assert heartbeat(floor, hp["a"], hp["t0"] + timedelta(seconds=LEASE * 3)) == {"ok": True}
    assert lease_of(floor, hp["task_id"]) == hp["t0"] + timedelta(seconds=LEASE * 4)
    assert request_task(floor, hp["b"], hp["t0"] + timedelta(seconds=LEASE * 3 + 1))["message"]["code"] == \
        "waiting_for_work"


def test_the_lease_length_is_configured(app, floor, half_picked):
    hp = half_picked
    floor.settings = type(floor.settings)(**{**floor.settings.__dict__, "task_lease_seconds": 30.0})
    heartbeat(floor, hp["a"], hp["t0"])
    assert lease_of(floor, hp["task_id"]) == hp["t0"] + timedelta(seconds=30)
    assert request_task(floor, hp["b"], hp["t0"] + timedelta(seconds=31))["task"]["id"] == hp["task_id"]


# --- many claimers, PostgreSQL ---------------------------------------------------------

CLAIMERS, TASKS, EXPIRED = 16, 2000, 400


@pytest.fixture
def pg_floor(postgres_url):
    from server import create_app
    from tests.conftest import empty_tables

    empty_tables(postgres_url)
    app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "SECRET_KEY": "test-secret",
                      "DB_POOL_SIZE": CLAIMERS + 2})
    yield app.extensions["colis"]
    app.extensions["colis"].close()


def bulk_tasks(engine, ghost_station: int, now: datetime) -> None:
    """TASKS pick tasks of one order each: EXPIRED held by a silent station past its lease, the
    rest open. Core inserts (what the life cycles allow: allocated/open, picking/assigned)."""
    with engine.begin() as connection:
        customer = connection.execute(insert(Customer).values(email="c@exemple.fr", name="C", phone="")
                                      .returning(Customer.id)).scalar_one()
        address = connection.execute(insert(Address).values(customer_id=customer, name="C", line1="1 rue",
                                                            line2="", postal_code="69001", city="Lyon",
                                                            country="FR").returning(Address.id)).scalar_one()
        connection.execute(insert(Order), [
            {"id": n + 1, "channel": "web", "external_id": f"E{n}", "customer_id": customer,
             "ship_address_id": address, "status": "picking" if n < EXPIRED else "allocated",
             "service_level": "standard", "promised_ship_by": now, "created_at": now, "total_cents": 0,
             "currency": "EUR"} for n in range(TASKS)])
        connection.execute(insert(Task), [
            {"kind": "pick", "order_id": n + 1, "priority": n % 3, "released": True, "created_at": now,
             **({"status": "assigned", "station_id": ghost_station, "lease_expires_at": now - timedelta(seconds=1)}
                if n < EXPIRED else {"status": "open", "station_id": None, "lease_expires_at": None})}
            for n in range(TASKS)])


@pytest.mark.postgres
def test_sixteen_claimers_over_two_thousand_tasks_claim_each_exactly_once(pg_floor):
    with pg_floor.uow() as uow:
        ghost = add_station(uow, "GHOST", "pick")[0]
        claimers = [add_station(uow, f"PICK-{n:02d}", "pick")[0] for n in range(CLAIMERS)]
        uow.commit()
    now = datetime.now(timezone.utc)
    bulk_tasks(pg_floor.engine, ghost, now)

    claimed: dict[int, list[int]] = {station: [] for station in claimers}
    errors: list[BaseException] = []
    start = threading.Barrier(CLAIMERS)

    def claimer(station_id: int) -> None:
        start.wait()
        try:
            while True:
                with pg_floor.uow() as uow:
                    task_id = dispatch.claim_next(uow, uow.session.get(Station, station_id), "pick", now=now)
                if task_id is None:
                    return
                claimed[station_id].append(task_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(station,)) for station in claimers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    every = [task for tasks in claimed.values() for task in tasks]
    assert [task for task, n in Counter(every).items() if n > 1] == []
    assert len(every) == TASKS
    assert sum(1 for tasks in claimed.values() if tasks) > 1  # they really claimed side by side
    engine = create_engine(pg_floor.engine.url)
    with engine.connect() as connection:
        holders = dict(connection.execute(select(Task.id, Task.station_id)).all())
        open_left = connection.scalar(select(func.count()).select_from(Task).where(Task.status == "open"))
    engine.dispose()
    assert open_left == 0
    assert all(holders[task] == station for station, tasks in claimed.items() for task in tasks)


def test_a_cart_takes_over_a_silent_stations_small_order_first_and_leaves_big_ones(floor):
    """Batch claims see expired leases too, within the cart's unit limit, before open orders."""
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=50)
        small, big, other = (add_order(uow, [(lamp, n)]) for n in (2, 9, 1))
        for placed in (small, big, other):
            allocate_order(uow, placed.id)
        single = add_station(uow, "PICK-A", "pick")[0]
        cart = add_station(uow, "CART-01", "pick_batch")[0]
        uow.commit()
    t0 = datetime.now(timezone.utc)
    with floor.uow() as uow:  # PICK-A holds the small order, then falls silent; the big one too
        for order in (small, big):
            task = uow.session.scalars(select(Task).where(Task.order_id == order.id)).one()
            task.status, task.station_id, task.lease_expires_at = "assigned", single, t0
        uow.commit()
    screen = request_task(floor, cart, t0 + timedelta(seconds=1))
    assert screen["state"] == "bind_totes"
    assert [entry["order"] for entry in screen["batch"]["orders"]] == [small.reference, other.reference]
    with floor.uow() as uow:
        held_by = dict(uow.session.execute(select(Task.order_id, Task.station_id)).all())
    assert (held_by[small.id], held_by[big.id], held_by[other.id]) == (cart, single, cart)
