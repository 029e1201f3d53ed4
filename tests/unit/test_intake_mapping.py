"""Pure intake rules: signatures, the platforms' payloads read as ChannelOrders, what holds an order."""
from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from server.domain.intake import (ChannelAddress, PayloadError, money_to_cents, parse_timestamp, sign,
                                  signature_matches, shopify, woocommerce)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"


def test_sign_is_base64_hmac_sha256_on_a_published_vector():
    # RFC 4231-style well-known vector (key "key", the quick brown fox), hex from its publication.
    expected = base64.b64encode(bytes.fromhex(
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")).decode()
    assert sign("key", b"The quick brown fox jumps over the lazy dog") == expected


@pytest.mark.parametrize("secret, header, ok", [
    ("s3cret", None, False), ("s3cret", "", False), (None, "x", False), ("", "x", False),
    ("s3cret", "AAAA", False), ("s3cret", "é", False), ("other", "SIGNED", False), ("s3cret", "SIGNED", True),
    ("s3cret", " SIGNED ", True),
])
def test_signature_matches_only_the_exact_signature_under_a_real_secret(secret, header, ok):
    body = b'{"id": 1}'
    if header and "SIGNED" in header:
        header = header.replace("SIGNED", sign("s3cret", body))
    assert signature_matches(secret, body, header) is ok


def test_shopifys_sample_reads_as_an_order():
    payload = json.loads((FIXTURES / "shopify_order.json").read_text())
    order = shopify.read_order(payload, "orders/create")
    assert order.external_id == "820982911946154508"
    assert order.updated_at == datetime(2022, 4, 6, 12, 9, 3, tzinfo=timezone.utc)
    assert order.cancelled  # the sample carries cancelled_at
    assert (order.customer.email, order.customer.name) == ("jon@doe.ca", "John Smith")
    assert order.address == ChannelAddress("Steve Shipper", "123 Shipping Street", "", "40003", "Shippington", "US")
    assert [(l.sku, l.quantity, l.unit_price_cents) for l in order.lines] == [("IPOD2008PINK", 1, 19900)] * 2
    assert (order.total_cents, order.currency, order.number) == (40300, "USD", "#9999")
    assert order.problems() == []


def test_woocommerces_sample_reads_as_an_order_in_gmt():
    payload = json.loads((FIXTURES / "woocommerce_order.json").read_text())
    order = woocommerce.read_order(payload, "order.created")
    assert (order.external_id, order.cancelled) == ("727", False)
    assert order.updated_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=timezone.utc)
    assert [(l.sku, l.quantity, l.unit_price_cents) for l in order.lines] == [("", 2, 300), ("Bar3", 1, 1200)]
    assert order.problems() == ["line 1 ('Woo Single #1') has no SKU"]
    assert (order.address.name, order.address.country) == ("John Doe", "US")


def test_woocommerce_falls_back_to_billing_when_shipping_is_empty_and_reads_cancelled():
    payload = json.loads((FIXTURES / "woocommerce_order.json").read_text())
    payload["shipping"] = {key: "" for key in payload["shipping"]}
    payload["status"] = "cancelled"
    order = woocommerce.read_order(payload, "order.updated")
    assert order.address.line1 == "969 Market" and order.cancelled


@pytest.mark.parametrize("change, field", [
    ({"id": None}, "id"), ({"id": True}, "id"), ({"updated_at": "2022-04-06 08:09"}, "updated_at"),
    ({"updated_at": "2022-04-06T08:09:03"}, "updated_at"),  # no zone: refused for Shopify
    ({"line_items": "none"}, "line_items"), ({"total_price": "12,50"}, "total_price"),
])
def test_a_shopify_payload_that_is_no_order_names_the_field(change, field):
    payload = json.loads((FIXTURES / "shopify_order.json").read_text())
    payload.update(change)
    with pytest.raises(PayloadError) as caught:
        shopify.read_order(payload, "orders/create")
    assert caught.value.field == field


def test_a_shopify_line_with_a_fractional_quantity_names_its_place():
    payload = json.loads((FIXTURES / "shopify_order.json").read_text())
    payload["line_items"][1]["quantity"] = 1.5
    with pytest.raises(PayloadError) as caught:
        shopify.read_order(payload, "orders/create")
    assert caught.value.field == "line_items[1].quantity"


@pytest.mark.parametrize("value, cents", [("199.00", 19900), (3, 300), ("0.1", 10), ("12", 1200)])
def test_money_to_cents_is_exact(value, cents):
    assert money_to_cents(value, "x") == cents


@pytest.mark.parametrize("value", ["1.005", "abc", None, True, "NaN", "Infinity"])
def test_money_to_cents_refuses_what_is_not_an_amount_in_cents(value):
    with pytest.raises(PayloadError):
        money_to_cents(value, "x")


def test_parse_timestamp_reads_offsets_and_gmt_only_when_told():
    assert parse_timestamp("2022-04-06T08:09:03-04:00", "t") == datetime(2022, 4, 6, 12, 9, 3, tzinfo=timezone.utc)
    assert parse_timestamp("2017-03-22T19:28:08", "t", naive_is_utc=True).tzinfo is not None
    with pytest.raises(PayloadError):
        parse_timestamp("2017-03-22T19:28:08", "t")


def test_problems_name_every_reason_an_order_is_held():
    payload = json.loads((FIXTURES / "shopify_order.json").read_text())
    order = shopify.read_order(payload, "orders/create")
    bad = replace(order, address=replace(order.address, country="USA", city="", postal_code="1" * 17),
                  lines=(replace(order.lines[0], quantity=0), replace(order.lines[1], sku="")))
    problems = bad.problems()
    assert "shipping country 'USA' is not an ISO 3166 two-letter code" in problems
    assert "shipping address has no city" in problems
    assert "shipping address postal_code longer than 16 characters" in problems
    assert "line 1 ('IPod Nano - 8GB') quantity 0 is not between 1 and 10000" in problems
    assert "line 2 ('IPod Nano - 8GB') has no SKU" in problems
    assert replace(order, address=None, lines=()).problems() == ["no shipping address", "no line to ship"]
