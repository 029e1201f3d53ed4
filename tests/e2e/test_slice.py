"""The vertical slice over real sockets, a real pty and a real TCP printer, on both databases.

order allocated → pick task to station A → pty scans verify the items → pack task to station
B → its scans verify → ZPL label arrives on B's TCP printer → order shipped → the returns
desk scans the RMA barcode and sees order, customer and refund. A supervisor's dashboard
socket sees it all live.
"""
from __future__ import annotations

import pytest
import requests
import socketio
from sqlalchemy import select

from server.models import Order, Package, ScanEvent
from server.services.allocation import allocate_order
from server.services.returns import authorize_return
from tests.factories import add_item, add_order, add_station, add_user
from tests.floorkit import scan_and_wait, start_floor, wait_for, wait_state


@pytest.fixture
def live(app, floor, tmp_path):
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe Émeraude", on_hand=4), add_item(uow, "Mug 33 cl", on_hand=4)
        order = add_order(uow, [(lamp, 2), (mug, 1)], name="Zoé L'Héritier-Ñúñez ^XZ~JR")
        allocate_order(uow, order.id)
        tokens = {code: add_station(uow, code, role)[1]
                  for code, role in (("PICK-01", "pick"), ("PACK-01", "pack"), ("RET-01", "returns"))}
        add_user(uow, "sophie", "supervisor")
        uow.commit()
    running = start_floor(app)
    yield {"floor": running, "tokens": tokens, "lamp": lamp, "mug": mug, "order_id": order.id, "tmp": tmp_path}
    running.stop()


def dashboard_client(server_url: str) -> tuple[socketio.Client, list[dict]]:
    web = requests.Session()
    web.post(f"{server_url}/login", data={"username": "sophie", "password": "correct horse battery"},
             allow_redirects=False).raise_for_status()
    events: list[dict] = []
    client = socketio.Client(reconnection=False)
    client.on("floor_update", lambda update: events.extend(update["events"]), namespace="/dashboard")
    cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)
    client.connect(server_url, namespaces=["/dashboard"], headers={"Cookie": cookie},
                   transports=["websocket"], wait_timeout=5)
    return client, events


def test_an_order_goes_from_pick_to_label_to_return_desk(live, floor):
    running, lamp, mug = live["floor"], live["lamp"], live["mug"]
    dashboard, seen = dashboard_client(running.server.url)
    picker = running.add_station("PICK-01", live["tokens"]["PICK-01"], live["tmp"])

    pick = wait_state(picker, "pick")
    assert pick["task"]["progress"] == {"done": 0, "total": 3}
    wrong = scan_and_wait(picker, "3760123456784", symbology="]E0")
    assert wrong["message"]["level"] == "error" and wrong["message"]["code"] == "wrong_item"
    for gtin in (lamp.gtin, mug.gtin, lamp.gtin):
        reply = scan_and_wait(picker, gtin, symbology="]E0")
    assert reply["state"] == "idle" and reply["message"]["code"] == "pick_done"

    packer = running.add_station("PACK-01", live["tokens"]["PACK-01"], live["tmp"])
    pack = wait_state(packer, "pack")
    assert pack["task"]["order"] == f"CO-{live['order_id']:07d}"
    for gtin in (mug.gtin, lamp.gtin, lamp.gtin):
        scan_and_wait(packer, gtin)
    label = packer.printer.wait_for_jobs(1, timeout=10)[0]
    wait_state(packer, "idle")

    with floor.uow() as uow:
        order = uow.session.get(Order, live["order_id"])
        package = uow.session.scalars(select(Package).where(Package.order_id == order.id)).one()
        assert order.status == "shipped" and package.status == "shipped"
        assert package.tracking_number.encode() in label and b"^CI28" in label
        # The customer's "^XZ~JR" travelled as ^FH hex escapes, not as printer commands.
        assert label.count(b"^XZ") == 1 and b"~" not in label
        rma = authorize_return(uow, order.id, [(order.lines[0].id, 1)], "wrong_size").rma
        uow.commit()

    desk = running.add_station("RET-01", live["tokens"]["RET-01"], live["tmp"])
    wait_state(desk, "return_scan")
    shown = scan_and_wait(desk, rma, symbology="]C0")
    assert shown["state"] == "return_inspect"
    assert shown["rma"]["order"]["reference"] == f"CO-{live['order_id']:07d}"
    assert shown["rma"]["customer"]["name"] == "Zoé L'Héritier-Ñúñez ^XZ~JR"
    assert shown["rma"]["refund"]["amount_cents"] == 1990

    wanted = {"scan_recorded", "task_completed", "order_shipped", "return_received", "station_online"}
    wait_for(lambda: wanted <= {e["type"] for e in seen}, 5, f"dashboard events {wanted}")
    dashboard.disconnect()
    with floor.uow() as uow:
        recorded = uow.session.scalars(select(ScanEvent).order_by(ScanEvent.id)).all()
        assert [e.outcome for e in recorded][:2] == ["wrong_item", "counted"]
        assert len(recorded) == 8
