"""Send one outbox row through its channel, once (server/services/outbox.py says how).

The channel is an adapter: e-mail through SMTP (server/messaging.py ``SmtpMailer``), text
messages through any ``SmsSender`` (``RecordingSms`` keeps them, for tests and the demo).
A failed try is written down and the row waits for the next one (backoff: base, 2 base, 4
base... up to a ceiling), until the last try marks it failed and tells the dashboard. A
permanent refusal (an SMTP 5xx: no such mailbox) fails at once: trying again changes nothing.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Protocol

from sqlalchemy import select

from server.domain.notices import is_essential, retry_delay
from server.models import Notification, Order
from server.services import outbox

log = logging.getLogger(__name__)


class Channel(Protocol):
    def send(self, row: Notification, message_id: str) -> None:
        """Hand the message over; raise OSError/smtplib.SMTPException (or ChannelError) when it was not.

        A channel that knows the moment the other side took the message (SMTP: the 250 after
        the data) sets ``tells_acceptance = True`` and takes ``accepted``, a function it calls
        then, before anything else that could fail (QUIT, closing)."""


class ChannelError(RuntimeError):
    """A channel refused or could not take a message (permanent when ``permanent``)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 30.0
    ceiling_seconds: float = 3600.0
    attempts: int = 8


def message_id(notification_id: int, domain: str) -> str:
    """The same on every try of the row: a resend after a crash is the same message."""
    return f"<colis-notification-{notification_id}@{domain}>"


def deliver(uow_factory: Callable, notification_id: int, channels: dict[str, Channel], *, domain: str,
            now: datetime, retry: RetryPolicy) -> float | None:
    """Try to send the row once. Returns the seconds before the next try, or None (sent, given
    up, not ours to send now)."""
    with uow_factory() as uow:
        session = uow.session
        channel_name = session.scalar(select(Notification.channel).where(Notification.id == notification_id))
        if channel_name not in channels:
            return None  # no transport configured for it: it waits in the outbox
        row = outbox.claim(session, notification_id, now)
        if row is None:
            return None
        if row.channel == "email" and not is_essential(row.kind) and outbox.opted_out(session, row.recipient):
            outbox.suppress(session, row.id)
            uow.commit()
            return None
        uow.commit()
    mid = message_id(row.id, domain)
    settled: list[bool] = []

    def accepted() -> None:
        # Written down the moment the server has it: what follows (QUIT, a slow close) can fail
        # without making the message look unsent (and so sent again).
        if not settled:
            with uow_factory() as uow:
                outbox.settle_sent(uow.session, row.id, mid, now)
                uow.commit()
            settled.append(True)

    channel = channels[row.channel]
    try:
        if getattr(channel, "tells_acceptance", False):
            channel.send(row, mid, accepted=accepted)
        else:
            channel.send(row, mid)
    except (OSError, smtplib.SMTPException, ChannelError) as exc:
        if settled:
            log.warning("notification %s: sent, then the channel failed: %s", row.id, exc)
            return None
        return _failed(uow_factory, row, exc, now, retry)
    accepted()
    return None


def _failed(uow_factory: Callable, row: Notification, exc: Exception, now: datetime, retry: RetryPolicy) -> float | None:
    attempts = row.attempts + 1
    permanent = getattr(exc, "permanent", False) or isinstance(exc, smtplib.SMTPRecipientsRefused) or (
        isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500)
    delay = None if permanent or attempts >= retry.attempts else retry_delay(
        attempts, retry.base_seconds, retry.ceiling_seconds)
    error = f"{exc.__class__.__name__}: {exc}"
    with uow_factory() as uow:
        outbox.settle_failed(uow.session, row.id, error, now + timedelta(seconds=delay) if delay else None)
        if delay is None:
            order = uow.session.get(Order, row.order_id) if row.order_id else None
            uow.emit("notification_failed", order=order.reference if order else None, kind=row.kind,
                     channel=row.channel, notification=row.id, error=error[:200])
        uow.commit()
    return delay
