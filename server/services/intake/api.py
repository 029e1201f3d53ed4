"""What ``/api/v1`` does with orders and stock, free of HTTP: the adapter is server/api/v1/."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.domain.intake import ChannelOrder
from server.models import ChannelOrder as ChannelOrderRow
from server.models import IdempotencyRecord, Order, Package, Product, Stock
from server.services.intake.orders import SHIP_WITHIN, apply_channel_order, cancel_order, resolve

MAX_ID = 2**31 - 1


class ApiProblem(Exception):
    """An RFC 9457 problem: status, title, detail, and the fields at fault (``errors``)."""

    def __init__(self, status: int, title: str, detail: str, errors: list[dict] | None = None, **extra):
        self.status, self.title, self.detail, self.errors, self.extra = status, title, detail, errors or [], extra
        super().__init__(detail)


def create_order(uow, channel: str, incoming: ChannelOrder, ship_within: timedelta = SHIP_WITHIN) -> Order:
    """A new order from an API client: refused (422) with the line at fault rather than held."""
    session = uow.session
    existing = session.scalars(select(ChannelOrderRow).where(ChannelOrderRow.channel == channel,
                                                             ChannelOrderRow.external_id == incoming.external_id)).first()
    if existing is not None:
        reference = Order.reference_of(existing.order_id) if existing.order_id else None
        raise ApiProblem(409, "Conflict", f"order {incoming.external_id!r} already exists on channel {channel!r}",
                         [{"field": "external_id", "detail": "already used"}], order=reference)
    found, _problems = resolve(session, incoming)
    errors = [{"field": f"lines[{index}].sku", "detail": f"no product has the SKU or barcode {line.sku!r}"}
              for index, line in enumerate(incoming.lines) if line.sku not in found]
    if errors:
        raise ApiProblem(422, "Unprocessable Content", "unknown products", errors)
    applied = apply_channel_order(uow, channel, incoming, ship_within)
    if applied.row.order_id is None:  # held for a reason the schema did not catch
        raise ApiProblem(422, "Unprocessable Content", applied.detail, [{"field": "", "detail": applied.detail}])
    return session.get(Order, applied.row.order_id)


def order_by_reference(session, reference: str, channel: str | None) -> Order | None:
    order_id = Order.id_from_reference(reference)
    if order_id is None or not 0 < order_id <= MAX_ID:
        return None
    order = session.get(Order, order_id)
    if order is None or (channel is not None and order.channel != channel):
        return None
    return order


def packages_of(session, order: Order) -> list[Package]:
    return list(session.scalars(select(Package).where(Package.order_id == order.id).order_by(Package.id)))


def list_orders(session, channel: str | None, status: str | None, external_id: str | None,
                created_after: datetime | None, created_before: datetime | None,
                after_id: int, limit: int) -> tuple[list[Order], int | None]:
    query = select(Order).where(Order.id > after_id)
    if channel is not None:
        query = query.where(Order.channel == channel)
    if status is not None:
        query = query.where(Order.status == status)
    if external_id is not None:
        query = query.where(Order.external_id == external_id)
    if created_after is not None:
        query = query.where(Order.created_at >= created_after)
    if created_before is not None:
        query = query.where(Order.created_at < created_before)
    orders = list(session.scalars(query.order_by(Order.id).limit(limit + 1)))
    more = len(orders) > limit
    orders = orders[:limit]
    return orders, (orders[-1].id if more else None)


def list_stock(session, sku: str | None, after_id: int, limit: int) -> tuple[list[dict], int | None]:
    query = (select(Product.id, Product.sku, Product.gtin, Product.name,
                    func.coalesce(func.sum(Stock.on_hand), 0), func.coalesce(func.sum(Stock.reserved), 0))
             .outerjoin(Stock, Stock.product_id == Product.id).where(Product.id > after_id)
             .group_by(Product.id, Product.sku, Product.gtin, Product.name).order_by(Product.id))
    if sku is not None:
        query = query.where((Product.sku == sku) | (Product.gtin == sku))
    rows = session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [{"sku": sku_, "gtin": gtin, "name": name, "on_hand": int(on_hand), "reserved": int(reserved),
              "available": int(on_hand) - int(reserved)} for _id, sku_, gtin, name, on_hand, reserved in rows]
    return items, (rows[-1][0] if more else None)


def cancel(uow, order: Order, channel: str) -> Order:
    refused = cancel_order(uow, order, actor=f"integration:{channel}", reason="cancelled through the API")
    if refused:
        raise ApiProblem(409, "Conflict", refused, order=order.reference)
    row = uow.session.scalars(select(ChannelOrderRow).where(ChannelOrderRow.order_id == order.id)).first()
    if row is not None:
        row.state, row.cancelled = "cancelled", True
    return order


# --- cursors ---------------------------------------------------------------------------

def encode_cursor(last_id: int | None) -> str | None:
    if last_id is None:
        return None
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """An opaque cursor → the id to continue after; ApiProblem 422 naming ``cursor`` when it is not one of ours."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw.decode())["after"]
        if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_ID:
            raise ValueError
        return after
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise ApiProblem(422, "Unprocessable Content", "not a cursor this API gave",
                         [{"field": "cursor", "detail": "not a cursor this API gave"}]) from None


# --- idempotency -----------------------------------------------------------------------

def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def claim_key(uow, integration_id: int, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Take ``key`` for this request, or return the record of the request that took it first.

    The insert is the lock: on PostgreSQL a second request with the same key waits on the
    unique index until the first commits, then finds its record. A record for another
    request (other path or body) is refused: 422 naming the header.
    """
    session = uow.session
    record = IdempotencyRecord(integration_id=integration_id, key=key, request_hash=fingerprint,
                               status_code=0, response={})
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        first = session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.integration_id == integration_id,
                                                                IdempotencyRecord.key == key)).one()
        if first.request_hash != fingerprint:
            raise ApiProblem(422, "Unprocessable Content", "this Idempotency-Key was used for another request",
                             [{"field": "Idempotency-Key", "detail": "used for another request"}]) from None
        return first
    uow.session.info["idempotency_record"] = record
    return None


def remember_answer(uow, status_code: int, body: dict) -> None:
    record = uow.session.info.pop("idempotency_record", None)
    if record is not None:
        record.status_code, record.response = status_code, body


def now() -> datetime:
    return datetime.now(timezone.utc)


# --- life cycle --------------------------------------------------------------------------

def timeline(session, order: Order) -> list[dict]:
    """When the order reached each status (server/services/order_history.py)."""
    from server.services.order_history import timeline as order_timeline

    return order_timeline(session, order)
