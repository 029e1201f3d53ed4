"""Background jobs that keep customers informed (server/queue.py runs them).

``send_notification(id)`` sends one outbox row (once: server/services/outbox.py) and, when the
try failed, schedules itself again after the row's backoff. ``send_due_notifications`` (every
minute) picks up whatever is due and was not enqueued (a lost enqueue, a process restart, an
expired claim): the outbox, not the queue, is the truth. ``poll_tracking`` asks polled
carriers about parcels on their way (every 15 minutes); ``keep_promises`` runs the promise
watcher (every 5 minutes, server/services/promises.py).
"""
from __future__ import annotations

from flask import current_app

from server import messaging
from server.models._types import utcnow
from server.queue import crontab, huey, job, periodic_job
from server.services import notify, outbox
from server.tracking_poll import LaPosteSuivi, poll_parcels


def retry_policy(config) -> notify.RetryPolicy:
    return notify.RetryPolicy(float(config.get("NOTIFY_RETRY_BASE_SECONDS", 30)),
                              float(config.get("NOTIFY_RETRY_MAX_SECONDS", 3600)),
                              int(config.get("NOTIFY_ATTEMPTS", 8)))


@job(retries=0)  # retries are the outbox's (backoff per row), not the queue's
def send_notification(notification_id: int) -> None:
    app = current_app._get_current_object()
    domain = str(app.config.get("MAIL_MESSAGE_ID_DOMAIN") or "colis.example")
    delay = notify.deliver(app.extensions["colis"].uow, notification_id, messaging.channels(app), domain=domain,
                           now=utcnow(), retry=retry_policy(app.config))
    if delay is not None and not huey.immediate:
        send_notification.schedule((notification_id,), delay=delay)


def enqueue_notifications(ids: list[int]) -> None:
    for notification_id in ids:
        send_notification(notification_id)


@periodic_job(crontab(minute="*"))
def send_due_notifications() -> int:
    app = current_app._get_current_object()
    channels = list(messaging.channels(app))
    if not channels:
        return 0
    with app.extensions["colis"].uow() as uow:
        ids = outbox.due(uow.session, utcnow(), channels)
    enqueue_notifications(ids)
    return len(ids)


def laposte_client(config) -> LaPosteSuivi:
    return LaPosteSuivi(str(config.get("TRACKING_LAPOSTE_URL") or "https://api.laposte.fr/suivi/v2"),
                        str(config.get("TRACKING_LAPOSTE_KEY") or ""))


@periodic_job(crontab(minute="*/15"))
def poll_tracking() -> None:
    app = current_app._get_current_object()
    if not app.config.get("TRACKING_LAPOSTE_KEY"):
        return  # no account with the carrier: nothing to ask
    poll_parcels(app.extensions["colis"], laposte_client(app.config),
                 list(app.config.get("TRACKING_POLLED_CARRIERS") or []))


@periodic_job(crontab(minute="*/5"))
def keep_promises() -> None:
    """The promise watcher's pass (``colis-server keep-promises`` runs the same from a timer)."""
    from server.services import promises

    app = current_app._get_current_object()
    if not app.config.get("PROMISE_WATCH", True):
        return
    with app.extensions["colis"].uow() as uow:
        promises.watch(uow, promises.pace_from_config(app.config, utcnow()))
        uow.commit()
