"""``/api/v1`` returns on both databases: open an RMA for SKUs of a shipped order, read it back
with grades and refund, fetch the PDF label; scopes, another channel's order, bad lines."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.models import Order, Return
from server.services.intake.integrations import create_integration
from server.services.intake.tokens import issue_token
from tests.returns_kit import shipped_order


@pytest.fixture
def api(app, floor):
    with floor.uow() as uow:
        shop, _ = create_integration(uow, "shop-a", "api")
        other, _ = create_integration(uow, "shop-b", "api")
        tokens = {"writer": issue_token(uow, shop.id, ["read", "orders:write"]),
                  "reader": issue_token(uow, shop.id, ["read"]), "other": issue_token(uow, other.id, ["read", "orders:write"])}
        order = shipped_order(uow)
        uow.session.get(Order, order["order_id"]).channel = shop.name  # the integration's name is its channel
        uow.commit()
    client = app.test_client()

    def call(method: str, path: str, who: str = "writer", **kwargs):
        return client.open(path, method=method, headers={"Authorization": f"Bearer {tokens[who]}"}, **kwargs)

    call.order = order
    return call


def test_an_integration_opens_a_return_and_reads_it_back_with_its_label(api, floor):
    order = api.order
    body = {"lines": [{"sku": order["lamp"].sku, "quantity": 2, "reason": "wrong_size"},
                      {"sku": order["mug"].sku, "quantity": 1, "reason": "wrong_item"}]}
    created = api("POST", f"/api/v1/orders/{order['reference']}/returns", json=body)
    assert created.status_code == 201, created.json
    rma = created.json["rma"]
    assert [(line["sku"], line["quantity"], line["reason"]) for line in created.json["lines"]] == [
        (order["lamp"].sku, 2, "wrong_size"), (order["mug"].sku, 1, "wrong_item")]
    assert created.json["source"] == "api" and created.json["refund"] is None
    read = api("GET", f"/api/v1/returns/{rma}", who="reader")
    assert read.status_code == 200 and read.json["status"] == "authorized"
    label = api("GET", created.json["label_pdf"], who="reader")
    assert label.status_code == 200 and label.data.startswith(b"%PDF-")


def test_scopes_channels_and_bad_lines_are_refused_and_nothing_is_created(api, floor):
    order = api.order
    path = f"/api/v1/orders/{order['reference']}/returns"
    good = {"lines": [{"sku": order["lamp"].sku, "quantity": 1, "reason": "late"}]}
    assert api("POST", path, who="reader", json=good).status_code == 403
    assert api("POST", path, who="other", json=good).status_code == 404
    for lines, field in [([{"sku": "NOPE", "quantity": 1, "reason": "late"}], "lines[0].sku"),
                         ([{"sku": order["lamp"].sku, "quantity": 3, "reason": "late"}], "lines"),
                         ([{"sku": order["lamp"].sku, "quantity": 1, "reason": "bored"}], None),
                         ([], None)]:
        answer = api("POST", path, json={"lines": lines})
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json", lines
        if field:
            assert answer.json["errors"][0]["field"] == field
    assert api("GET", "/api/v1/returns/RMA99999999").status_code == 404
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Return)) == 0
    created = api("POST", path, json=good)
    assert api("GET", f"/api/v1/returns/{created.json['rma']}", who="other").status_code == 404
