"""Who did the work (issue 9): each scan records the operator signed in by badge at its
station, a picker signs in like a packer, and the dashboard's figures per operator read it."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.models import Order, ScanEvent, Task, User
from server.services import badges, order_pages, scans, sessions
from server.services.floor_stats import per_operator
from tests.factories import add_user
from tests.integration.test_floor_flow import order_ready, request_task, scan  # noqa: F401
from tests.integration.test_pick_batch import four_orders  # noqa: F401
from tests.integration.test_scan_path import statements_of

PARIS = ZoneInfo("Europe/Paris")


def _badge(floor, username: str, name: str) -> tuple[int, str]:
    with floor.uow() as uow:
        user_id = add_user(uow, username, "picker")
        uow.session.get(User, user_id).display_name = name
        code = badges.issue_badge(uow, user_id, actor="user:admin")
        uow.commit()
        return user_id, code


def _operators_of_scans(floor) -> list[int | None]:
    with floor.uow() as uow:
        return list(uow.session.scalars(select(ScanEvent.operator_id).order_by(ScanEvent.id)))


def test_a_picker_signs_in_by_badge_and_each_scan_records_who_made_it(floor, order_ready):
    paul, paul_badge = _badge(floor, "paul", "Paul Martin")
    pick, lamp, mug = order_ready["pick"], order_ready["lamp"].gtin, order_ready["mug"].gtin
    scan(floor, pick, "3760123456784")  # nobody signed in yet: nobody's
    signed = scan(floor, pick, paul_badge)
    assert signed["message"]["code"] == "signed_in" and "Paul Martin" in signed["message"]["text"]
    assert signed["operator"]["name"] == "Paul Martin"  # on the picker's screen, as at the bench
    request_task(floor, pick)
    for gtin in (lamp, lamp, mug):
        done = scan(floor, pick, gtin)
    assert done["state"] == "idle" and done["message"]["code"] == "pick_done"
    scan(floor, pick, "3760123456784")  # after the task: still Paul's station
    assert scan(floor, pick, paul_badge)["message"]["code"] == "signed_out"
    scan(floor, pick, "3760123456784")
    assert _operators_of_scans(floor) == [None, paul, paul, paul, paul, paul, paul, None]
    with floor.uow() as uow:  # the order's timeline says who scanned, not only where
        order = uow.session.get(Order, order_ready["order_id"])
        scanned = [item["actor"] for item in order_pages.timeline(uow.session, order) if item["kind"] == "scan"]
    assert scanned == ["user:paul"] * 3


def test_the_operator_rides_in_the_scan_insert_the_pick_scan_stays_five_statements(floor, order_ready):
    paul, paul_badge = _badge(floor, "paul", "Paul")
    pick = order_ready["pick"]
    scan(floor, pick, paul_badge)
    request_task(floor, pick)

    def scan_through_the_handler_path():
        with floor.uow() as uow:
            station = sessions.load_station(uow.session, pick)  # what /station does
            cmd = scans.ScanCommand(str(uuid.uuid4()), order_ready["lamp"].gtin, None, datetime.now(timezone.utc))
            assert scans.record_scan(uow, station, cmd)["message"]["code"] == "item_ok"

    sent = statements_of(floor, scan_through_the_handler_path)
    assert [s.split()[0] for s in sent] == ["SELECT", "SELECT", "UPDATE", "UPDATE", "INSERT"], sent
    assert _operators_of_scans(floor)[-1] == paul


def test_a_packer_at_a_bench_is_recorded_too_and_the_dashboard_counts_per_operator(floor, order_ready):
    paul, paul_badge = _badge(floor, "paul", "Paul")
    zoe, zoe_badge = _badge(floor, "zoe", "Zoé")
    units = (order_ready["lamp"].gtin, order_ready["lamp"].gtin, order_ready["mug"].gtin)
    scan(floor, order_ready["pick"], paul_badge)
    scan(floor, order_ready["pack"], zoe_badge)
    for role in ("pick", "pack"):
        request_task(floor, order_ready[role])
        for gtin in units:
            scan(floor, order_ready[role], gtin)
    with floor.uow() as uow:
        assert uow.session.scalar(select(Task.status).where(Task.kind == "pack")) == "done"
        rows = {row["operator"]: row for row in per_operator(uow.session, PARIS)}
    assert (rows["Paul"]["units"], rows["Paul"]["packed"]) == (3, 0)
    assert (rows["Zoé"]["units"], rows["Zoé"]["packed"]) == (0, 1)  # her three scans are one order packed
    assert sum(rows["Paul"]["hourly"]["units"]) == 3 and sum(rows["Zoé"]["hourly"]["packed"]) == 1
    assert rows["Paul"]["units_per_hour"] == 3.0 and rows["Zoé"]["packed_per_hour"] == 1.0


def test_units_picked_with_nobody_signed_in_are_nobodys(floor, order_ready):
    request_task(floor, order_ready["pick"])
    scan(floor, order_ready["pick"], order_ready["lamp"].gtin)
    with floor.uow() as uow:
        assert per_operator(uow.session, PARIS) == []


def test_a_batch_picker_signs_in_at_the_cart_and_stays_signed_in_across_the_walk(floor, four_orders):
    paul, paul_badge = _badge(floor, "paul", "Paul")
    cart = four_orders["station"]
    assert scan(floor, cart, paul_badge)["message"]["code"] == "signed_in"
    bound = request_task(floor, cart)
    for n in range(1, 5):
        bound = scan(floor, cart, f"TOTE-{n:04d}")
    while (screen := scan(floor, cart, bound["batch"]["next"]["gtin"]))["state"] == "put_tote":
        bound = scan(floor, cart, screen["batch"]["put"]["tote"])
        if bound["state"] == "idle":
            break
    assert bound["message"]["code"] == "batch_done" and bound["operator"]["name"] == "Paul"
    assert set(_operators_of_scans(floor)) == {paul}
    with floor.uow() as uow:
        assert [(row["operator"], row["units"]) for row in per_operator(uow.session, PARIS)] == [("Paul", 6)]
