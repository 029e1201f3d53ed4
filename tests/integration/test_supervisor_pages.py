"""The supervisors' pages on both databases: the orders list and its search, an order's page
(lines, parcels, label image, timeline), hold / release / cancel with a reason, stations and
their keys, users and badges, our own error pages, and where each role lands."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from labels import LabelAddress, ShippingLabelData, make_sscc, shipping_label
from server.models import Order, Package, PrintJob, Station, Task, User
from server.services import scans
from server.services.allocation import allocate_order
from server.services.badges import user_for_badge
from server.services.dispatch import request_task
from tests.factories import add_item, add_order, add_station, add_user, signed_in


def _order(floor, name="Élodie Dupré", allocate=True, **kw):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe Émeraude", on_hand=5)
        order = add_order(uow, [(lamp, 1)], name=name, **kw)
        if allocate:
            allocate_order(uow, order.id)
        uow.commit()
        return order.reference, order.id, lamp


def test_orders_list_filters_and_search_by_name_email_and_reference(app, floor):
    ref, order_id, _ = _order(floor, name="Zoé Ångström")
    other, _, _ = _order(floor, name="Marc Durand", allocate=False, ship_in_hours=-3)
    web = signed_in(app, floor, "sophie", "supervisor")
    page = web.get("/orders?q=ångström&lang=fr").get_data(as_text=True)
    assert ref in page and other not in page
    with floor.uow() as uow:
        email = uow.session.get(Order, order_id).customer.email
    assert ref in web.get(f"/orders?q={email}").get_data(as_text=True)
    assert web.get(f"/orders?q={ref}&go=1").headers["Location"].endswith(f"/orders/{ref}")
    late = web.get("/orders?late=1").get_data(as_text=True)
    assert other in late and ref not in late
    express, _, _ = _order(floor, service_level="express")
    chrono = web.get("/orders?carrier=CHRONO_13").get_data(as_text=True)
    assert express in chrono and ref not in chrono
    by_status = web.get("/orders?status=allocated&lang=en").get_data(as_text=True)
    assert ref in by_status and other not in by_status and "allocated" in by_status
    assert "Aucune commande" in web.get("/orders?q=nobody-at-all&lang=fr").get_data(as_text=True)
    # Bad filters are ignored, never a 500.
    assert web.get("/orders?status=bogus&page=-4&from=yesterday&carrier=<x>").status_code == 200


def _parcel(floor, order_id: int) -> tuple[int, str, str]:
    """A packed parcel of the order (packing itself is tested by the floor flow)."""
    with floor.uow() as uow:
        package = Package(order_id=order_id, carrier="DEMO", service="STANDARD", weight_g=300)
        uow.session.add(package)
        uow.session.flush()
        package.sscc, package.tracking_number = f"{376123400000000000 + package.id:018d}", f"6A{package.id:011d}"
        uow.session.add(PrintJob(station_id=None, package_id=package.id, kind="shipping", zpl="^XA^XZ"))
        uow.commit()
        return package.id, package.tracking_number, package.sscc


def test_an_order_found_by_tracking_number_and_sscc_shows_its_parcel_label_and_timeline(app, floor):
    with floor.uow() as uow:
        station_id, _ = add_station(uow, "PICK-01", "pick")
        uow.commit()
    ref, order_id, lamp = _order(floor)
    with floor.uow() as uow:
        request_task(uow, uow.session.get(Station, station_id))
    with floor.uow() as uow:
        scans.record_scan(uow, uow.session.get(Station, station_id),
                          scans.ScanCommand(str(uuid.uuid4()), lamp.gtin, "]E0", datetime.now(timezone.utc)))
    package_id, tracking, sscc = _parcel(floor, order_id)
    web = signed_in(app, floor, "sophie", "supervisor")
    for term in (tracking, sscc, f"(00){sscc}", tracking.lower()):
        assert web.get(f"/orders?q={term}&go=1").headers["Location"].endswith(f"/orders/{ref}"), term
    page = web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True)
    assert tracking in page and "Lampe Émeraude" in page
    assert "PICK-01 : tâche terminée" in page  # the scan: where and what it did
    image = web.get(f"/orders/{ref}/parcels/{package_id}/label.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert tracking in image.get_data(as_text=True) and "style=" not in image.get_data(as_text=True)
    assert web.get(f"/orders/{ref}/parcels/{package_id + 99}/label.svg").status_code == 404
    # The label as it printed (labels/raster.py, from the last job's ZPL): a PNG whose barcodes read back.
    assert f"/orders/{ref}/parcels/{package_id}/label.png" in page
    with floor.uow() as uow:
        sscc = make_sscc(3, "7612340", package_id)
        uow.session.get(Package, package_id).sscc = sscc
        job = uow.session.scalars(select(PrintJob).where(PrintJob.package_id == package_id)).one()
        job.zpl = shipping_label(ShippingLabelData(
            sender=LabelAddress("Colis", "1 rue du Quai", "", "69200", "Vénissieux", "FR"),
            recipient=LabelAddress("Zoé", "2 rue des Lilas", "", "69003", "Lyon", "FR"), carrier="DEMO",
            service="STANDARD", tracking_number=tracking, sscc=sscc, order_ref=ref, weight_g=300)).decode()
        uow.commit()
    picture = web.get(f"/orders/{ref}/parcels/{package_id}/label.png")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    found = _decoded(picture.get_data())
    assert found.get(tracking) == "]C0" and found.get(f"(00){sscc}") == "]C1"
    assert web.get(f"/orders/{ref}/parcels/{package_id + 99}/label.png").status_code == 404


def _decoded(png: bytes) -> dict[str, str]:
    import io

    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    return {result.text: result.symbology_identifier for result in zxingcpp.read_barcodes(image)}


def test_hold_keeps_the_order_off_the_floor_until_released_and_cancel_needs_a_reason(app, floor):
    with floor.uow() as uow:
        station_id, _ = add_station(uow, "PICK-01", "pick")
        uow.commit()
    ref, order_id, _ = _order(floor)
    web = signed_in(app, floor, "sophie", "supervisor")
    refused = web.post(f"/orders/{ref}/hold", data={"reason": "   "}, follow_redirects=True)
    assert "Indiquez un motif" in refused.get_data(as_text=True)
    held = web.post(f"/orders/{ref}/hold?lang=fr", data={"reason": "adresse à vérifier"}, follow_redirects=True)
    assert "adresse à vérifier" in held.get_data(as_text=True)
    with floor.uow() as uow:
        reply = request_task(uow, uow.session.get(Station, station_id))
    assert reply.get("task") in (None, {}), reply  # nothing to claim: the only order is held
    again = web.post(f"/orders/{ref}/hold", data={"reason": "twice"}, follow_redirects=True)
    assert "Impossible" in again.get_data(as_text=True)
    web.post(f"/orders/{ref}/release")
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.order_id == order_id)).one()
        assert task.released and task.status == "open"
    assert web.post(f"/orders/{ref}/cancel", data={"reason": ""}, follow_redirects=True).status_code == 200
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "allocated"
    web.post(f"/orders/{ref}/cancel", data={"reason": "client a annulé par téléphone"})
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "cancelled"
    timeline = web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True)
    assert "mise en attente par sophie : adresse à vérifier" in timeline
    assert "annulée par sophie : client a annulé par téléphone" in timeline
    assert web.post("/orders/CO-9999999/hold", data={"reason": "x"}).status_code == 404
    assert web.get("/orders/CO-99999999999999999999").status_code == 404  # not an id: never a 500


def test_a_station_key_is_issued_once_and_revoked(app, floor):
    with floor.uow() as uow:
        add_station(uow, "PACK-01", "pack")
        uow.commit()
    web = signed_in(app, floor, "sophie", "supervisor")
    assert "PACK-01" in web.get("/stations?lang=fr").get_data(as_text=True)
    shown = web.post("/stations/PACK-01/token", follow_redirects=True).get_data(as_text=True)
    assert "affichée une seule fois" in shown or "shown once" in shown
    web.post("/stations/PACK-01/revoke")
    with floor.uow() as uow:
        assert not uow.session.scalars(select(Station).where(Station.code == "PACK-01")).one().active
    assert web.post("/stations/NOPE-01/revoke").status_code == 404


def test_an_admin_creates_users_issues_a_badge_and_disables_them(app, floor):
    web = signed_in(app, floor, "ada", "admin")
    web.post("/users", data={"username": "paul", "password": "short", "role": "packer"})
    web.post("/users", data={"username": "paul", "password": "a long password", "role": "packer",
                             "display_name": "Paul"})
    with floor.uow() as uow:
        paul = uow.session.scalars(select(User).where(User.username == "paul")).one()
        paul_id = paul.id
    page = web.post(f"/users/{paul_id}/badge", follow_redirects=True).get_data(as_text=True)
    badge = page.split("BADGE-", 1)[1][:12]
    with floor.uow() as uow:
        assert user_for_badge(uow.session, f"BADGE-{badge}").username == "paul"
        assert user_for_badge(uow.session, "BADGE-NOTTHEONE1") is None
    web.post(f"/users/{paul_id}/role", data={"role": "supervisor"})
    web.post(f"/users/{paul_id}/role", data={"role": "emperor"})  # not a role: nothing changes
    with floor.uow() as uow:
        assert uow.session.get(User, paul_id).role == "supervisor"
    web.post(f"/users/{paul_id}/active", data={"active": "0"})
    with floor.uow() as uow:
        assert user_for_badge(uow.session, f"BADGE-{badge}") is None  # disabled: the badge opens nothing
    taken = web.post("/users", data={"username": "paul", "password": "another password", "role": "admin"},
                     follow_redirects=True)
    assert "existe déjà" in taken.get_data(as_text=True) or "already exists" in taken.get_data(as_text=True)


def test_each_role_lands_on_its_page_and_refusals_are_our_pages_in_the_readers_language(app, floor):
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    landing = clerk.get("/", follow_redirects=True)
    assert landing.status_code == 200 and "/dashboard" not in landing.request.path
    refused = clerk.get("/dashboard?lang=fr")
    assert refused.status_code == 403 and "Accès refusé" in refused.get_data(as_text=True)
    assert "Access denied" in clerk.get("/orders?lang=en").get_data(as_text=True)
    missing = signed_in(app, floor, "sophie", "supervisor").get("/orders/CO-0999999?lang=fr")
    assert missing.status_code == 404 and "Page introuvable" in missing.get_data(as_text=True)
    anonymous = app.test_client().get("/orders?lang=fr", follow_redirects=True)
    assert "Connectez-vous pour ouvrir cette page" in anonymous.get_data(as_text=True)


def test_signing_out_ends_this_browser_only_unless_everywhere(app, floor):
    wall = signed_in(app, floor, "sophie", "supervisor")
    laptop = app.test_client()
    assert laptop.post("/login", data={"username": "sophie", "password": "correct horse battery"}).status_code == 302
    stolen = laptop.get_cookie("session").value
    laptop.post("/logout")
    assert wall.get("/dashboard").status_code == 200  # the wall screen stays signed in
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/dashboard").status_code == 302  # the signed-out cookie opens nothing
    wall.post("/logout", data={"everywhere": "1"})
    other = app.test_client()
    assert other.post("/login", data={"username": "sophie", "password": "correct horse battery"}).status_code == 302
    assert wall.get("/dashboard").status_code == 302


def test_the_dashboard_snapshot_has_cutoffs_channels_charts_and_the_feed_history(app, floor):
    with floor.uow() as uow:
        station_id, _ = add_station(uow, "PICK-01", "pick")
        uow.commit()
    _order(floor, ship_in_hours=1)
    _order(floor, ship_in_hours=-1, channel="shopify")
    with floor.uow() as uow:
        request_task(uow, uow.session.get(Station, station_id))
    with floor.uow() as uow:
        scans.record_scan(uow, uow.session.get(Station, station_id),
                          scans.ScanCommand(str(uuid.uuid4()), "garbage", None, datetime.now(timezone.utc)))
    web = signed_in(app, floor, "sophie", "supervisor")
    snap = web.get("/dashboard/snapshot.json").get_json()
    cut = {row["name"]: row for row in snap["cutoffs"]}
    standard = cut["Colissimo Domicile"]  # a standard order's usual service (no service chosen yet)
    assert standard["open"] == 2 and standard["late"] == 1 and standard["at_risk"] == 1
    assert standard["next_cutoff"].endswith(("16:00:00+01:00", "16:00:00+02:00"))  # the catalogue's hand-over
    assert snap["channels"] == {"web": 1, "shopify": 1}
    assert len(snap["throughput"]["units"]["today"]) == 24
    line = snap["history"][0]
    assert line["level"] == "bad" and line["href"] == "/stations/PICK-01"
    assert line["text"]["fr"] == "PICK-01 : code illisible (garbage)"
    assert line["text"]["en"] == "PICK-01: unreadable code (garbage)"
    page = web.get("/dashboard?lang=en").get_data(as_text=True)
    assert "vendor/chart.umd.min.js" in page and "Carrier cut-offs" in page


def test_a_users_page_is_for_admins_only(app, floor):
    supervisor = signed_in(app, floor, "sophie", "supervisor")
    assert supervisor.get("/users").status_code == 403
    with floor.uow() as uow:
        add_user(uow, "ada", "admin")
        uow.commit()


def test_a_heartbeat_reports_the_scanner_and_queued_scans_and_bad_reports_change_nothing(app, floor):
    from server.extensions import socketio

    with floor.uow() as uow:
        _, token = add_station(uow, "PACK-01", "pack")
        uow.commit()
    client = socketio.test_client(app, namespace="/station", auth={"station": "PACK-01", "token": token})
    client.emit("hello", {}, namespace="/station", callback=True)
    for report in ({"outbox": 3, "scanner": "disconnected"}, {"outbox": -1, "scanner": "on fire"}, "junk", None):
        reply = client.emit("heartbeat", report, namespace="/station", callback=True)
        assert isinstance(reply, dict) and "error" not in reply, (report, reply)
    client.disconnect(namespace="/station")
    web = signed_in(app, floor, "sophie", "supervisor")
    station = next(s for s in web.get("/dashboard/snapshot.json").get_json()["stations"] if s["code"] == "PACK-01")
    assert station["devices"] == {"outbox": 3, "scanner": "disconnected"}
    page = web.get("/stations?lang=fr").get_data(as_text=True)
    assert "débranché" in page


@pytest.mark.parametrize("report, devices, fr, en", [
    ({"outbox": 0, "scale": "disconnected", "scale_port": "/dev/ttyUSB1"},
     {"outbox": 0, "scale": "disconnected", "scale_port": "/dev/ttyUSB1"},
     '<td class="scale bad">débranchée <small>(/dev/ttyUSB1)</small>', '<td class="scale bad">unplugged <small>'),
    ({"outbox": 0, "scale": "connected", "scale_port": "/dev/ttyUSB1"},
     {"outbox": 0, "scale": "connected", "scale_port": "/dev/ttyUSB1"},
     '<td class="scale ok">branchée <small>(/dev/ttyUSB1)</small>', '<td class="scale ok">connected <small>'),
    # A scale in no known state, or a port no page should show, is dropped, never shown as itself.
    ({"outbox": 0, "scale": "on fire", "scale_port": "/dev/ttyUSB1"}, {"outbox": 0},
     '<td class="scale ">pas signalée</td>', '<td class="scale ">not reported</td>'),
    ({"outbox": 0, "scale": "connected", "scale_port": "/dev/" + "x" * 300},
     {"outbox": 0, "scale": "connected"}, '<td class="scale ok">branchée</td>', '<td class="scale ok">connected</td>'),
    ({"outbox": 0, "scale": "connected", "scale_port": "/dev/tty\x1b[31m"},
     {"outbox": 0, "scale": "connected"}, '<td class="scale ok">branchée</td>', '<td class="scale ok">connected</td>'),
])
def test_a_heartbeat_reports_the_scale_in_words_and_colour(app, floor, report, devices, fr, en):
    """Issue 12: the packing bench's scale on the stations pages and the dashboard's snapshot."""
    from server.extensions import socketio

    with floor.uow() as uow:
        _, token = add_station(uow, "PACK-01", "pack")
        uow.commit()
    client = socketio.test_client(app, namespace="/station", auth={"station": "PACK-01", "token": token})
    client.emit("hello", {}, namespace="/station", callback=True)
    reply = client.emit("heartbeat", report, namespace="/station", callback=True)
    assert isinstance(reply, dict) and "error" not in reply
    client.disconnect(namespace="/station")
    web = signed_in(app, floor, "sophie", "supervisor")
    station = web.get("/dashboard/snapshot.json").get_json()["stations"][0]
    assert station["devices"] == devices
    assert fr in web.get("/stations?lang=fr").get_data(as_text=True)
    assert en in web.get("/stations?lang=en").get_data(as_text=True)
    one = web.get("/stations/PACK-01?lang=fr").get_data(as_text=True)
    assert "Balance" in one and fr.split(">", 1)[1].split(" <small>")[0].removesuffix("</td>") in one


def test_the_operator_signed_in_at_a_station_is_shown_by_name(app, floor):
    from server.models import StationSession

    with floor.uow() as uow:
        station_id, _ = add_station(uow, "PACK-01", "pack")
        uow.session.add(StationSession(station_id=station_id, scenario="pack", state="idle",
                                       context={"operator": {"id": 3, "name": "Paul Martin", "seen": 0}}))
        uow.commit()
    web = signed_in(app, floor, "sophie", "supervisor")
    station = web.get("/dashboard/snapshot.json").get_json()["stations"][0]
    assert station["operator"] == "Paul Martin"
    assert "Paul Martin" in web.get("/stations").get_data(as_text=True)
    assert "Paul Martin" in web.get("/stations/PACK-01").get_data(as_text=True)


def test_a_page_that_fails_answers_our_500_page_in_the_readers_language_and_logs_it(app, floor, caplog):
    def broken():
        raise RuntimeError("a bug on a page")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the traceback
    web = signed_in(app, floor, "sophie", "supervisor")
    reply = web.get("/broken-for-test?lang=fr")
    assert reply.status_code == 500 and "Erreur du serveur" in reply.get_data(as_text=True)
    assert "a bug on a page" not in reply.get_data(as_text=True) and "a bug on a page" in caplog.text
    api = web.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"  # an API client gets no page


def test_a_dashboard_that_reconnects_starts_again_from_the_database(app, floor):
    from server.extensions import socketio

    web = signed_in(app, floor, "sophie", "supervisor")
    first = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
    assert first.is_connected("/dashboard")
    first.disconnect(namespace="/dashboard")
    with floor.uow() as uow:  # while the page was away: a printer ran out of paper
        station_id, _ = add_station(uow, "PACK-01", "pack")
        uow.emit("printer_problem", station="PACK-01", job_id=1, error="paper_out")
        uow.commit()
    again = socketio.test_client(app, namespace="/dashboard", flask_test_client=web)
    update = next(m["args"][0] for m in again.get_received("/dashboard") if "history" in m["args"][0])
    assert update["history"][0]["text"]["fr"] == "PACK-01 : imprimante plus de papier"
    assert [s["code"] for s in update["snapshot"]["stations"]] == ["PACK-01"]
    again.disconnect(namespace="/dashboard")


def test_a_wave_never_releases_a_held_order_and_the_release_leaves_it_to_its_wave(floor):
    from server.services import holds, waves

    with floor.uow() as uow:
        waves.set_policy(uow, "pick", 0, actor="test")  # orders reach the floor only in waves
        uow.commit()
    _, held_id, _ = _order(floor)
    _, other_id, _ = _order(floor)
    with floor.uow() as uow:
        holds.hold_order(uow, held_id, "adresse à vérifier", "user:sophie")
        uow.commit()
    with floor.uow() as uow:
        wave = waves.release_wave(uow, 10, actor="test")
        uow.commit()
        assert wave.orders == 1
        assert uow.session.get(Order, held_id).status == "allocated"
        assert uow.session.get(Order, other_id).status == "released"
    with floor.uow() as uow:
        holds.release_hold(uow, held_id, "user:sophie")
        uow.commit()
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.order_id == held_id)).one()
        assert not task.released  # not on the floor before its wave
        waves.release_wave(uow, 10, actor="test")
        uow.commit()
        assert uow.session.get(Order, held_id).status == "released"
