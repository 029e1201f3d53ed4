"""One outbox row, many senders at once (a retry, the sweeper, two workers): it goes out once."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select

from server.models import AuditEvent, Notification
from server.models._types import utcnow
from server.services import notify
from tests.customer_kit import shipped_order


class SlowChannel:
    def __init__(self):
        self.lock, self.sent = threading.Lock(), []

    def send(self, row, message_id):
        time.sleep(0.2)  # long enough for every other sender to try meanwhile
        with self.lock:
            self.sent.append(message_id)


def test_eight_senders_at_once_send_the_row_once(floor):
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow)
        uow.emit("order_shipped", order=order.reference, tracking=package.tracking_number, carrier="DEMO")
        uow.commit()  # no SMTP configured: the row waits in the outbox
    with floor.uow() as uow:
        row_id = uow.session.scalar(select(Notification.id).where(Notification.channel == "email"))
    channel, start = SlowChannel(), threading.Barrier(8)
    results = []

    def sender():
        start.wait()
        results.append(notify.deliver(floor.uow, row_id, {"email": channel}, domain="colis.test", now=utcnow(),
                                      retry=notify.RetryPolicy()))

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert channel.sent == [f"<colis-notification-{row_id}@colis.test>"]
    with floor.uow() as uow:
        row = uow.session.get(Notification, row_id)
        assert (row.status, row.attempts, row.message_id) == ("sent", 1, channel.sent[0])
    # Once sent, a late retry sends nothing.
    assert notify.deliver(floor.uow, row_id, {"email": channel}, domain="colis.test", now=utcnow(),
                          retry=notify.RetryPolicy()) is None
    assert len(channel.sent) == 1


def test_a_permanent_refusal_fails_at_once_and_tells_the_dashboard(floor):
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow)
        uow.emit("order_shipped", order=order.reference, tracking=package.tracking_number, carrier="DEMO")
        uow.commit()
    with floor.uow() as uow:
        row_id = uow.session.scalar(select(Notification.id).where(Notification.channel == "email"))

    class NoSuchMailbox:
        def send(self, row, message_id):
            raise notify.ChannelError("550 no such mailbox", permanent=True)

    assert notify.deliver(floor.uow, row_id, {"email": NoSuchMailbox()}, domain="colis.test", now=utcnow(),
                          retry=notify.RetryPolicy()) is None
    with floor.uow() as uow:
        row = uow.session.get(Notification, row_id)
        assert (row.status, row.attempts) == ("failed", 1) and "550" in row.last_error
        assert uow.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "notification_failed"))
