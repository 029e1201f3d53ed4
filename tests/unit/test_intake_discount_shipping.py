"""The order's discount and shipping read apart from each channel (issue 8's refund policy):
the platforms' documented samples, a CSV's order columns, and what is not said stays unknown."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.domain.intake import PayloadError, shopify, woocommerce
from server.domain.intake.csv_orders import read_csv

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"


def sample(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_shopifys_sample_keeps_its_discount_and_its_shipping_line():
    order = shopify.read_order(sample("shopify_order.json"), "orders/create")
    # total_discounts 5.00; one shipping line of 10.00; 398.00 of goods - 5.00 + 10.00 = total_price 403.00
    assert (order.discount_cents, order.shipping_cents, order.total_cents) == (500, 1000, 40300)


def test_a_shipping_lines_discounted_price_is_what_was_charged():
    payload = sample("shopify_order.json")
    payload["shipping_lines"][0]["discounted_price"] = "0.00"  # free shipping given
    payload["shipping_lines"].append({"title": "Express", "price": "4.50"})
    assert shopify.read_order(payload, "orders/create").shipping_cents == 450


def test_shopify_without_the_fields_says_nothing_and_a_bad_amount_is_named():
    payload = sample("shopify_order.json")
    del payload["total_discounts"], payload["shipping_lines"]
    order = shopify.read_order(payload, "orders/create")
    assert (order.discount_cents, order.shipping_cents) == (None, None)
    payload["shipping_lines"] = [{"price": "dix"}]
    with pytest.raises(PayloadError) as caught:
        shopify.read_order(payload, "orders/create")
    assert caught.value.field == "shipping_lines[0].price"


def test_woocommerces_sample_keeps_its_discount_and_shipping_totals():
    order = woocommerce.read_order(sample("woocommerce_order.json"), "order.created")
    assert (order.discount_cents, order.shipping_cents) == (0, 1000)  # discount_total 0.00, shipping_total 10.00
    payload = sample("woocommerce_order.json")
    payload["discount_total"] = "1,5"
    with pytest.raises(PayloadError) as caught:
        woocommerce.read_order(payload, "order.created")
    assert caught.value.field == "discount_total"


HEADER = "order_id,email,name,address1,postal_code,city,country,sku,quantity,unit_price,remise,frais_de_port\n"


def test_a_csv_order_reads_its_discount_and_shipping_from_its_first_row():
    text = (HEADER + "A-1,a@b.fr,Zoë,1 rue,75001,Paris,FR,S1,2,10.00,3.00,4.90\n"
                     "A-1,a@b.fr,Zoë,1 rue,75001,Paris,FR,S2,1,5.00,,\n"
                     "B-2,b@b.fr,Léa,2 rue,75002,Paris,FR,S1,1,10.00,,\n")
    reading = read_csv(text.encode())
    first, second = (csv_order.order for csv_order in reading.orders)
    assert (first.discount_cents, first.shipping_cents) == (300, 490)
    assert (second.discount_cents, second.shipping_cents) == (None, None)


def test_a_csv_row_with_a_bad_discount_is_named_and_its_order_kept_out():
    reading = read_csv((HEADER + "A-1,a@b.fr,Zoë,1 rue,75001,Paris,FR,S1,2,10.00,-3,\n").encode())
    assert reading.orders == [] and "discount '-3'" in reading.errors[0].reason
