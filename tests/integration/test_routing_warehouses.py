"""Routing over three warehouses (issue 14), on SQLite and PostgreSQL: whole to the nearest,
split over the fewest, held by policy, short; the carrier chosen by promise and cost, and
re-routed at packing when the parcel weighs more than its service takes."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from labels import make_sscc
from server import carriers
from server.models import (Bin, Order, OrderStatusChange, Package, PrintJob, RoutingDecision, Stock, Task,
                           Warehouse, WarehouseZone)
from server.models._types import utcnow
from server.services import routing, shipping
from server.services.locking import claim_tasks
from tests.factories import add_item, add_order, add_station

MONDAY_9H = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # 09:00 in Lyon


def add_warehouse(uow, code: str, city: str, postal: str, zones: list[tuple[str, str, int]]) -> int:
    if code == "LYON":
        warehouse = uow.session.get(Warehouse, 1)  # the default one, renamed
        warehouse.code, warehouse.city, warehouse.postal_code = code, city, postal
    else:
        warehouse = Warehouse(code=code, name=f"Entrepôt {city}", line1="1 rue du Quai", postal_code=postal,
                              city=city, country="FR")
        uow.session.add(warehouse)
    uow.session.flush()
    for country, prefix, km in zones:
        uow.session.add(WarehouseZone(warehouse_id=warehouse.id, country=country, postal_prefix=prefix, km=km))
    return warehouse.id


def stock_in(uow, item, warehouse_id: int, units: int) -> None:
    """``units`` of the item in a bin of that warehouse (the factory's bin holds none)."""
    code = f"W{warehouse_id}-{item.product_id:02d}-01-1"
    bin_ = Bin(code=code, zone=f"W{warehouse_id}", aisle=item.product_id, bay=1, level=1, warehouse_id=warehouse_id)
    uow.session.add(bin_)
    uow.session.flush()
    uow.session.add(Stock(product_id=item.product_id, bin_id=bin_.id, on_hand=units, reserved=0))
    uow.session.flush()


@pytest.fixture
def network(floor):
    """LYON (the default warehouse), PARIS and LILLE; a lamp, a mug and a book stocked nowhere yet."""
    with floor.uow() as uow:
        ids = {"LYON": add_warehouse(uow, "LYON", "Lyon", "69001", [("FR", "", 400), ("FR", "69", 10),
                                                                      ("FR", "75", 460)]),
               "PARIS": add_warehouse(uow, "PARIS", "Paris", "75019", [("FR", "", 450), ("FR", "75", 15),
                                                                         ("FR", "69", 460)]),
               "LILLE": add_warehouse(uow, "LILLE", "Lille", "59000", [("FR", "", 500), ("FR", "75", 220),
                                                                         ("BE", "", 110)])}
        items = {name: add_item(uow, name, on_hand=0, weight_g=400) for name in ("lamp", "mug", "book")}
        uow.commit()
    return {"ids": ids, **items}


def order_to(uow, lines, postal: str, service_level: str = "standard", country: str = "FR") -> int:
    order = add_order(uow, lines, service_level=service_level)
    order.ship_address.postal_code, order.ship_address.country = postal, country
    uow.session.flush()
    return order.id


def decisions(uow, order_id: int, kind: str) -> list[RoutingDecision]:
    return list(uow.session.scalars(select(RoutingDecision).where(RoutingDecision.order_id == order_id,
                                                                   RoutingDecision.kind == kind)))


def test_an_order_goes_whole_to_the_nearest_warehouse_that_has_it(floor, network):
    ids = network["ids"]
    with floor.uow() as uow:
        for code in ("LYON", "PARIS", "LILLE"):
            stock_in(uow, network["lamp"], ids[code], 5)
        stock_in(uow, network["mug"], ids["LYON"], 5)
        stock_in(uow, network["mug"], ids["LILLE"], 5)
        order_id = order_to(uow, [(network["lamp"], 2), (network["mug"], 1)], "75011")
        routed = routing.route_order(uow, order_id, now=MONDAY_9H)
        uow.commit()
    assert routed.outcome == "whole" and len(routed.orders) == 1
    with floor.uow() as uow:
        order = uow.session.get(Order, order_id)
        task = uow.session.scalars(select(Task).where(Task.order_id == order_id)).one()
        # Paris is nearest but has no mug: Lille (220 km) before Lyon (460 km).
        assert order.status == "allocated" and order.warehouse_id == task.warehouse_id == ids["LILLE"]
        assert {line.bin.warehouse_id for line in task.lines} == {ids["LILLE"]}
        why = decisions(uow, order_id, "warehouse")
        assert [(d.outcome, d.reason, d.warehouse_id) for d in why] == [("whole", "routed_whole", ids["LILLE"])]
        assert why[0].params["distances"] == {"LYON": 460, "PARIS": 15, "LILLE": 220} and why[0].params["km"] == 220
        carrier = decisions(uow, order_id, "carrier")
        assert [(d.outcome, d.service) for d in carrier] == [("chosen", order.carrier_service)]


def test_no_warehouse_has_it_all_so_it_is_split_over_the_fewest(floor, network):
    ids = network["ids"]
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], ids["LYON"], 5)
        stock_in(uow, network["mug"], ids["PARIS"], 5)
        stock_in(uow, network["book"], ids["PARIS"], 5)
        stock_in(uow, network["book"], ids["LILLE"], 5)
        order_id = order_to(uow, [(network["lamp"], 1), (network["mug"], 1), (network["book"], 1)], "69003")
        routed = routing.route_order(uow, order_id, now=MONDAY_9H)
        uow.commit()
    assert routed.outcome == "split" and len(routed.orders) == 2
    with floor.uow() as uow:
        parent = uow.session.get(Order, order_id)
        part = uow.session.scalars(select(Order).where(Order.split_from_id == order_id)).one()
        assert (parent.warehouse_id, part.warehouse_id) == (ids["LYON"], ids["PARIS"])  # nearest part first
        assert [l.product_id for l in parent.lines] == [network["lamp"].product_id]
        assert sorted(l.product_id for l in part.lines) == sorted([network["mug"].product_id,
                                                                  network["book"].product_id])
        assert part.external_id == f"{parent.external_id}/2" and part.status == parent.status == "allocated"
        assert part.total_cents + parent.total_cents == 3 * 1990
        tasks = uow.session.scalars(select(Task).order_by(Task.id)).all()
        assert [(t.order_id, t.warehouse_id) for t in tasks] == [(order_id, ids["LYON"]), (part.id, ids["PARIS"])]
        assert decisions(uow, order_id, "warehouse")[0].reason == "routed_split"
        assert decisions(uow, part.id, "warehouse")[0].params == {"from": parent.reference}


def test_the_hold_policy_waits_until_one_warehouse_can_ship_it_whole(floor, network):
    ids = network["ids"]
    with floor.uow() as uow:
        uow.settings = dataclasses.replace(uow.settings, routing_policy="hold")
        stock_in(uow, network["lamp"], ids["LYON"], 5)
        stock_in(uow, network["mug"], ids["PARIS"], 5)
        order_id = order_to(uow, [(network["lamp"], 1), (network["mug"], 1)], "69003")
        assert routing.route_order(uow, order_id, now=MONDAY_9H).outcome == "held"
        uow.commit()
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "backordered"
        assert uow.session.scalar(select(func.count()).select_from(Task)) == 0
        stock_in(uow, network["mug"], ids["LYON"], 1)  # a delivery comes in at Lyon
        assert routing.route_waiting_orders(uow) == {"whole": 1}
        uow.commit()
    with floor.uow() as uow:
        order = uow.session.get(Order, order_id)
        assert (order.status, order.warehouse_id) == ("allocated", ids["LYON"])
        assert [d.outcome for d in decisions(uow, order_id, "warehouse")] == ["held", "whole"]


def test_an_order_the_network_cannot_fill_is_backordered_with_the_short_products(floor, network):
    ids = network["ids"]
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], ids["LYON"], 1)
        stock_in(uow, network["lamp"], ids["PARIS"], 1)
        order_id = order_to(uow, [(network["lamp"], 3)], "69003")
        assert routing.route_order(uow, order_id, now=MONDAY_9H).outcome == "short"
        uow.commit()
    with floor.uow() as uow:
        (why,) = decisions(uow, order_id, "warehouse")
        assert (why.reason, why.params["products"]) == ("routed_short", [network["lamp"].product_id])
        assert uow.session.get(Order, order_id).status == "backordered"


def test_a_station_claims_only_its_own_warehouses_tasks(floor, network):
    ids = network["ids"]
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], ids["LYON"], 5)
        stock_in(uow, network["mug"], ids["PARIS"], 5)
        lyon_order = order_to(uow, [(network["lamp"], 1)], "69003")
        paris_order = order_to(uow, [(network["mug"], 1)], "75011")
        for order_id in (lyon_order, paris_order):
            routing.route_order(uow, order_id, now=MONDAY_9H)
        station_id, _ = add_station(uow, "PICK-PARIS", "pick")
        uow.commit()
    with floor.uow() as uow:
        now = utcnow()
        claim = dict(now=now, lease_until=now + timedelta(minutes=5))
        claimed = claim_tasks(uow.session, "pick", station_id, 5, warehouse_id=ids["PARIS"], **claim)
        assert [task.order_id for task in claimed] == [paris_order]
        assert claim_tasks(uow.session, "pick", station_id, 5, warehouse_id=ids["LILLE"], **claim) == []
        uow.commit()


@pytest.mark.parametrize("level, promise, service", [
    ("standard", date(2026, 12, 4), "DPD_PREDICT"),   # 4 days: the cheapest on time
    ("express", date(2026, 12, 1), "UPS_STANDARD"),   # tomorrow: the cheapest next-day service
])
def test_the_carrier_is_the_cheapest_that_keeps_the_promise(floor, network, level, promise, service):
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], network["ids"]["LYON"], 5)
        order_id = order_to(uow, [(network["lamp"], 2)], "69003", service_level=level)
        uow.session.get(Order, order_id).created_at = MONDAY_9H
        routing.route_order(uow, order_id, now=MONDAY_9H)
        uow.commit()
    with floor.uow() as uow:
        order = uow.session.get(Order, order_id)
        assert (order.promised_delivery_on, order.carrier_service) == (promise, service)
        (why,) = decisions(uow, order_id, "carrier")
        assert why.reason == "service_cheapest_on_time" and why.params["weight_g"] == 2 * 400 + 150


def packed(uow, order_id: int, weight_g: int) -> Package:
    """A parcel boxed and booked as packing does it (its label queued on a station)."""
    station_id, _ = add_station(uow, f"PACK-{order_id}", "pack")
    package = Package(order_id=order_id, carrier="", service="", weight_g=weight_g)
    uow.session.add(package)
    uow.session.flush()
    package.sscc = make_sscc(0, "3761234", package.id)
    shipping.book_package(uow, package, now=MONDAY_9H)
    from server.services.packing import _label_zpl

    uow.session.add(PrintJob(station_id=station_id, package_id=package.id, kind="shipping",
                             zpl=_label_zpl(uow, package)))
    uow.session.flush()
    return package


def test_a_parcel_over_its_services_weight_limit_is_rerouted_at_packing(floor, network):
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], network["ids"]["LYON"], 5)
        order_id = order_to(uow, [(network["lamp"], 2)], "69003")
        routing.route_order(uow, order_id, now=MONDAY_9H)
        package = packed(uow, order_id, 950)
        assert (package.carrier, package.service) == ("DPD", "DPD_PREDICT")
        first_number = package.tracking_number
        assert carriers.tracking_format_ok("DPD", first_number)
        kept = shipping.recheck_service(uow, package.id, 1200)
        assert kept.outcome == "kept" and package.tracking_number == first_number
        # The scale says 35 kg (a heavy box): over DPD's 31.5 kg.
        check = shipping.recheck_service(uow, package.id, 35_000, actor="station:PACK-01", now=MONDAY_9H)
        uow.commit()
    assert (check.outcome, check.service, check.carrier) == ("rerouted", "UPS_STANDARD", "UPS")
    assert carriers.tracking_format_ok("UPS", check.tracking_number) and check.tracking_number != first_number
    with floor.uow() as uow:
        package = uow.session.get(Package, package.id)
        assert (package.weight_g, package.tracking_number) == (35_000, check.tracking_number)
        assert uow.session.get(Order, order_id).carrier_service == "UPS_STANDARD"
        job = uow.session.scalars(select(PrintJob).where(PrintJob.package_id == package.id)).one()
        assert check.tracking_number in job.zpl and first_number not in job.zpl  # the label waiting is redrawn
        outcomes = [(d.outcome, d.reason) for d in decisions(uow, order_id, "carrier")]
        assert outcomes == [("chosen", "service_cheapest_on_time"), ("kept", "service_kept_weight"),
                            ("rerouted", "service_rerouted_weight")]


def test_a_weight_no_service_takes_or_a_bad_weight_is_refused_and_nothing_changes(floor, network):
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], network["ids"]["LYON"], 5)
        order_id = order_to(uow, [(network["lamp"], 1)], "69003")
        routing.route_order(uow, order_id, now=MONDAY_9H)
        package_id = packed(uow, order_id, 550).id
        uow.commit()
    for bad in (0, -5, "12", 2.5, True):
        with floor.uow() as uow, pytest.raises(ValueError, match="whole number of grams"):
            shipping.recheck_service(uow, package_id, bad)
    with floor.uow() as uow, pytest.raises(Exception, match="no carrier service takes 90000 g"):
        shipping.recheck_service(uow, package_id, 90_000)
    with floor.uow() as uow, pytest.raises(LookupError):
        shipping.recheck_service(uow, package_id + 1000, 500)
    with floor.uow() as uow:
        package = uow.session.get(Package, package_id)
        assert (package.weight_g, package.carrier) == (550, "DPD")


def test_every_status_change_of_an_order_is_kept_with_its_time(floor, network):
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], network["ids"]["LYON"], 5)
        order_id = order_to(uow, [(network["lamp"], 1)], "69003")
        routing.route_order(uow, order_id, now=MONDAY_9H)
        uow.commit()
    from server.services.allocation import cancel_order

    with floor.uow() as uow:
        cancel_order(uow, order_id, actor="user:chef")
        uow.commit()
    with floor.uow() as uow:
        rows = uow.session.scalars(select(OrderStatusChange).where(OrderStatusChange.order_id == order_id)
                                   .order_by(OrderStatusChange.id)).all()
        assert [row.status for row in rows] == ["new", "allocated", "cancelled"]
        assert rows[0].at <= rows[1].at <= rows[2].at


def test_the_api_order_read_shows_its_warehouse_service_decisions_and_recorded_timeline(app, floor, network):
    from server.services.intake.integrations import create_integration
    from server.services.intake.tokens import issue_token

    with floor.uow() as uow:
        shop, _ = create_integration(uow, "web", "api")
        token = issue_token(uow, shop.id, ["read"])
        stock_in(uow, network["lamp"], network["ids"]["PARIS"], 5)
        order_id = order_to(uow, [(network["lamp"], 1)], "75011")
        routing.route_order(uow, order_id, now=MONDAY_9H)
        uow.commit()
    reply = app.test_client().get(f"/api/v1/orders/{Order.reference_of(order_id)}",
                                  headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert (body["warehouse"], body["carrier_service"]) == ("PARIS", "DPD_PREDICT")
    assert [entry["status"] for entry in body["timeline"]] == ["received", "allocated"]
    assert [(d["kind"], d["outcome"]) for d in body["routing"]] == [("warehouse", "whole"), ("carrier", "chosen")]
    assert body["routing"][0]["reason"] == ("Ships whole from PARIS (15 km), the nearest warehouse that has "
                                            "everything")
    assert body["routing"][1]["reason"].startswith("DPD Predict, the cheapest that delivers on time")


def test_a_channel_cancel_of_a_split_order_cancels_every_part(floor, network):
    from server.services.intake.orders import cancel_order as channel_cancel

    ids = network["ids"]
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], ids["LYON"], 5)
        stock_in(uow, network["mug"], ids["PARIS"], 5)
        order_id = order_to(uow, [(network["lamp"], 1), (network["mug"], 1)], "69003")
        assert routing.route_order(uow, order_id, now=MONDAY_9H).outcome == "split"
        uow.commit()
    with floor.uow() as uow:
        assert channel_cancel(uow, uow.session.get(Order, order_id), actor="integration:web", reason="cancelled") == ""
        uow.commit()
    with floor.uow() as uow:
        assert set(uow.session.scalars(select(Order.status))) == {"cancelled"}
        assert set(uow.session.scalars(select(Stock.reserved))) == {0}


def test_each_station_asking_for_work_gets_its_own_warehouses_pick(floor, network):
    from server.services.warehouses import assign_station
    from tests.integration.test_floor_flow import request_task

    ids = network["ids"]
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], ids["LYON"], 5)
        stock_in(uow, network["mug"], ids["PARIS"], 5)
        paris_order = order_to(uow, [(network["mug"], 1)], "75011")
        lyon_order = order_to(uow, [(network["lamp"], 1)], "69003")
        for order_id in (paris_order, lyon_order):  # Paris's order is the older: first in any shared queue
            routing.route_order(uow, order_id, now=MONDAY_9H)
        lyon_station, _ = add_station(uow, "PICK-LYON", "pick")
        paris_station, _ = add_station(uow, "PICK-PARIS", "pick")
        assign_station(uow, "PICK-PARIS", "PARIS")
        uow.commit()
    lyon, paris = request_task(floor, lyon_station), request_task(floor, paris_station)
    assert lyon["state"] == paris["state"] == "pick"
    assert lyon["task"]["order"] == Order.reference_of(lyon_order)
    assert paris["task"]["order"] == Order.reference_of(paris_order)
