"""The ``/api/v1`` schemas: they validate requests and they are the OpenAPI document (flask-smorest)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from server.domain.statuses import OrderStatus
from server.services.order_history import TIMELINE_STATUSES

MAX_TOTAL_CENTS = 2**31 - 1
SERVICE_LEVELS = ("standard", "priority", "express")


def printable(value: str) -> None:
    """No control characters (PostgreSQL refuses NUL; none belongs on a label anyway)."""
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise ma.ValidationError("must not contain control characters")


def text(max_length: int, min_length: int = 1, **kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(min=min_length, max=max_length), printable], **kwargs)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class CustomerIn(Strict):
    email = fields.Email(required=True, validate=[validate.Length(max=254), printable])
    name = text(200, required=True)
    phone = text(32, min_length=0, load_default="")


class AddressIn(Strict):
    name = text(200, required=True)
    line1 = text(200, required=True)
    line2 = text(200, min_length=0, load_default="")
    postal_code = text(16, required=True)
    city = text(100, required=True)
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}\Z"),
                            metadata={"description": "ISO 3166-1 alpha-2", "example": "FR"})


class LineIn(Strict):
    sku = text(64, required=True, metadata={"description": "the product's SKU or barcode (GTIN)"})
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))
    unit_price_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10_000_000))


class OrderIn(Strict):
    external_id = text(64, required=True, metadata={"description": "the client's own order id, unique per integration"})
    customer = fields.Nested(CustomerIn, required=True)
    ship_to = fields.Nested(AddressIn, required=True)
    lines = fields.List(fields.Nested(LineIn), required=True, validate=validate.Length(min=1, max=100))
    service_level = fields.String(load_default="standard", validate=validate.OneOf(SERVICE_LEVELS))
    currency = fields.String(load_default="EUR", validate=validate.Regexp(r"^[A-Z]{3}\Z"))

    @ma.validates_schema
    def _total_fits(self, data, **_kwargs):
        total = sum(line["quantity"] * line["unit_price_cents"] for line in data.get("lines", []))
        if total > MAX_TOTAL_CENTS:
            raise ma.ValidationError(f"the order total must not exceed {MAX_TOTAL_CENTS} cents", "lines")


class OrderListArgs(Strict):
    status = fields.String(validate=validate.OneOf([str(s) for s in OrderStatus]))
    channel = text(32, metadata={"description": "admin tokens only; other tokens see their own channel"})
    external_id = text(64)
    created_after = fields.AwareDateTime(metadata={"description": "ISO 8601 with a zone, inclusive"})
    created_before = fields.AwareDateTime(metadata={"description": "ISO 8601 with a zone, exclusive"})
    cursor = text(200, metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class StockArgs(Strict):
    sku = text(64, metadata={"description": "a SKU or a barcode"})
    cursor = text(200)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CustomerOut(ma.Schema):
    email = fields.String(required=True)
    name = fields.String(required=True)


class AddressOut(ma.Schema):
    name = fields.String(required=True)
    line1 = fields.String(required=True)
    line2 = fields.String(required=True)
    postal_code = fields.String(required=True)
    city = fields.String(required=True)
    country = fields.String(required=True)


class LineOut(ma.Schema):
    sku = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price_cents = fields.Integer(required=True)


class OrderOut(ma.Schema):
    reference = fields.String(required=True, metadata={"example": "CO-0000042"})
    channel = fields.String(required=True)
    external_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([str(s) for s in OrderStatus]))
    service_level = fields.String(required=True)
    promised_ship_by = fields.AwareDateTime(required=True)
    created_at = fields.AwareDateTime(required=True)
    currency = fields.String(required=True)
    total_cents = fields.Integer(required=True)
    customer = fields.Nested(CustomerOut, required=True)
    ship_to = fields.Nested(AddressOut, required=True)
    lines = fields.List(fields.Nested(LineOut), required=True)


class TimelineEntry(ma.Schema):
    status = fields.String(required=True, validate=validate.OneOf(list(TIMELINE_STATUSES)))
    at = fields.AwareDateTime(required=True)


class RoutingEntry(ma.Schema):
    at = fields.String(required=True, metadata={"description": "ISO 8601, UTC"})
    kind = fields.String(required=True, validate=validate.OneOf(["warehouse", "carrier"]))
    outcome = fields.String(required=True, metadata={"example": "whole"})
    warehouse = fields.String(required=True, allow_none=True)
    service = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={"description": "why, as a sentence"})


class OrderDetailOut(OrderOut):
    timeline = fields.List(fields.Nested(TimelineEntry), required=True,
                           metadata={"description": "when the order reached each status, oldest first"})
    warehouse = fields.String(required=True, allow_none=True, metadata={"description": "the warehouse shipping it"})
    carrier_service = fields.String(required=True, allow_none=True, metadata={"example": "DPD_PREDICT"})
    promised_delivery_on = fields.Date(required=True, allow_none=True)
    routing = fields.List(fields.Nested(RoutingEntry), required=True,
                          metadata={"description": "each routing decision and why, oldest first"})


class OrderPage(ma.Schema):
    items = fields.List(fields.Nested(OrderOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class StockOut(ma.Schema):
    sku = fields.String(required=True)
    gtin = fields.String(required=True)
    name = fields.String(required=True)
    on_hand = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    available = fields.Integer(required=True)


class StockPage(ma.Schema):
    items = fields.List(fields.Nested(StockOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class FieldError(ma.Schema):
    field = fields.String(required=True, metadata={"description": "where: external_id, lines[0].sku, cursor..."})
    detail = fields.String(required=True)


class Problem(ma.Schema):
    """RFC 9457 problem details, with ``errors`` naming each field at fault."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldError))
    order = fields.String(allow_none=True, metadata={"description": "the order concerned, when there is one"})


class ShipmentOut(ma.Schema):
    sscc = fields.String(required=True, allow_none=True)
    carrier = fields.String(required=True)
    service = fields.String(required=True)
    tracking_number = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)
    weight_g = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    shipped_at = fields.AwareDateTime(required=True, allow_none=True)
    delivered_at = fields.AwareDateTime(required=True, allow_none=True)


class ShipmentList(ma.Schema):
    order = fields.String(required=True)
    items = fields.List(fields.Nested(ShipmentOut), required=True)


class RowErrorOut(ma.Schema):
    row = fields.Integer(required=True, metadata={"description": "the file's line where the row starts (header: 1)"})
    reason = fields.String(required=True)


class ImportOut(ma.Schema):
    channel = fields.String(required=True)
    encoding = fields.String(required=True)
    delimiter = fields.String(required=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "orders per outcome: created, unchanged, held..."})
    errors = fields.List(fields.Nested(RowErrorOut), required=True)


class ImportArgs(Strict):
    channel = text(32, metadata={"description": "admin tokens only; others import into their own channel"})
