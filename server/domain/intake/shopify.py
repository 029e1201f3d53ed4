"""Shopify's order payload (REST Admin ``Order`` resource, as sent by ``orders/*`` webhooks)."""
from __future__ import annotations

from server.domain.intake.model import (ChannelAddress, ChannelCustomer, ChannelLine, ChannelOrder,
                                        PayloadError, money_to_cents, parse_timestamp, text)

TOPICS = ("orders/create", "orders/updated", "orders/cancelled")


def read_order(payload: dict, topic: str) -> ChannelOrder:
    """A Shopify order webhook body → ChannelOrder, or PayloadError naming the field."""
    if not isinstance(payload, dict):
        raise PayloadError("body", "not a JSON object")
    external_id = payload.get("id")
    if isinstance(external_id, bool) or not isinstance(external_id, (int, str)) or not str(external_id).strip():
        raise PayloadError("id", f"{external_id!r} is not an order id")
    updated_at = parse_timestamp(payload.get("updated_at") or payload.get("created_at"), "updated_at")
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    email = text(payload.get("email") or payload.get("contact_email") or customer.get("email"))
    shipping = payload.get("shipping_address")
    address = _address(shipping) if isinstance(shipping, dict) else None
    name = " ".join(filter(None, [text(customer.get("first_name")), text(customer.get("last_name"))]))
    lines = payload.get("line_items")
    if not isinstance(lines, list):
        raise PayloadError("line_items", "not a list")
    return ChannelOrder(
        external_id=str(external_id).strip(),
        updated_at=updated_at,
        cancelled=topic == "orders/cancelled" or payload.get("cancelled_at") is not None,
        customer=ChannelCustomer(email=email, name=name or (address.name if address else email),
                                 phone=text(payload.get("phone") or customer.get("phone"))[:32]),
        address=address,
        lines=tuple(_line(line, index) for index, line in enumerate(lines)),
        currency=text(payload.get("currency")).upper() or "EUR",
        total_cents=money_to_cents(payload.get("total_price", "0"), "total_price"),
        number=text(payload.get("name")),
        discount_cents=_optional_cents(payload, "total_discounts"),
        shipping_cents=_shipping(payload.get("shipping_lines")),
    )


def _optional_cents(payload: dict, name: str) -> int | None:
    return None if payload.get(name) is None else money_to_cents(payload[name], name)


def _shipping(lines) -> int | None:
    """What was charged for delivery: each shipping line's discounted price (else its price)."""
    if not isinstance(lines, list):
        return None
    total = 0
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            raise PayloadError(f"shipping_lines[{index}]", "not an object")
        field_name = "discounted_price" if line.get("discounted_price") is not None else "price"
        total += money_to_cents(line.get(field_name, "0"), f"shipping_lines[{index}].{field_name}")
    return total


def _address(raw: dict) -> ChannelAddress:
    name = text(raw.get("name")) or " ".join(filter(None, [text(raw.get("first_name")), text(raw.get("last_name"))]))
    return ChannelAddress(name=name, line1=text(raw.get("address1")), line2=text(raw.get("address2")),
                          postal_code=text(raw.get("zip")), city=text(raw.get("city")),
                          country=text(raw.get("country_code")).upper())


def _line(raw, index: int) -> ChannelLine:
    where = f"line_items[{index}]"
    if not isinstance(raw, dict):
        raise PayloadError(where, "not an object")
    quantity = raw.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise PayloadError(f"{where}.quantity", f"{quantity!r} is not a whole number")
    return ChannelLine(sku=text(raw.get("sku")), title=text(raw.get("title") or raw.get("name")),
                       quantity=quantity, unit_price_cents=money_to_cents(raw.get("price"), f"{where}.price"))
