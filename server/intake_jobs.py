"""Background jobs of order intake (server/queue.py runs them; docs/intake.md says why Huey).

``apply_webhook(delivery_pk)`` applies a webhook delivery stored before its 200;
``route_new_order(order_id)`` routes and allocates an order that just reached the floor;
``route_waiting`` (every minute) routes again the new and backordered orders (a lost enqueue,
stock arrived for a held order). Jobs take ids and find everything else in the database: a
job run twice changes nothing the second time (a delivery applied is no longer queued, an
order routed is no longer new).
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from server.queue import crontab, enqueue_after_commit, job, periodic_job
from server.services.intake import orders as intake_orders
from server.services.intake.webhooks import apply_delivery
from server.services.routing import route_order, route_waiting_orders


def _floor():
    return current_app.extensions["colis"]


@job(retries=5, retry_delay=10)
def apply_webhook(delivery_pk: int) -> str:
    hours = float(current_app.config.get("INTAKE_SHIP_WITHIN_HOURS", 24))
    return apply_delivery(_floor(), delivery_pk, timedelta(hours=hours)).outcome


@job(retries=5, retry_delay=10)
def route_new_order(order_id: int) -> str:
    if not current_app.config.get("ROUTE_ON_ARRIVAL", True):
        return "off"
    with _floor().uow() as uow:
        routed = route_order(uow, order_id, actor="intake")
        uow.commit()
    return routed.outcome


@periodic_job(crontab(minute="*"))
def route_waiting() -> dict:
    if not current_app.config.get("ROUTE_ON_ARRIVAL", True):
        return {}
    with _floor().uow() as uow:
        counts = route_waiting_orders(uow)
        uow.commit()
    return counts


def _route_after_commit(uow, order_id: int) -> None:
    enqueue_after_commit(uow, route_new_order, order_id)


def enqueue_webhook(uow, delivery_pk: int) -> None:
    """Apply the stored delivery once its row is committed (``store_delivery``'s ``then``)."""
    enqueue_after_commit(uow, apply_webhook, delivery_pk)


intake_orders.on_new_order = _route_after_commit
