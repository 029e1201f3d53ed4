"""An order a packer handed to a supervisor (issue 12) is sent back to the packing benches from
its order page: POST with the page's CSRF token, supervisors and admins only, audited with who,
on the order's timeline; the benches can take it again with what was checked kept."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from server import create_app
from server.models import AuditEvent, Order, Task
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
