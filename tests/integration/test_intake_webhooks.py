"""Shopify and WooCommerce order webhooks, with the platforms' documented sample payloads.

Bodies come from tests/fixtures/webhooks/ (sources in its README) and are signed with a test
secret exactly as the platforms sign them. Every test runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.domain.intake import sign
from server.models import Bin, ChannelOrder, Delivery, Order, Product, Stock, Task
from server.services.intake.integrations import create_integration
from tests.factories import random_gtin

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
SHOPIFY_SAMPLE = (FIXTURES / "shopify_order.json").read_bytes()
WOO_SAMPLE = (FIXTURES / "woocommerce_order.json").read_bytes()
SECRET = "hush-" + "x" * 27


@pytest.fixture
def shop(floor):
    with floor.uow() as uow:
        create_integration(uow, "boutique", "shopify", webhook_secret=SECRET)
        create_integration(uow, "woo", "woocommerce", webhook_secret=SECRET)
        uow.commit()
    return floor


def add_product(floor, sku: str, on_hand: int = 10) -> int:
    with floor.uow() as uow:
        product = Product(sku=sku, gtin=random_gtin(), name=sku, weight_g=300, price_cents=1000)
        bin_ = Bin(code=f"A-01-{uuid.uuid4().int % 90 + 10:02d}-1", zone="A", aisle=1, bay=1, level=1)
        uow.session.add_all([product, bin_])
        uow.session.flush()
        uow.session.add(Stock(product_id=product.id, bin_id=bin_.id, on_hand=on_hand, reserved=0))
        uow.commit()
        return product.id


def shopify_post(client, body: bytes, topic: str = "orders/create", webhook_id: str | None = None,
                 secret: str = SECRET, signature: str | None = None, integration: str = "boutique"):
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": topic,
               "X-Shopify-Shop-Domain": "jsmith.myshopify.com", "X-Shopify-API-Version": "2022-04",
               "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4())}
    if signature is not False:
        headers["X-Shopify-Hmac-Sha256"] = signature or sign(secret, body)
    return client.post(f"/api/v1/webhooks/shopify/{integration}", data=body, headers=headers)


def woo_post(client, body: bytes, topic: str = "order.created", delivery_id: str | None = None):
    headers = {"Content-Type": "application/json", "X-WC-Webhook-Topic": topic,
               "X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": topic.split(".")[1],
               "X-WC-Webhook-Source": "https://example.com/", "X-WC-Webhook-ID": "3",
               "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex,
               "X-WC-Webhook-Signature": sign(SECRET, body)}
    return client.post("/api/v1/webhooks/woocommerce/woo", data=body, headers=headers)


def shopify_variant(**changes) -> bytes:
    """The documented sample with some fields changed (the sample itself carries cancelled_at)."""
    payload = json.loads(SHOPIFY_SAMPLE)
    payload.update({"cancelled_at": None, "cancel_reason": None})
    payload.update(changes)
    return json.dumps(payload).encode()


def count(floor, model) -> int:
    with floor.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def the_order(floor) -> Order:
    with floor.session_factory() as session:
        orders = session.scalars(select(Order)).all()
        assert len(orders) == 1, orders
        order = orders[0]
        _ = [(line.product.sku, line.quantity) for line in order.lines], order.ship_address.city
        return order


# --- accepted once ---------------------------------------------------------------------

def test_a_shopify_order_is_taken_once_when_delivered_five_times(app, shop):
    add_product(shop, "IPOD2008PINK")
    client, body = app.test_client(), shopify_variant()
    answers = [shopify_post(client, body, webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043") for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.json["outcome"] for a in answers] == ["created"] + ["duplicate"] * 4
    order = the_order(shop)
    assert answers[0].json["order"] == order.reference
    # Routed and allocated by the background job right after the delivery (immediate queue in tests).
    assert (order.channel, order.external_id, order.status) == ("boutique", "820982911946154508", "allocated")
    assert [(line.product.sku, line.quantity, line.unit_price_cents) for line in order.lines] == \
        [("IPOD2008PINK", 1, 19900), ("IPOD2008PINK", 1, 19900)]
    assert (order.total_cents, order.currency) == (40300, "USD")
    address = order.ship_address
    assert (address.name, address.line1, address.postal_code, address.city, address.country) == \
        ("Steve Shipper", "123 Shipping Street", "40003", "Shippington", "US")
    assert count(shop, Delivery) == 1


def test_the_raw_delivery_is_kept_byte_for_byte_with_its_headers(app, shop):
    add_product(shop, "IPOD2008PINK")
    body = shopify_variant()
    shopify_post(app.test_client(), body, webhook_id="kept-1")
    with shop.session_factory() as session:
        delivery = session.scalars(select(Delivery)).one()
        assert delivery.body == body
        assert (delivery.delivery_id, delivery.topic, delivery.outcome) == ("kept-1", "orders/create", "created")
        assert delivery.headers["X-Shopify-Hmac-Sha256"] == sign(SECRET, body)
        assert delivery.headers["X-Shopify-Shop-Domain"] == "jsmith.myshopify.com"


def test_the_same_version_under_new_delivery_ids_changes_nothing(app, shop):
    add_product(shop, "IPOD2008PINK")
    client, body = app.test_client(), shopify_variant()
    outcomes = [shopify_post(client, body).json["outcome"] for _ in range(5)]
    assert outcomes == ["created"] + ["unchanged"] * 4
    assert count(shop, Order) == 1 and count(shop, Delivery) == 5


@pytest.mark.parametrize("same_delivery_id", [True, False], ids=["same-id", "new-ids"])
def test_five_deliveries_in_parallel_make_one_order(app, shop, same_delivery_id):
    add_product(shop, "IPOD2008PINK")
    body, barrier, answers, crashes = shopify_variant(), threading.Barrier(5), [], []

    def deliver(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            answers.append(shopify_post(client, body, webhook_id="parallel-1" if same_delivery_id else f"p-{n}"))
        except Exception as exc:  # noqa: BLE001 - a crash in a thread must fail the test, with its reason
            crashes.append(exc)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert crashes == []
    assert sorted(a.status_code for a in answers) == [200] * 5
    others = "duplicate" if same_delivery_id else "unchanged"
    assert sorted(a.json["outcome"] for a in answers) == ["created"] + [others] * 4
    assert count(shop, Order) == 1 and count(shop, ChannelOrder) == 1
    assert count(shop, Delivery) == (1 if same_delivery_id else 5)


# --- refused ---------------------------------------------------------------------------

FORGERIES = ["wrong secret", "unsigned", "tampered body", "garbage signature", "unknown integration",
             "other platform's integration"]


def test_a_forged_or_unsigned_call_gets_401_and_stores_nothing(app, shop):
    add_product(shop, "IPOD2008PINK")
    client, body = app.test_client(), shopify_variant()
    for case in FORGERIES:  # one floor for all the cases: each leaves nothing behind, or fails here
        if case == "wrong secret":
            answer = shopify_post(client, body, secret="not-the-secret")
        elif case == "unsigned":
            answer = shopify_post(client, body, signature=False)
        elif case == "tampered body":
            answer = shopify_post(client, body.replace(b'"quantity": 1', b'"quantity": 9', 1),
                                  signature=sign(SECRET, body))
        elif case == "garbage signature":
            answer = shopify_post(client, body, signature="é not base64 ✗")
        elif case == "unknown integration":
            answer = shopify_post(client, body, integration="nobody")
        else:
            answer = shopify_post(client, body, integration="woo")
        assert answer.status_code == 401, case
        assert answer.mimetype == "application/problem+json", case
        assert answer.json["status"] == 401 and "X-Shopify-Hmac-Sha256" in answer.json["detail"], case
        assert (count(shop, Delivery), count(shop, ChannelOrder), count(shop, Order)) == (0, 0, 0), case
    assert shopify_post(client, body).json["outcome"] == "created"  # the same body, signed, is taken


# --- out of order ----------------------------------------------------------------------

def test_a_cancel_that_arrives_before_its_create_is_kept_and_applied(app, shop):
    add_product(shop, "IPOD2008PINK")
    client = app.test_client()
    cancel = shopify_variant(cancelled_at="2022-04-06T08:14:03-04:00", cancel_reason="customer",
                             updated_at="2022-04-06T08:14:03-04:00")
    assert shopify_post(client, cancel, topic="orders/cancelled").json["outcome"] == "cancelled"
    late_create = shopify_post(client, shopify_variant())
    assert late_create.status_code == 200 and late_create.json["outcome"] == "stale"
    assert count(shop, Order) == 0
    with shop.session_factory() as session:
        row = session.scalars(select(ChannelOrder)).one()
        assert (row.state, row.cancelled, row.order_id) == ("cancelled", True, None)


def test_the_documented_sample_as_delivered_is_a_cancelled_order(app, shop):
    """Shopify's sample carries cancelled_at: whatever the topic, Colis reads it as cancelled."""
    add_product(shop, "IPOD2008PINK")
    answer = shopify_post(app.test_client(), SHOPIFY_SAMPLE, topic="orders/create")
    assert answer.json["outcome"] == "cancelled"
    assert count(shop, Order) == 0 and count(shop, ChannelOrder) == 1


def test_a_cancel_after_allocation_gives_the_stock_back(app, shop):
    product_id = add_product(shop, "IPOD2008PINK", on_hand=5)
    client = app.test_client()
    shopify_post(client, shopify_variant())  # routed and allocated on arrival (background job)
    with shop.session_factory() as session:
        assert session.scalars(select(Stock.reserved).where(Stock.product_id == product_id)).one() == 2
    cancel = shopify_variant(cancelled_at="2022-04-06T09:00:00-04:00", updated_at="2022-04-06T09:00:00-04:00")
    assert shopify_post(client, cancel, topic="orders/cancelled").json["outcome"] == "cancelled"
    with shop.session_factory() as session:
        assert session.scalars(select(Stock.reserved).where(Stock.product_id == product_id)).one() == 0
        assert session.scalars(select(Task.status)).all() == ["cancelled"]
    assert the_order(shop).status == "cancelled"
    reopen = shopify_variant(updated_at="2022-04-06T10:00:00-04:00")
    assert shopify_post(client, reopen, topic="orders/updated").json["outcome"] == "unchanged"
    assert the_order(shop).status == "cancelled"


def test_an_older_update_is_never_applied_over_a_newer_one(app, shop):
    app.config["ROUTE_ON_ARRIVAL"] = False  # updates apply while the order is new (not allocated yet)
    add_product(shop, "IPOD2008PINK")
    client = app.test_client()
    sample = json.loads(SHOPIFY_SAMPLE)

    def version(updated_at: str, quantity: int) -> bytes:
        lines = [dict(sample["line_items"][0], quantity=quantity), sample["line_items"][1]]
        return shopify_variant(updated_at=updated_at, line_items=lines)

    assert shopify_post(client, version("2022-04-06T08:09:03-04:00", 1)).json["outcome"] == "created"
    newer = shopify_post(client, version("2022-04-06T08:20:00-04:00", 3), topic="orders/updated")
    older = shopify_post(client, version("2022-04-06T12:15:00+00:00", 2), topic="orders/updated")  # 08:15 -04
    assert (newer.json["outcome"], older.json["outcome"]) == ("updated", "stale")
    assert [line.quantity for line in the_order(shop).lines] == [3, 1]


# --- held ------------------------------------------------------------------------------

def test_an_unknown_sku_holds_the_order_with_its_reason_and_a_newer_version_releases_it(app, shop):
    client = app.test_client()
    answer = shopify_post(client, shopify_variant())
    assert answer.status_code == 200
    assert answer.json["outcome"] == "held"
    assert "unknown SKU 'IPOD2008PINK'" in answer.json["detail"]
    with shop.session_factory() as session:
        row = session.scalars(select(ChannelOrder)).one()
        assert row.state == "held" and "line 1: unknown SKU 'IPOD2008PINK'" in row.held_reason
    assert count(shop, Order) == 0
    add_product(shop, "IPOD2008PINK")
    again = shopify_post(client, shopify_variant(updated_at="2022-04-06T09:00:00-04:00"), topic="orders/updated")
    assert again.json["outcome"] == "created" and count(shop, Order) == 1


def test_a_sku_may_be_the_products_barcode(app, shop):
    with shop.uow() as uow:
        gtin = random_gtin()
        uow.session.add(Product(sku="IPOD-NANO", gtin=gtin, name="iPod", weight_g=100, price_cents=100))
        uow.commit()
    sample = json.loads(SHOPIFY_SAMPLE)
    lines = [dict(line, sku=gtin) for line in sample["line_items"]]
    assert shopify_post(app.test_client(), shopify_variant(line_items=lines)).json["outcome"] == "created"
    assert [line.product.sku for line in the_order(shop).lines] == ["IPOD-NANO", "IPOD-NANO"]


def test_a_signed_but_unreadable_delivery_is_kept_and_answered_200(app, shop):
    answer = shopify_post(app.test_client(), b'{"id": 1, "updated_at": "yesterday"}')
    assert answer.status_code == 200 and answer.json["outcome"] == "unreadable"
    assert "updated_at" in answer.json["detail"]
    assert count(shop, Delivery) == 1 and count(shop, ChannelOrder) == 0


# --- WooCommerce -------------------------------------------------------------------------

def test_the_woocommerce_sample_is_held_for_its_line_without_sku_then_taken_once(app, shop):
    add_product(shop, "Bar3")
    client = app.test_client()
    answers = [woo_post(client, WOO_SAMPLE, delivery_id="36e520ebabc2fa725092ff4a47acedf2") for _ in range(5)]
    assert [a.json["outcome"] for a in answers] == ["held"] + ["duplicate"] * 4
    assert "line 1 ('Woo Single #1') has no SKU" in answers[0].json["detail"]
    assert count(shop, Order) == 0 and count(shop, Delivery) == 1
    add_product(shop, "WOO-SINGLE-1")
    payload = json.loads(WOO_SAMPLE)
    payload["line_items"][0]["sku"] = "WOO-SINGLE-1"
    payload["date_modified_gmt"] = "2017-03-22T19:30:00"
    fixed = woo_post(client, json.dumps(payload).encode(), topic="order.updated")
    assert fixed.json["outcome"] == "created"
    order = the_order(shop)
    assert (order.channel, order.external_id, order.total_cents, order.currency) == ("woo", "727", 2935, "USD")
    assert [(line.product.sku, line.quantity, line.unit_price_cents) for line in order.lines] == \
        [("WOO-SINGLE-1", 2, 300), ("Bar3", 1, 1200)]
    assert (order.ship_address.name, order.ship_address.postal_code) == ("John Doe", "94103")
    # An older version (the documented one, 19:28:08 GMT) no longer changes anything...
    assert woo_post(client, WOO_SAMPLE, topic="order.updated").json["outcome"] == "stale"
    # ...and a newer one with status cancelled cancels the floor order.
    payload.update(status="cancelled", date_modified_gmt="2017-03-22T20:00:00")
    assert woo_post(client, json.dumps(payload).encode(), topic="order.updated").json["outcome"] == "cancelled"
    assert the_order(shop).status == "cancelled"


def test_a_woocommerce_ping_unsigned_as_woocommerce_sends_it_gets_200_and_stores_nothing(app, shop):
    answer = app.test_client().post("/api/v1/webhooks/woocommerce/woo", data=b"webhook_id=3",
                                    headers={"Content-Type": "application/x-www-form-urlencoded",
                                             "User-Agent": "WooCommerce/8.0 Hookshot (WordPress/6.3)"})
    assert answer.status_code == 200 and answer.json["outcome"] == "ping"
    assert count(shop, Delivery) == 0
    # Anything more than the ping's body is a delivery, and an unsigned one is refused.
    for body in (b"webhook_id=3&x=1", b"webhook_id=3\n" + WOO_SAMPLE):
        refused = app.test_client().post("/api/v1/webhooks/woocommerce/woo", data=body)
        assert refused.status_code == 401
    assert count(shop, Delivery) == 0


def test_a_woocommerce_call_signed_with_another_secret_is_refused(app, shop):
    answer = app.test_client().post("/api/v1/webhooks/woocommerce/woo", data=WOO_SAMPLE,
                                    headers={"X-WC-Webhook-Topic": "order.created",
                                             "X-WC-Webhook-Signature": sign("other", WOO_SAMPLE)})
    assert answer.status_code == 401 and count(shop, Delivery) == 0


def test_held_orders_are_replayed_from_their_stored_delivery_once_the_product_exists(app, shop):
    client = app.test_client()
    assert shopify_post(client, shopify_variant()).json["outcome"] == "held"
    assert woo_post(client, WOO_SAMPLE).json["outcome"] == "held"
    add_product(shop, "IPOD2008PINK")
    result = app.test_cli_runner().invoke(args=["replay-held", "--channel", "boutique"])
    assert result.exit_code == 0, result.output
    assert "820982911946154508: created CO-" in result.output and "1 held order(s) tried again" in result.output
    assert the_order(shop).external_id == "820982911946154508"
    again = app.test_cli_runner().invoke(args=["replay-held"])
    assert "727: held line 1 ('Woo Single #1') has no SKU" in again.output  # still no SKU: still held
    assert count(shop, Order) == 1 and count(shop, Delivery) == 2


def test_a_body_over_2_mb_is_refused_and_stores_nothing(app, shop):
    body = b'{"id": 1, "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = shopify_post(app.test_client(), body)
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"
    assert count(shop, Delivery) == 0


def test_a_cancel_once_a_station_picks_is_not_applied_and_says_why(app, shop):
    add_product(shop, "IPOD2008PINK")
    client = app.test_client()
    shopify_post(client, shopify_variant())
    with shop.uow() as uow:
        order = uow.session.get(Order, the_order(shop).id)
        task = uow.session.scalars(select(Task).where(Task.order_id == order.id)).one()  # allocated on arrival
        task.status, order.status = "assigned", "picking"
        uow.commit()
    cancel = shopify_variant(cancelled_at="2022-04-06T09:00:00-04:00", updated_at="2022-04-06T09:00:00-04:00")
    answer = shopify_post(client, cancel, topic="orders/cancelled")
    assert answer.json["outcome"] == "not_applied" and "can no longer be cancelled" in answer.json["detail"]
    assert the_order(shop).status == "picking"
