"""A whole pack at a real bench (issue 12): a `colis-server serve` process, a station agent
with its scanner and its scale on real pseudo-terminals (MT-SICS) and a Zebra-speaking printer
on TCP. The packer signs in with a badge, scans the order's tote, packs; the server is stopped
mid-pack and the scans made meanwhile wait in the outbox; it restarts and they are applied
once each; the box is scanned, the scale reads a wrong weight (recount) then a good one; the
label and the packing slip come out of the printer; the parcel is shipped."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, update

from server.models import Order, Package, ScanEvent, Station, Task, User
from server.services import badges, dispatch, scans
from server.services.allocation import allocate_order
from station.__main__ import run_station
from station.config import StationConfig
from station.drivers.simulated import FakeZebraPrinter, PtyScale, PtyScanner
from tests.factories import add_item, add_order, add_station, add_user
from tests.floorkit import wait_for
from tests.processes import ServerProcess, cluster_env, logs_on_failure, require_redis, seeding_floor

BOXES = "BOX-S:200x150x100:100:2000,BOX-M:400x300x200:250"
TOTE = "TOTE-0042"


def screen_of(agent) -> dict:
    return agent.core.screen()


def wait_screen(agent, what: str, predicate, timeout: float = 20.0) -> dict:
    return wait_for(lambda: (lambda s: s if predicate(s) else None)(screen_of(agent)), timeout,
                    f"{what} (now {screen_of(agent)['state']!r}: {screen_of(agent)['message']})")


def scan(agent, scanner, code: str, timeout: float = 20.0) -> dict:
    """Scan through the pty, wait until the answer is drawn (a new message, nothing waiting)."""
    before = screen_of(agent)["message_id"]
    scanner.scan(code)
    return wait_screen(agent, f"the reply to {code}", lambda s: s["message_id"] > before
                       and agent.outbox.count() == 0, timeout)


def seed(database_url: str) -> dict:
    """An order picked through the services, a pack station, a packer with a badge (English)."""
    with seeding_floor(database_url) as floor:
        with floor.uow() as uow:
            lamp, mug = add_item(uow, "Lampe", on_hand=3, weight_g=400), add_item(uow, "Mug", on_hand=3, weight_g=300)
            order = add_order(uow, [(lamp, 2), (mug, 1)])
            allocate_order(uow, order.id)
            # Picked into a tote, as batch picking binds one: the bench takes the order by its tote.
            uow.session.execute(update(Task).where(Task.order_id == order.id).values(tote=TOTE))
            picker_id, _ = add_station(uow, "PICK-01", "pick")
            _, token = add_station(uow, "PACK-01", "pack")
            user_id = add_user(uow, "sophie", "packer")
            uow.session.get(User, user_id).locale = "en"
            badge = badges.issue_badge(uow, user_id, actor="user:admin")
            uow.commit()
        with floor.uow() as uow:
            dispatch.request_task(uow, uow.session.get(Station, picker_id))
        for gtin in (lamp.gtin, lamp.gtin, mug.gtin):
            with floor.uow() as uow:
                cmd = scans.ScanCommand(str(uuid.uuid4()), gtin, None, datetime.now(timezone.utc))
                scans.record_scan(uow, uow.session.get(Station, picker_id), cmd)
    return {"url": database_url, "order_id": order.id, "order": Order.reference_of(order.id), "lamp": lamp.gtin,
            "mug": mug.gtin, "token": token, "badge": badge}


@pytest.fixture
def bench_floor(database_url):
    require_redis()
    return seed(database_url)


# PostgreSQL only, as a floor runs it: the same pack on SQLite is tests/integration/test_pack_flow.py
# (replays included), and a restart on SQLite is tests/e2e/test_network_drop.py's replay.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_whole_pack_survives_a_server_restart_and_prints_label_and_slip(bench_floor, tmp_path):
    env = {**cluster_env(bench_floor["url"], tmp_path), "COLIS_PACK_BOXES": BOXES, "COLIS_PACK_WEIGH": "true",
           "COLIS_PACK_SLIP": "true"}
    server = ServerProcess("pack", env, tmp_path)
    scanner, scale, printer = PtyScanner(), PtyScale(["S D      1.480 kg", "S S      1.500 kg"]), FakeZebraPrinter().start()
    agent = None
    with logs_on_failure(server):
        try:
            server.wait_healthy(time.monotonic() + 20)
            agent = run_station(StationConfig(
                server_url=server.url, station_code="PACK-01", token=bench_floor["token"], scanner_url=scanner.device,
                printer_url=printer.url, scale_url=scale.device, scale_protocol="mt-sics",
                outbox_path=str(tmp_path / "outbox.sqlite"), ack_timeout=3.0))
            wait_screen(agent, "the order on the bench", lambda s: s["state"] == "pack")
            signed = scan(agent, scanner, bench_floor["badge"])
            assert signed["operator"]["name"] == "sophie" and signed["message"]["code"] == "signed_in"
            assert scan(agent, scanner, TOTE)["message"]["code"] == "pack_order_found"  # its order, by its tote
            assert scan(agent, scanner, bench_floor["lamp"])["task"]["progress"]["done"] == 1

            server.stop()  # mid-pack
            wait_screen(agent, "offline", lambda s: s["offline"])
            scanner.scan(bench_floor["lamp"])
            scanner.scan(bench_floor["mug"])
            wait_for(lambda: agent.outbox.count() == 2, 10, "two scans kept while the server is down")
            server = ServerProcess("pack", env, tmp_path, port=server.port)
            server.wait_healthy(time.monotonic() + 20)
            boxing = wait_screen(agent, "the box step after the replay", lambda s: s["state"] == "choose_box", 30)
            assert boxing["pack"]["proposed"] == "BOX-S" and agent.outbox.count() == 0

            scanner.scan("BOX-S")  # the scale then reads 1.500 kg: 1.200 kg expected
            recount = wait_screen(agent, "the recount", lambda s: (s["message"] or {}).get("code") == "weight_mismatch")
            assert recount["state"] == "pack" and recount["task"]["progress"]["done"] == 0
            assert scale.commands.count("S") == 2  # dynamic, asked again, then stable
            scale.answers = ["S S      1.210 kg"]
            for gtin in (bench_floor["lamp"], bench_floor["mug"], bench_floor["lamp"]):
                scan(agent, scanner, gtin)
            scanner.scan("BOX-S")
            label, slip = printer.wait_for_jobs(2, timeout=30)
            done = wait_screen(agent, "the parcel shipped", lambda s: s["state"] == "idle" and (s["pack"] or {}).get("last"))
        finally:
            if agent is not None:
                agent.stop()
            server.stop()
            for device in (scanner, scale):
                device.close()
            printer.stop()
    with seeding_floor(bench_floor["url"]) as floor, floor.uow() as uow:
        package = uow.session.scalars(select(Package).where(Package.order_id == bench_floor["order_id"])).one()
        assert package.tracking_number.encode() in label and b"1.21 kg" in label
        assert b"PACKING SLIP" in slip and bench_floor["order"].encode() in slip
        assert done["pack"]["last"]["tracking"] == package.tracking_number
        assert uow.session.get(Order, bench_floor["order_id"]).status == "shipped"
        pack_id = uow.session.scalar(select(Station.id).where(Station.code == "PACK-01"))
        rows = uow.session.execute(select(ScanEvent.uuid, ScanEvent.raw, ScanEvent.outcome)
                                   .where(ScanEvent.station_id == pack_id).order_by(ScanEvent.id)).all()
        assert len({row.uuid for row in rows}) == len(rows) == 10  # badge, tote, 3 + 3 units, 2 boxes
        assert [row.outcome for row in rows] == [
            "signed_in", "same_order", "counted", "counted", "task_complete", "box_chosen",
            "counted", "counted", "task_complete", "box_chosen"]
        assert uow.session.scalar(select(func.count()).select_from(Package)) == 1
    assert len(printer.jobs) == 2
