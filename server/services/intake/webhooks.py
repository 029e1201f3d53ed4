"""Webhook deliveries from Shopify and WooCommerce: checked, stored once, answered, applied.

The HTTP adapter (server/api/intake_webhooks.py) checks the signature before anything is
stored. ``store_delivery`` then inserts the raw delivery under its delivery id (a second
arrival of the same id fails the unique key and is answered ``duplicate``, storing nothing)
and commits: that is what the 200 promises. ``apply_delivery`` reads and applies it to its
channel order, in a background job (server/intake_jobs.py) enqueued once the delivery is
committed: the platform's time limit never waits on routing. A job run twice (a retry after a
crash) finds the delivery no longer ``queued`` and changes nothing.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.domain.intake import PayloadError, shopify, woocommerce
from server.models import Delivery, Integration, Order
from server.services.intake.orders import SHIP_WITHIN, apply_channel_order

PLATFORMS = {"shopify": shopify, "woocommerce": woocommerce}
SIGNATURE_HEADER = {"shopify": "X-Shopify-Hmac-Sha256", "woocommerce": "X-WC-Webhook-Signature"}
TOPIC_HEADER = {"shopify": "X-Shopify-Topic", "woocommerce": "X-WC-Webhook-Topic"}
# WooCommerce's own deliveries send X-WC-Webhook-Delivery-ID; its docs name X-WC-Delivery-ID.
DELIVERY_HEADERS = {"shopify": ("X-Shopify-Webhook-Id", "X-Shopify-Event-Id"),
                    "woocommerce": ("X-WC-Webhook-Delivery-ID", "X-WC-Delivery-ID")}
KEPT_HEADER_PREFIXES = ("x-shopify-", "x-wc-", "content-type", "user-agent")
ATTEMPTS = 3


@dataclass(frozen=True)
class Receipt:
    outcome: str           # duplicate, created, updated, held, cancelled, stale, unchanged, not_applied,
    detail: str            # unreadable, ignored
    delivery_id: str
    order: str | None = None  # the floor order's reference, once there is one


def find_integration(session, platform: str, name: str) -> Integration | None:
    integration = session.scalars(select(Integration).where(Integration.name == name)).first()
    if integration is None or integration.platform != platform or not integration.active:
        return None
    return integration


def delivery_id_of(platform: str, headers, body: bytes) -> str:
    """The platform's delivery id; without one, the body's hash (the same bytes are the same delivery)."""
    for name in DELIVERY_HEADERS[platform]:
        value = (headers.get(name) or "").strip()
        if value:
            return value[:100]
    return "sha256:" + hashlib.sha256(body).hexdigest()


def receive_delivery(floor, platform: str, integration_id: int, headers, body: bytes,
                     ship_within: timedelta = SHIP_WITHIN) -> Receipt:
    """Store and apply one signed delivery in this thread (replays, tests, tools)."""
    stored = store_delivery(floor, platform, integration_id, headers, body)
    if stored.outcome == "duplicate":
        return stored
    return apply_delivery(floor, stored.pk, ship_within)


@dataclass(frozen=True)
class Stored:
    outcome: str          # queued, duplicate
    detail: str
    delivery_id: str
    pk: int | None = None


def store_delivery(floor, platform: str, integration_id: int, headers, body: bytes, *, then=None) -> Stored:
    """Keep the raw delivery once (committed); ``then(uow, pk)`` runs in the same unit of work
    (to enqueue its processing after the commit)."""
    delivery_id = delivery_id_of(platform, headers, body)
    topic = (headers.get(TOPIC_HEADER[platform]) or "").strip()[:64]
    with floor.uow() as uow:
        delivery = Delivery(integration_id=integration_id, delivery_id=delivery_id, topic=topic,
                            headers=_kept_headers(headers), body=body, outcome=QUEUED, detail="")
        uow.session.add(delivery)
        try:
            uow.session.flush()
        except IntegrityError:
            return Stored("duplicate", "this delivery was already received", delivery_id)
        if then is not None:
            then(uow, delivery.id)
        uow.commit()
        return Stored(QUEUED, "stored; it is applied in the background", delivery_id, delivery.id)


def apply_delivery(floor, delivery_pk: int, ship_within: timedelta = SHIP_WITHIN) -> Receipt:
    """Read and apply one stored delivery, once; a lost race on a new channel order is retried whole."""
    for attempt in range(ATTEMPTS):
        with floor.uow() as uow:
            try:
                receipt = _apply(uow, delivery_pk, ship_within)
            except IntegrityError:
                # Another delivery of the same channel order created its row first: go again.
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            uow.commit()
            return receipt
    raise AssertionError("unreachable")


def receipt_of(session, delivery_pk: int) -> Receipt:
    """What became of a stored delivery so far (``queued`` while its job has not run)."""
    delivery = session.get(Delivery, delivery_pk)
    order = None
    if delivery.channel_order_id is not None:
        from server.models import ChannelOrder

        order_id = session.scalar(select(ChannelOrder.order_id).where(ChannelOrder.id == delivery.channel_order_id))
        order = Order.reference_of(order_id) if order_id else None
    return Receipt(delivery.outcome, delivery.detail, delivery.delivery_id, order)


QUEUED = "queued"


def _apply(uow, delivery_pk: int, ship_within) -> Receipt:
    session = uow.session
    query = select(Delivery).where(Delivery.id == delivery_pk)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # two runs of one job: the second waits, then sees it done
    delivery = session.scalars(query).first()
    if delivery is None:
        raise LookupError(f"no delivery {delivery_pk}")
    if delivery.outcome != QUEUED:
        return receipt_of(session, delivery_pk)
    integration = session.get(Integration, delivery.integration_id)
    reader = PLATFORMS[integration.platform]
    topic = delivery.topic
    if topic not in reader.TOPICS:
        return _close(delivery, "ignored", f"topic {topic or '(none)'} is not an order topic Colis takes")
    try:
        payload = json.loads(delivery.body.decode("utf-8"))
        incoming = reader.read_order(payload, topic)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _close(delivery, "unreadable", f"body is not UTF-8 JSON: {exc}")
    except PayloadError as exc:
        return _close(delivery, "unreadable", str(exc))
    applied = apply_channel_order(uow, integration.name, incoming, ship_within)
    delivery.channel_order_id = applied.row.id
    order = None
    if applied.row.order_id is not None:
        order = Order.reference_of(applied.row.order_id)
    receipt = _close(delivery, applied.outcome, applied.detail)
    uow.emit("delivery_received", actor=f"integration:{integration.name}", channel=integration.name,
             external_id=incoming.external_id, topic=topic, outcome=applied.outcome, order=order)
    return Receipt(receipt.outcome, receipt.detail, delivery.delivery_id, order)


def _close(delivery: Delivery, outcome: str, detail: str) -> Receipt:
    delivery.outcome, delivery.detail = outcome, detail
    return Receipt(outcome, detail, delivery.delivery_id)


def _kept_headers(headers) -> dict:
    return {name: value for name, value in headers.items() if name.lower().startswith(KEPT_HEADER_PREFIXES)}


def replay_delivery(floor, delivery_pk: int, ship_within: timedelta = SHIP_WITHIN) -> Receipt:
    """Apply a stored delivery again (after a missing product was added): same rules, newest wins.
    A delivery whose job never ran (still ``queued``) is applied as its job would."""
    with floor.session_factory() as session:
        outcome = session.scalar(select(Delivery.outcome).where(Delivery.id == delivery_pk))
    if outcome == QUEUED:
        return apply_delivery(floor, delivery_pk, ship_within)
    with floor.uow() as uow:
        delivery = uow.session.get(Delivery, delivery_pk)
        if delivery is None:
            raise LookupError(f"no delivery {delivery_pk}")
        integration = uow.session.get(Integration, delivery.integration_id)
        reader = PLATFORMS[integration.platform]
        incoming = reader.read_order(json.loads(delivery.body.decode("utf-8")), delivery.topic)
        applied = apply_channel_order(uow, integration.name, incoming, ship_within)
        uow.emit("delivery_replayed", actor="system", channel=integration.name,
                 external_id=incoming.external_id, outcome=applied.outcome)
        uow.commit()
        return Receipt(applied.outcome, applied.detail, delivery.delivery_id)


def replay_held(floor, channel: str | None = None) -> list[tuple[str, Receipt]]:
    """Each held channel order's newest delivery, applied again: ``[(external id, receipt)]``."""
    from server.models import ChannelOrder

    with floor.session_factory() as session:
        query = select(ChannelOrder.external_id, func.max(Delivery.id)).join(
            Delivery, Delivery.channel_order_id == ChannelOrder.id).where(ChannelOrder.state == "held")
        if channel is not None:
            query = query.where(ChannelOrder.channel == channel)
        held = session.execute(query.group_by(ChannelOrder.id, ChannelOrder.external_id)
                               .order_by(ChannelOrder.id)).all()
    return [(external_id, replay_delivery(floor, delivery_pk)) for external_id, delivery_pk in held]
