"""WooCommerce's order payload: the REST API v3 order, which ``order.*`` webhooks send as it is."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from server.domain.intake.model import (ChannelAddress, ChannelCustomer, ChannelLine, ChannelOrder,
                                        PayloadError, money_to_cents, parse_timestamp, text)

TOPICS = ("order.created", "order.updated")
# Statuses that mean "do not ship" (trash: the shop deleted it; failed: payment failed).
NOT_TO_SHIP = ("cancelled", "failed", "trash")


def read_order(payload: dict, topic: str) -> ChannelOrder:
    if not isinstance(payload, dict):
        raise PayloadError("body", "not a JSON object")
    external_id = payload.get("id")
    if isinstance(external_id, bool) or not isinstance(external_id, int) or external_id <= 0:
        raise PayloadError("id", f"{external_id!r} is not an order id")
    # *_gmt fields are GMT without an offset; the plain ones are the shop's local time.
    stamp = payload.get("date_modified_gmt") or payload.get("date_created_gmt")
    updated_at = parse_timestamp(stamp, "date_modified_gmt", naive_is_utc=True)
    billing = payload.get("billing") if isinstance(payload.get("billing"), dict) else {}
    shipping = payload.get("shipping") if isinstance(payload.get("shipping"), dict) else {}
    chosen = shipping if text(shipping.get("address_1")) else billing
    address = _address(chosen) if text(chosen.get("address_1")) else None
    lines = payload.get("line_items")
    if not isinstance(lines, list):
        raise PayloadError("line_items", "not a list")
    name = " ".join(filter(None, [text(billing.get("first_name")), text(billing.get("last_name"))]))
    return ChannelOrder(
        external_id=str(external_id),
        updated_at=updated_at,
        cancelled=text(payload.get("status")) in NOT_TO_SHIP,
        customer=ChannelCustomer(email=text(billing.get("email")), name=name or (address.name if address else ""),
                                 phone=text(billing.get("phone"))[:32]),
        address=address,
        lines=tuple(_line(line, index) for index, line in enumerate(lines)),
        currency=text(payload.get("currency")).upper() or "EUR",
        total_cents=money_to_cents(payload.get("total", "0"), "total"),
        number=text(payload.get("number")),
        # WooCommerce's own order totals, before tax (discount_tax, shipping_tax are apart)
        discount_cents=None if payload.get("discount_total") is None
        else money_to_cents(payload["discount_total"], "discount_total"),
        shipping_cents=None if payload.get("shipping_total") is None
        else money_to_cents(payload["shipping_total"], "shipping_total"),
    )


def _address(raw: dict) -> ChannelAddress:
    name = " ".join(filter(None, [text(raw.get("first_name")), text(raw.get("last_name"))]))
    return ChannelAddress(name=name or text(raw.get("company")), line1=text(raw.get("address_1")),
                          line2=text(raw.get("address_2")), postal_code=text(raw.get("postcode")),
                          city=text(raw.get("city")), country=text(raw.get("country")).upper())


def _line(raw, index: int) -> ChannelLine:
    where = f"line_items[{index}]"
    if not isinstance(raw, dict):
        raise PayloadError(where, "not an object")
    quantity = raw.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise PayloadError(f"{where}.quantity", f"{quantity!r} is not a whole number")
    return ChannelLine(sku=text(raw.get("sku")), title=text(raw.get("name")), quantity=quantity,
                       unit_price_cents=_unit_price(raw, where))


def _unit_price(raw: dict, where: str) -> int:
    # ``price`` is a number that may carry more decimals than the currency (taxes included).
    value = raw.get("price")
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise PayloadError(f"{where}.price", f"{value!r} is not an amount") from None
        return money_to_cents(amount, f"{where}.price")
    raise PayloadError(f"{where}.price", f"{value!r} is not an amount")
