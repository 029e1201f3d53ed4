"""The packing bench through the services, on SQLite and PostgreSQL (issue 12): badge, tote,
units, box, a wrong weight and its recount, a good weight, label and packing slip, the parcel
shown shipped; a problem order handed to a supervisor; an item of another order."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server import feed
from server.domain.packing import BoxType, PackPolicy
from server.models import AuditEvent, Order, Package, PrintJob, Product, ScanEvent, Station, Task, User
from server.services import badges, dispatch, operator, parcel_contents, printing, scans
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station, add_user

POLICY = PackPolicy(boxes=(BoxType("BOX-S", (200, 150, 100), 100, 2_000), BoxType("BOX-M", (400, 300, 200), 250)),
                    weigh=True, packing_slip=True)


def scan(floor, station_id: int, raw: str, scan_id: str | None = None) -> dict:
    cmd = scans.ScanCommand(scan_id or str(uuid.uuid4()), raw, None, datetime.now(timezone.utc))
    with floor.uow() as uow:
        return scans.record_scan(uow, uow.session.get(Station, station_id), cmd)


def press(floor, station_id: int, name: str, **params) -> dict:
    with floor.uow() as uow:
        return operator.press(uow, uow.session.get(Station, station_id), name, params)


def request_task(floor, station_id: int) -> dict:
    with floor.uow() as uow:
        return dispatch.request_task(uow, uow.session.get(Station, station_id))


def picked_order(floor, pick_id: int, items) -> int:
    """An order picked through the services: its pack task waits with its tote."""
    with floor.uow() as uow:
        order = add_order(uow, items)
        allocate_order(uow, order.id)
        uow.commit()
        order_id = order.id
    request_task(floor, pick_id)
    for item, quantity in items:
        for _ in range(quantity):
            scan(floor, pick_id, item.gtin)
    return order_id


@pytest.fixture
def bench(floor):
    floor.session_factory.kw["info"]["pack_policy"] = POLICY
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe", on_hand=9, weight_g=400), add_item(uow, "Mug", on_hand=9, weight_g=300)
        pick_id, _ = add_station(uow, "PICK-01", "pick")
        pack_id, _ = add_station(uow, "PACK-01", "pack")
        user_id = add_user(uow, "sophie", "packer")
        uow.session.get(User, user_id).locale = "en"
        badge = badges.issue_badge(uow, user_id, actor="user:admin")
        uow.commit()
    return {"lamp": lamp, "mug": mug, "pick": pick_id, "pack": pack_id, "badge": badge}


def test_a_whole_pack_with_badge_box_a_recount_and_the_slip(floor, bench):
    lamp, mug, pack = bench["lamp"], bench["mug"], bench["pack"]
    order_id = picked_order(floor, bench["pick"], [(lamp, 2), (mug, 1)])
    signed = scan(floor, pack, bench["badge"])
    assert signed["operator"]["locale"] == "en"
    assert signed["message"]["text"].startswith("Hello")  # the operator's language, not the station's
    screen = request_task(floor, pack)
    assert screen["state"] == "pack" and screen["pack"]["next"] == "item"
    assert screen["operator"]["locale"] == "en"
    for gtin in (lamp.gtin, lamp.gtin):
        assert scan(floor, pack, gtin)["message"]["level"] == "ok"
    boxing = scan(floor, pack, mug.gtin)
    assert (boxing["state"], boxing["pack"]["proposed"]) == ("choose_box", "BOX-S")
    assert [box["code"] for box in boxing["pack"]["boxes"]] == ["BOX-S", "BOX-M"]
    weighing = scan(floor, pack, "BOX-S")
    assert (weighing["state"], weighing["pack"]["expected_g"]) == ("weigh", 1_200)
    off = press(floor, pack, "weigh", grams=1_500)
    assert (off["state"], off["message"]["code"], off["task"]["progress"]["done"]) == ("pack", "weight_mismatch", 0)
    for gtin in (lamp.gtin, mug.gtin, lamp.gtin):
        scan(floor, pack, gtin)
    press(floor, pack, "box", box="BOX-S")
    printing_screen = press(floor, pack, "weigh", grams=1_212)
    assert printing_screen["state"] == "print_label"
    assert [job["kind"] for job in printing_screen["print"]] == ["shipping", "packing_slip"]
    assert "1.21 kg" in printing_screen["print"][0]["zpl"]  # the weight the scale read, not the catalog's 1.20
    with floor.uow() as uow:
        for job in printing_screen["print"]:
            screen = printing.confirm_print(uow, uow.session.get(Station, pack), job["job_id"], ok=True)
    assert screen["state"] == "idle" and screen["pack"]["next"] == "tote"
    with floor.uow() as uow:
        package = uow.session.scalars(select(Package).where(Package.order_id == order_id)).one()
        assert screen["pack"]["last"] == {"carrier": package.carrier, "tracking": package.tracking_number,
                                          "order": Order.reference_of(order_id)}
        assert package.weight_g == 1_212 and uow.session.get(Order, order_id).status == "shipped"
        events = [event.action for event in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"operator_signed_in", "parcel_recount", "parcel_closed"} <= set(events)
    assert screen["operator"]["locale"] == "en"


def test_a_tote_scan_brings_its_order_and_a_replayed_scan_changes_nothing(floor, bench):
    first = picked_order(floor, bench["pick"], [(bench["lamp"], 1)])
    second = picked_order(floor, bench["pick"], [(bench["mug"], 1)])
    with floor.uow() as uow:
        tote = uow.session.scalars(select(Task.tote).where(Task.order_id == second, Task.kind == "pack")).one()
    screen = request_task(floor, bench["pack"])
    assert screen["task"]["order"] == Order.reference_of(first)  # the queue's first
    if tote:
        taken = scan(floor, bench["pack"], tote)
    else:  # single-order picking fills no tote: the order's own barcode names it
        taken = scan(floor, bench["pack"], Order.reference_of(second))
    assert taken["task"]["order"] == Order.reference_of(second) and taken["message"]["code"] == "pack_order_found"
    other = scan(floor, bench["pack"], bench["lamp"].gtin)  # the first order's lamp, in this tote
    assert (other["message"]["code"], other["message"]["level"]) == ("item_of_other_order", "error")
    scan_id = str(uuid.uuid4())
    scan(floor, bench["pack"], bench["mug"].gtin, scan_id)
    again = scan(floor, bench["pack"], bench["mug"].gtin, scan_id)
    assert again["duplicate"] and again["state"] == "choose_box"
    with floor.uow() as uow:
        assert uow.session.scalar(select(Task.status).where(Task.order_id == first, Task.kind == "pack")) == "open"
        assert len(uow.session.scalars(select(ScanEvent).where(ScanEvent.uuid == scan_id)).all()) == 1


def test_a_problem_order_goes_to_the_supervisor_and_comes_back_when_sent(app, floor, bench):
    order_id = picked_order(floor, bench["pick"], [(bench["lamp"], 1), (bench["mug"], 1)])
    request_task(floor, bench["pack"])
    scan(floor, bench["pack"], bench["lamp"].gtin)
    refused = press(floor, bench["pack"], "hand_over")
    assert refused["message"]["code"] == "hand_over_reason" and refused["state"] == "pack"
    handed = press(floor, bench["pack"], "hand_over", reason="damaged")
    assert (handed["state"], handed["message"]["level"], handed["message"]["code"]) == ("idle", "warn", "handed_over")
    assert request_task(floor, bench["pack"])["state"] == "idle"  # off the floor until a supervisor acts
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.order_id == order_id, Task.kind == "pack")).one()
        assert (task.status, task.released, task.station_id) == ("open", False, None)
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "order_handed_over")).one()
        assert event.detail["reason"] == "damaged" and event.actor == "station:PACK-01"
        assert sum(line.done_qty for line in task.lines) == 1  # what was checked is kept
        line = next(line for line in feed.recent(uow.session) if line["type"] == "order_handed_over")
    assert line["level"] == "bad" and line["href"] == f"/orders/{Order.reference_of(order_id)}"  # the dashboard's
    assert line["text"]["en"].endswith("handed to a supervisor (damaged item)")  # exceptions, in words

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["handed-over"])
    assert listed.exit_code == 0 and Order.reference_of(order_id) in listed.output
    back = runner.invoke(args=["send-back", Order.reference_of(order_id)])
    assert back.exit_code == 0, back.output
    again = runner.invoke(args=["send-back", Order.reference_of(order_id)])
    assert again.exit_code != 0 and "not waiting for a supervisor" in again.output
    screen = request_task(floor, bench["pack"])  # back on the benches, with the unit already checked
    assert screen["state"] == "pack" and screen["task"]["progress"]["done"] == 1


def test_an_order_in_two_parcels_gets_two_labels_n_of_m_each_with_its_weight(floor, bench):
    lamp, mug, pack = bench["lamp"], bench["mug"], bench["pack"]
    order_id = picked_order(floor, bench["pick"], [(lamp, 2), (mug, 1)])
    request_task(floor, pack)
    for gtin in (lamp.gtin, lamp.gtin, mug.gtin):
        scan(floor, pack, gtin)
    assert press(floor, pack, "parcels", count=2)["pack"]["parcels"] == 2
    weighing = scan(floor, pack, "BOX-S")
    assert (weighing["pack"]["expected_g"], weighing["pack"]["weighed"]) == (1_300, 0)  # 2 boxes of 100 g
    # Which units go in which box: shared out by weight, shown box by box, recorded as shown.
    assert weighing["pack"]["contents"] == [{"sku": lamp.sku, "name": "Lampe", "quantity": 1},
                                            {"sku": mug.sku, "name": "Mug", "quantity": 1}]
    assert weighing["pack"]["parcel_expected_g"] == 800  # this box's share: a lamp, the mug, the box
    second = press(floor, pack, "weigh", grams=820)
    assert (second["pack"]["weighed"], second["pack"]["parcel_expected_g"]) == (1, 500)
    assert second["pack"]["contents"] == [{"sku": lamp.sku, "name": "Lampe", "quantity": 1}]
    printing_screen = press(floor, pack, "weigh", grams=500)
    kinds = [job["kind"] for job in printing_screen["print"]]
    assert kinds == ["shipping", "shipping", "packing_slip", "packing_slip"]  # a slip in each box
    labels = [job["zpl"] for job in printing_screen["print"][:2]]
    assert "1/2" in labels[0] and "0.82 kg" in labels[0] and "2/2" in labels[1] and "0.50 kg" in labels[1]
    slips = [job["zpl"] for job in printing_screen["print"][2:]]
    assert lamp.sku in slips[0] and mug.sku in slips[0] and lamp.sku in slips[1] and mug.sku not in slips[1]
    with floor.uow() as uow:
        packages = uow.session.scalars(select(Package).where(Package.order_id == order_id).order_by(Package.id)).all()
        assert [package.weight_g for package in packages] == [820, 500]
        assert len({package.sscc for package in packages}) == len({package.tracking_number for package in packages}) == 2
        contents = parcel_contents.of_order(uow.session, order_id)
        assert [[(line.sku, line.quantity) for line in contents[package.id]] for package in packages] == \
            [[(lamp.sku, 1), (mug.sku, 1)], [(lamp.sku, 1)]]
        for job in printing_screen["print"]:
            screen = printing.confirm_print(uow, uow.session.get(Station, pack), job["job_id"], ok=True)
    assert screen["state"] == "idle"


def test_measured_products_are_proposed_the_smallest_box_they_fit_and_half_sizes_are_refused(floor, bench):
    lamp, mug, pack = bench["lamp"], bench["mug"], bench["pack"]
    with floor.uow() as uow:
        uow.session.get(Product, lamp.product_id).length_mm = 250  # too long for BOX-S (200 mm)
        uow.session.get(Product, lamp.product_id).width_mm = 60
        uow.session.get(Product, lamp.product_id).height_mm = 60
        uow.commit()
    picked_order(floor, bench["pick"], [(lamp, 1), (mug, 1)])
    request_task(floor, pack)
    scan(floor, pack, lamp.gtin)
    boxing = scan(floor, pack, mug.gtin)  # the mug is not measured: its weight counts
    assert (boxing["state"], boxing["pack"]["proposed"]) == ("choose_box", "BOX-M")
    refused = scan(floor, pack, "BOX-S")
    assert (refused["state"], refused["message"]["code"]) == ("choose_box", "box_too_small")
    with floor.uow() as uow, pytest.raises(IntegrityError):
        uow.session.get(Product, mug.product_id).length_mm = 100  # a length without width and height
        uow.session.flush()


def test_a_bench_that_needs_a_badge_claims_nothing_until_one_is_scanned(floor, bench):
    floor.session_factory.kw["info"]["pack_policy"] = replace(POLICY, badge_required=True)
    order_id = picked_order(floor, bench["pick"], [(bench["mug"], 1)])
    waiting = request_task(floor, bench["pack"])
    assert (waiting["state"], waiting["task"], waiting["pack"]["next"]) == ("sign_in", None, "badge")
    assert scan(floor, bench["pack"], bench["mug"].gtin)["message"]["code"] == "badge_needed"
    assert scan(floor, bench["pack"], bench["badge"])["state"] == "idle"
    screen = request_task(floor, bench["pack"])
    assert screen["state"] == "pack" and screen["task"]["order"] == Order.reference_of(order_id)
