"""The window "exactly once" cannot close, narrowed and tested with a real SMTP server (aiosmtpd).

The row is settled as sent on the server's 250 to the message's data, before QUIT: a QUIT the
server refuses (a 421 while it shuts down) no longer makes a delivered message look unsent. What remains is a crash between the
250 and that commit: the row stays ``sending`` until its lease ends, is then sent once more with
the same Message-ID (for the receiving side to drop), and never again after that."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from server.messaging import SmtpMailer
from server.models import Notification
from server.models._types import utcnow
from server.services import notify, outbox
from tests.customer_kit import shipped_order
from tests.integration.test_notifications import Inbox, free_port

RETRY = notify.RetryPolicy(base_seconds=30, ceiling_seconds=60, attempts=8)


class ShutsDownAfterTheData(Inbox):
    """Takes the message (250), then answers QUIT with a 421: the server is going down."""

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        return "421 4.3.0 smtp.test shutting down"


class Crash(BaseException):
    """The process dying: nothing after it runs (not an error any code path handles)."""


@pytest.fixture
def server():
    started = []

    def start(inbox):
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="smtp.test")
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def _row(floor) -> int:
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow)
        uow.emit("order_shipped", order=order.reference, tracking=package.tracking_number, carrier="DEMO")
        uow.commit()  # no SMTP configured on this app: the row waits for the test's sender
    with floor.uow() as uow:
        return uow.session.scalar(select(Notification.id).where(Notification.channel == "email")
                                  .order_by(Notification.id.desc()))


def _deliver(floor, row_id, mailer, now):
    return notify.deliver(floor.uow, row_id, {"email": mailer}, domain="colis.test", now=now, retry=RETRY)


def test_a_quit_refused_after_the_server_took_the_message_does_not_send_it_again(app, floor, server):
    inbox = ShutsDownAfterTheData()
    mailer = SmtpMailer("127.0.0.1", server(inbox), timeout=0.5)
    row_id, now = _row(floor), utcnow()
    with app.app_context():
        assert _deliver(floor, row_id, mailer, now) is None
        # Every later sender (a retry, the sweeper) finds it sent.
        assert _deliver(floor, row_id, mailer, now + timedelta(hours=1)) is None
    with floor.uow() as uow:
        row = uow.session.get(Notification, row_id)
        assert (row.status, row.message_id) == ("sent", f"<colis-notification-{row_id}@colis.test>")
    assert len(inbox.all()) == 1


def test_a_crash_after_the_server_took_the_message_resends_it_once_after_the_lease_with_the_same_id(
        app, floor, server, monkeypatch, caplog):
    inbox = Inbox()
    mailer = SmtpMailer("127.0.0.1", server(inbox), timeout=5)
    row_id, now = _row(floor), utcnow()
    real_settle = outbox.settle_sent
    crashes = iter([True])

    def settle_or_crash(*args, **kwargs):
        if next(crashes, False):
            raise Crash()  # the 250 came back; the process dies before writing it down
        return real_settle(*args, **kwargs)

    monkeypatch.setattr(outbox, "settle_sent", settle_or_crash)
    with app.app_context():
        with pytest.raises(Crash):
            _deliver(floor, row_id, mailer, now)
        assert len(inbox.all()) == 1
        with floor.uow() as uow:
            row = uow.session.get(Notification, row_id)
            assert (row.status, row.claimed_at) == ("sending", now)
            lease_end = row.next_attempt_at
            assert lease_end == now + timedelta(seconds=outbox.CLAIM_SECONDS)
            # Inside the lease: not due, and a sender that tries anyway finds it taken.
            assert row_id not in outbox.due(uow.session, lease_end - timedelta(seconds=1), ["email"])
            assert row_id in outbox.due(uow.session, lease_end, ["email"])
        assert _deliver(floor, row_id, mailer, lease_end - timedelta(seconds=1)) is None
        assert len(inbox.all()) == 1
        # After the lease: sent once more, logged as a possible duplicate, then never again.
        with caplog.at_level(logging.WARNING, logger="server.services.outbox"):
            assert _deliver(floor, row_id, mailer, lease_end) is None
        assert "possible duplicate" in caplog.text
        for later in (lease_end + timedelta(seconds=1), lease_end + timedelta(days=1)):
            assert _deliver(floor, row_id, mailer, later) is None
    first, second = inbox.all()
    assert first["Message-ID"] == second["Message-ID"] == f"<colis-notification-{row_id}@colis.test>"
    with floor.uow() as uow:
        assert uow.session.get(Notification, row_id).status == "sent"
