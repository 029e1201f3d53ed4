"""The packing bench on the order page (issue 12).

* An order a packer handed to a supervisor is sent back to the packing benches from its page:
  POST with the page's CSRF token, supervisors and admins only, audited with who, on the order's
  timeline; the benches can take it again with what was checked kept.
* Each parcel says what went into it (recorded when the order was closed, n of m)."""
from __future__ import annotations

import html
import re

from sqlalchemy import delete, select

from server import create_app
from server.models import AuditEvent, Order, Package, PackageContent, Task
from tests.factories import PASSWORD, add_user, signed_in
from tests.integration.test_pack_flow import bench, picked_order, press, request_task, scan  # noqa: F401 (fixture)


def test_a_supervisor_sends_a_handed_over_order_back_from_its_page(app, floor, bench):  # noqa: F811
    order_id = picked_order(floor, bench["pick"], [(bench["lamp"], 1), (bench["mug"], 1)])
    ref = Order.reference_of(order_id)
    request_task(floor, bench["pack"])
    scan(floor, bench["pack"], bench["lamp"].gtin)
    web = signed_in(app, floor, "sophie", "supervisor")
    assert 'id="send-back"' not in web.get(f"/orders/{ref}").get_data(as_text=True)  # at a bench: nothing to send
    press(floor, bench["pack"], "hand_over", reason="damaged")

    page = web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True)
    assert 'id="handed-over"' in page and 'id="send-back"' in page
    assert "Confiée au superviseur à PACK-01," in page and ": article abîmé" in page  # the packer's reason, in words
    packer = signed_in(app, floor, "paul", "packer")
    assert packer.post(f"/orders/{ref}/send-back").status_code == 403
    assert web.post("/orders/CO-9999999/send-back").status_code == 404

    sent = web.post(f"/orders/{ref}/send-back?lang=en", follow_redirects=True).get_data(as_text=True)
    assert f"Order {ref} sent back to packing" in sent and 'id="send-back"' not in sent
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.order_id == order_id, Task.kind == "pack")).one()
        assert (task.status, task.released) == ("open", True)
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "order_sent_back")).one()
        assert event.actor == "user:sophie" and event.subject == f"order:{ref}"
    timeline = html.unescape(web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True))
    assert f"{ref} renvoyée à l'emballage par sophie" in timeline

    twice = web.post(f"/orders/{ref}/send-back?lang=en", follow_redirects=True).get_data(as_text=True)
    assert f"{ref} is not waiting for a supervisor" in twice  # a second click (or the CLI first) changes nothing
    screen = request_task(floor, bench["pack"])
    assert screen["state"] == "pack" and screen["task"]["progress"]["done"] == 1  # what was checked is kept


def test_sending_back_needs_the_pages_csrf_token(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t"})
    try:
        with app.extensions["colis"].uow() as uow:
            add_user(uow, "sophie", "supervisor")
            uow.commit()
        web = app.test_client()

        def token(path: str) -> str:
            return re.search(r'name="csrf_token" value="([^"]+)"', web.get(path).get_data(as_text=True)).group(1)

        web.post("/login", data={"username": "sophie", "password": PASSWORD, "csrf_token": token("/login")})
        assert web.post("/orders/CO-0000001/send-back").status_code == 400
        assert web.post("/orders/CO-0000001/send-back",
                        data={"csrf_token": token("/dashboard")}).status_code == 404  # past the check: no such order
    finally:
        app.extensions["colis"].close()


def test_each_parcel_on_the_order_page_says_what_went_into_it(app, floor, bench):  # noqa: F811
    lamp, mug, pack = bench["lamp"], bench["mug"], bench["pack"]
    order_id = picked_order(floor, bench["pick"], [(lamp, 2), (mug, 1)])
    ref = Order.reference_of(order_id)
    request_task(floor, pack)
    for gtin in (lamp.gtin, lamp.gtin, mug.gtin):
        scan(floor, pack, gtin)
    press(floor, pack, "parcels", count=2)
    scan(floor, pack, "BOX-S")
    press(floor, pack, "weigh", grams=820)
    press(floor, pack, "weigh", grams=500)
    web = signed_in(app, floor, "sophie", "supervisor")
    page = html.unescape(web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True))
    parcels = re.findall(r'<p class="contents">(.*?)</p>', page, re.S)
    words = [" ".join(re.sub(r"<[^>]+>", "", parcel).split()) for parcel in parcels]
    assert words == [f"Contenu du colis (1/2) : 1 × Lampe {lamp.sku}, 1 × Mug {mug.sku}",
                     f"Contenu du colis (2/2) : 1 × Lampe {lamp.sku}"]
    with floor.uow() as uow:  # a parcel packed before contents were recorded says so, never "empty"
        packages = uow.session.scalars(select(Package.id).where(Package.order_id == order_id)).all()
        uow.session.execute(delete(PackageContent).where(PackageContent.package_id.in_(packages)))
        uow.commit()
    page = web.get(f"/orders/{ref}?lang=en").get_data(as_text=True)
    assert page.count("not recorded (packed before contents were)") == 2


def test_an_order_in_one_parcel_records_every_unit_in_it(floor, bench):  # noqa: F811
    lamp, mug, pack = bench["lamp"], bench["mug"], bench["pack"]
    order_id = picked_order(floor, bench["pick"], [(lamp, 2), (mug, 1)])
    request_task(floor, pack)
    for gtin in (lamp.gtin, lamp.gtin, mug.gtin):
        scan(floor, pack, gtin)
    scan(floor, pack, "BOX-S")
    press(floor, pack, "weigh", grams=1_200)
    with floor.uow() as uow:
        rows = uow.session.execute(select(PackageContent.product_id, PackageContent.quantity)
                                   .join(Package, Package.id == PackageContent.package_id)
                                   .where(Package.order_id == order_id)).all()
    assert sorted(rows) == sorted([(lamp.product_id, 2), (mug.product_id, 1)])
