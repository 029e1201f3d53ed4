"""``/api/v1``: tokens and scopes, orders created/read/listed/cancelled, stock, problems, idempotency."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from datetime import datetime, timezone

from server.models import Order, Package, Stock, Task
from server.services.intake.integrations import create_integration
from server.services.intake.tokens import issue_token
from tests.factories import add_item


@pytest.fixture
def api(app, floor):
    with floor.uow() as uow:
        shop, _ = create_integration(uow, "shop-a", "api")
        other, _ = create_integration(uow, "shop-b", "api")
        tokens = {"admin": issue_token(uow, shop.id, ["admin"]), "reader": issue_token(uow, shop.id, ["read"]),
                  "writer": issue_token(uow, shop.id, ["read", "orders:write"]),
                  "other": issue_token(uow, other.id, ["read", "orders:write"])}
        item = add_item(uow, "Tasse", on_hand=10)
        uow.commit()
    client = app.test_client()

    def call(method: str, path: str, who: str = "writer", **kwargs):
        headers = kwargs.pop("headers", {})
        if who:
            headers["Authorization"] = f"Bearer {tokens[who]}"
        return client.open(path, method=method, headers=headers, **kwargs)

    call.item = item
    return call


def order_body(sku: str, external_id: str = "A-1001", quantity: int = 2) -> dict:
    return {"external_id": external_id,
            "customer": {"email": "elodie@exemple.fr", "name": "Élodie Dupré", "phone": "+33612345678"},
            "ship_to": {"name": "Élodie Dupré", "line1": "12 rue de l'Église", "postal_code": "69003",
                        "city": "Lyon", "country": "FR"},
            "lines": [{"sku": sku, "quantity": quantity, "unit_price_cents": 1990}]}


def orders_in(floor) -> int:
    with floor.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Order))


def test_create_read_list_cancel_an_order(api, floor):
    created = api("POST", "/api/v1/orders", json=order_body(api.item.sku))
    assert created.status_code == 201, created.json
    order = created.json
    assert (order["channel"], order["external_id"], order["status"], order["total_cents"]) == ("shop-a", "A-1001", "new", 3980)
    assert order["lines"] == [{"sku": api.item.sku, "quantity": 2, "unit_price_cents": 1990}]
    assert order["ship_to"]["city"] == "Lyon"
    read = api("GET", f"/api/v1/orders/{order['reference']}", who="reader").json
    # Routed and allocated by the background job once the order was committed (immediate in tests).
    assert [entry["status"] for entry in read.pop("timeline")] == ["received", "allocated"]
    routed = {key: read.pop(key) for key in ("warehouse", "carrier_service", "promised_delivery_on", "routing")}
    assert routed["warehouse"] == "MAIN" and routed["carrier_service"] and routed["promised_delivery_on"]
    assert [(d["kind"], d["outcome"]) for d in routed["routing"]] == [("warehouse", "whole"), ("carrier", "chosen")]
    assert read.pop("status") == "allocated"
    assert read == {key: value for key, value in order.items() if key != "status"}
    listed = api("GET", "/api/v1/orders?status=allocated", who="reader").json
    assert [o["reference"] for o in listed["items"]] == [order["reference"]] and listed["next_cursor"] is None
    cancelled = api("POST", f"/api/v1/orders/{order['reference']}/cancellation")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert api("GET", "/api/v1/orders?status=allocated", who="reader").json["items"] == []


def test_cancel_gives_back_reserved_stock_and_refuses_once_picking(api, floor):
    reference = api("POST", "/api/v1/orders", json=order_body(api.item.sku)).json["reference"]  # allocated on arrival
    stock = api("GET", f"/api/v1/stock?sku={api.item.sku}", who="reader").json["items"]
    assert [(s["on_hand"], s["reserved"], s["available"]) for s in stock] == [(10, 2, 8)]
    assert api("POST", f"/api/v1/orders/{reference}/cancellation").json["status"] == "cancelled"
    with floor.session_factory() as session:
        assert session.scalars(select(Stock.reserved)).all() == [0]
    again = api("POST", f"/api/v1/orders/{reference}/cancellation")
    assert again.status_code == 200 and again.json["status"] == "cancelled"
    # Once a station holds the pick task, the units are leaving their bins: refused.
    picking = api("POST", "/api/v1/orders", json=order_body(api.item.sku, "A-2002")).json["reference"]
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.order_id == Order.id_from_reference(picking))).one()
        task.status, uow.session.get(Order, Order.id_from_reference(picking)).status = "assigned", "picking"
        uow.commit()
    refused = api("POST", f"/api/v1/orders/{picking}/cancellation")
    assert refused.status_code == 409 and refused.json["order"] == picking
    assert "can no longer be cancelled" in refused.json["detail"]
    assert api("GET", f"/api/v1/orders/{picking}", who="reader").json["status"] == "picking"


def test_cursor_pagination_walks_every_order_once_in_order(api):
    references = [api("POST", "/api/v1/orders", json=order_body(api.item.sku, f"P-{n}")).json["reference"]
                  for n in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        page = api("GET", "/api/v1/orders?limit=3" + (f"&cursor={cursor}" if cursor else ""), who="reader").json
        seen += [o["reference"] for o in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == references and pages == 3
    assert [o["external_id"] for o in api("GET", "/api/v1/orders?external_id=P-4", who="reader").json["items"]] == ["P-4"]


def test_a_token_sees_its_own_channel_only_an_admin_sees_all(api):
    mine = api("POST", "/api/v1/orders", json=order_body(api.item.sku)).json["reference"]
    theirs = api("POST", "/api/v1/orders", who="other", json=order_body(api.item.sku)).json["reference"]
    assert [o["reference"] for o in api("GET", "/api/v1/orders", who="other").json["items"]] == [theirs]
    assert api("GET", f"/api/v1/orders/{mine}", who="other").status_code == 404
    assert api("POST", f"/api/v1/orders/{mine}/cancellation", who="other").status_code == 404
    assert [o["reference"] for o in api("GET", "/api/v1/orders", who="admin").json["items"]] == [mine, theirs]
    refused = api("GET", "/api/v1/orders?channel=shop-a", who="other")
    assert refused.status_code == 403 and refused.json["errors"][0]["field"] == "channel"


SCOPE_CASES = [(None, "GET", "/api/v1/orders", 401), ("reader", "POST", "/api/v1/orders", 403),
               (None, "GET", "/api/v1/stock", 401), ("reader", "POST", "/api/v1/orders/CO-0000001/cancellation", 403),
               ("reader", "POST", "/api/v1/imports", 403), (None, "GET", "/api/v1/orders/CO-0000001/shipments", 401)]


def test_tokens_and_scopes(api):
    for who, method, path, status in SCOPE_CASES:
        answer = api(method, path, who=who, json=order_body("X"))
        assert answer.status_code == status, (who, method, path)
        assert answer.mimetype == "application/problem+json" and answer.json["status"] == status
        assert "Bearer" in answer.headers["WWW-Authenticate"]


def test_a_wrong_or_malformed_token_is_401(api):
    for header in ("Bearer colis_nope", "Basic abc", "Bearer", "bearer " + "x" * 500):
        answer = api("GET", "/api/v1/orders", who=None, headers={"Authorization": header})
        assert answer.status_code == 401, header


BAD_REQUESTS = [
    (lambda b: b["lines"][0].update(sku="NOPE-1"), "lines[0].sku"),
    (lambda b: b["ship_to"].update(country="France"), "ship_to.country"),
    (lambda b: b["lines"][0].update(quantity=0), "lines[0].quantity"),
    (lambda b: b["customer"].update(email="not-an-email"), "customer.email"),
    (lambda b: b.update(external_id="A\x00B"), "external_id"),
    (lambda b: b.update(colour="blue"), "colour"),
    (lambda b: b["lines"][0].update(quantity=10_000, unit_price_cents=10_000_000), "lines"),
]


def test_a_bad_request_is_a_problem_naming_the_field(api, floor):
    for change, field in BAD_REQUESTS:
        body = order_body(api.item.sku)
        change(body)
        answer = api("POST", "/api/v1/orders", json=body)
        assert answer.status_code == 422, field
        assert answer.mimetype == "application/problem+json"
        assert field in [error["field"] for error in answer.json["errors"]], answer.json
        assert orders_in(floor) == 0, field


def test_the_same_external_id_twice_is_a_409_naming_the_order(api, floor):
    first = api("POST", "/api/v1/orders", json=order_body(api.item.sku)).json
    again = api("POST", "/api/v1/orders", json=order_body(api.item.sku))
    assert again.status_code == 409 and again.json["order"] == first["reference"]
    assert again.json["errors"] == [{"field": "external_id", "detail": "already used"}]
    assert orders_in(floor) == 1


def test_unknown_order_cursor_and_route_are_problems(api):
    assert api("GET", "/api/v1/orders/CO-9999999", who="reader").status_code == 404
    assert api("GET", "/api/v1/orders/CO-99999999999999999999", who="reader").status_code == 404
    bad_cursor = api("GET", "/api/v1/orders?cursor=zzz", who="reader")
    assert bad_cursor.status_code == 422 and bad_cursor.json["errors"][0]["field"] == "cursor"
    nowhere = api("GET", "/api/v1/nowhere", who="reader")
    assert nowhere.status_code == 404 and nowhere.mimetype == "application/problem+json"


def test_an_idempotency_key_returns_the_first_answer_and_creates_nothing_twice(api, floor):
    headers = {"Idempotency-Key": "7f0e0c54-order-A-1001"}
    answers = [api("POST", "/api/v1/orders", json=order_body(api.item.sku), headers=dict(headers)) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[1].json == answers[2].json == answers[0].json
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert orders_in(floor) == 1
    reused = api("POST", "/api/v1/orders", json=order_body(api.item.sku, "A-2002"), headers=dict(headers))
    assert reused.status_code == 422 and reused.json["errors"][0]["field"] == "Idempotency-Key"
    assert orders_in(floor) == 1


def test_a_failed_request_does_not_use_up_its_key(api, floor):
    headers = {"Idempotency-Key": "retry-me"}
    body = order_body("NOT-YET")
    assert api("POST", "/api/v1/orders", json=body, headers=dict(headers)).status_code == 422
    body["lines"][0]["sku"] = api.item.sku
    body_fixed = api("POST", "/api/v1/orders", json=body, headers={"Idempotency-Key": "retry-me-2"})
    assert body_fixed.status_code == 201 and orders_in(floor) == 1


def test_five_parallel_requests_with_one_key_create_one_order(app, api, floor):
    barrier, answers = threading.Barrier(5), []

    def send() -> None:
        barrier.wait()
        answers.append(api("POST", "/api/v1/orders", json=order_body(api.item.sku),
                           headers={"Idempotency-Key": "parallel-key"}))

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 5
    assert len({a.json["reference"] for a in answers}) == 1
    assert orders_in(floor) == 1


def test_health_still_answers_and_the_openapi_document_is_served(api):
    assert api("GET", "/api/v1/health", who=None).json == {"status": "ok", "database": "ok"}
    spec = api("GET", "/api/v1/openapi.json", who=None).json
    assert spec["openapi"].startswith("3.")
    operations = {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    # Intake's operations are all there (other areas add theirs to the same document: returns).
    assert operations >= {("/api/v1/orders", "get"), ("/api/v1/orders", "post"), ("/api/v1/orders/{reference}", "get"),
                          ("/api/v1/orders/{reference}/cancellation", "post"), ("/api/v1/stock", "get"),
                          ("/api/v1/orders/{reference}/shipments", "get"), ("/api/v1/imports", "post")}
    assert spec["security"] == [{"bearerAuth": []}]
    create = spec["paths"]["/api/v1/orders"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(create["responses"])


def test_an_orders_shipments_and_their_tracking(api, floor):
    reference = api("POST", "/api/v1/orders", json=order_body(api.item.sku)).json["reference"]
    assert api("GET", f"/api/v1/orders/{reference}/shipments", who="reader").json == {"order": reference, "items": []}
    shipped = datetime(2026, 11, 29, 15, 0, tzinfo=timezone.utc)
    with floor.uow() as uow:
        uow.session.add(Package(order_id=Order.id_from_reference(reference), carrier="DEMO", service="STANDARD",
                                tracking_number="6A00000000001", sscc="037612340000000018", weight_g=640,
                                status="label_pending"))
        uow.session.flush()
        package = uow.session.scalars(select(Package)).one()
        package.status, package.shipped_at = "shipped", shipped
        uow.commit()
    [parcel] = api("GET", f"/api/v1/orders/{reference}/shipments", who="reader").json["items"]
    assert (parcel["carrier"], parcel["tracking_number"], parcel["status"], parcel["weight_g"]) == \
        ("DEMO", "6A00000000001", "shipped", 640)
    assert parcel["shipped_at"] == shipped.isoformat() and parcel["delivered_at"] is None
    assert api("GET", f"/api/v1/orders/{reference}/shipments", who="other").status_code == 404


def test_an_orders_timeline_follows_it_through_the_floor(api, floor):
    from sqlalchemy import update

    def claimed(uow, task, order, status):
        """What a claim does: the task assigned, the order moved on by a Core UPDATE."""
        task.status, task.assigned_at = "assigned", datetime.now(timezone.utc)
        uow.session.execute(update(Order).where(Order.id == order.id).values(status=status))
        uow.session.flush()
        uow.session.refresh(order)

    reference = api("POST", "/api/v1/orders", json=order_body(api.item.sku)).json["reference"]
    order_id = Order.id_from_reference(reference)
    with floor.session_factory() as session:  # allocated on arrival
        pick = session.scalars(select(Task).where(Task.order_id == order_id)).one()
    with floor.uow() as uow:  # each move as the floor makes it, one after the other
        order, pick = uow.session.get(Order, order_id), uow.session.get(Task, pick.id)
        claimed(uow, pick, order, "picking")
        pick.status, pick.completed_at, order.status = "done", datetime.now(timezone.utc), "picked"
        uow.session.flush()
        pack = Task(kind="pack", order_id=order_id, status="open")
        uow.session.add(pack)
        uow.session.flush()
        claimed(uow, pack, order, "packing")
        pack.status, pack.completed_at, order.status = "done", datetime.now(timezone.utc), "packed"
        uow.session.add(Package(order_id=order_id, carrier="DEMO", service="STANDARD", weight_g=300,
                                status="label_pending", created_at=datetime.now(timezone.utc)))
        uow.session.flush()
        package = uow.session.scalars(select(Package)).one()
        package.status, package.shipped_at, order.status = "shipped", datetime.now(timezone.utc), "shipped"
        uow.commit()
    timeline = api("GET", f"/api/v1/orders/{reference}", who="reader").json["timeline"]
    assert [entry["status"] for entry in timeline] == ["received", "allocated", "picking", "picked", "packing",
                                                       "packed", "shipped"]
    # Each change was recorded when it was made (order_status_changes), in this order.
    assert [entry["at"] for entry in timeline] == sorted(entry["at"] for entry in timeline)


def test_a_cancelled_orders_timeline_ends_with_the_cancel(api):
    reference = api("POST", "/api/v1/orders", json=order_body(api.item.sku)).json["reference"]
    api("POST", f"/api/v1/orders/{reference}/cancellation")
    timeline = api("GET", f"/api/v1/orders/{reference}", who="reader").json["timeline"]
    assert [entry["status"] for entry in timeline] == ["received", "allocated", "cancelled"]


def test_a_csv_export_is_imported_through_the_api_once(api, floor):
    export = ("Commande;Nom;Adresse;Code postal;Ville;Pays;Réf;Quantité;Prix\n"
              f"M-1;Éloïse Müller;12 rue de l'Église;69003;Lyon;FR;{api.item.sku};2;12,50\n"
              f"M-2;Noé;3 place Bellecour;69002;Lyon;FR;{api.item.sku};dix;4,90\n").encode("cp1252")
    first = api("POST", "/api/v1/imports", data=export, headers={"Content-Type": "text/csv"})
    assert first.status_code == 200, first.json
    assert first.json["outcomes"] == {"created": 1} and first.json["channel"] == "shop-a"
    assert (first.json["encoding"], first.json["delimiter"]) == ("windows-1252", ";")
    assert first.json["errors"] == [{"row": 3, "reason": "quantity 'dix' is not a whole number from 1 to 10000"}]
    again = api("POST", "/api/v1/imports", data=export, headers={"Content-Type": "text/csv"})
    assert again.json["outcomes"] == {"unchanged": 1} and orders_in(floor) == 1
    bad = api("POST", "/api/v1/imports", data=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "body"
    assert api("POST", "/api/v1/imports", who="reader", data=export).status_code == 403
    assert api("POST", "/api/v1/imports?channel=shop-b", data=export).status_code == 403
