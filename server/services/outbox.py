"""The notification outbox: rows written with the change they tell about, sent once by a job.

``write_for_events`` runs inside ``UnitOfWork.commit`` (before the COMMIT), so a message exists
exactly when its cause does: a rolled-back change leaves no message, a committed one always
has its row. Sending (server/services/notify.py) then works row by row:

1. **claim**: ``pending`` (or a ``sending`` claim that expired) → ``sending`` until a deadline
   (the lease), with the time of the try, one conditional UPDATE, committed; a second worker
   on the same row finds it taken;
2. send through the channel with the row's Message-ID (``<colis-notification-N@domain>``),
   the same on every try, so a resend after a crash is recognisable as the same message;
3. **settle**: ``sent`` (and when) as soon as the SMTP server has answered 250 to the message's
   data, before QUIT; or back to ``pending`` with the next try's time (backoff), or ``failed``
   after the last try.

What "exactly once" cannot close (SMTP has no way to ask a server whether it has a message):
a crash between the server's 250 and our commit of ``sent`` (one round trip and one COMMIT),
or a connection lost after the message's final dot and before the 250 (RFC 1047). The row then
stays ``sending`` until its lease ends (``CLAIM_SECONDS``), is taken again (logged as a
possible duplicate) and sent once more with the same Message-ID, which receiving servers and
mail clients use to drop the copy. Nothing else sends a message twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from server.domain.notices import SMS_KINDS, notice_for
from server.models import Customer, Notification, NotificationOptOut, Order
from server.models._types import utcnow

log = logging.getLogger(__name__)
PENDING, SENDING, SENT, FAILED, SUPPRESSED = "pending", "sending", "sent", "failed", "suppressed"
CLAIM_SECONDS = 120  # longer than any SMTP conversation; a crashed sender's claim expires then


def write_for_events(session, events: list[dict]) -> list[int]:
    """Add the outbox rows the events call for (in the caller's transaction); their ids."""
    notices = [notice for notice in map(notice_for, events) if notice is not None]
    if not notices:
        return []
    rows = []
    for notice in notices:
        order_id = Order.id_from_reference(notice.order_reference)
        found = session.execute(select(Customer.email, Customer.phone, Customer.locale, Customer.name)
                                .join(Order, Order.customer_id == Customer.id).where(Order.id == order_id)).first()
        if found is None:
            continue
        email, phone, locale, name = found
        context = {**notice.context, "order": notice.order_reference, "name": name}
        rows.append({"kind": notice.kind, "channel": "email", "order_id": order_id, "recipient": email,
                     "locale": locale or "fr", "context": context, "dedupe_key": notice.dedupe + ":email"})
        if notice.kind in SMS_KINDS and phone:
            rows.append({"kind": notice.kind, "channel": "sms", "order_id": order_id, "recipient": phone,
                         "locale": locale or "fr", "context": context, "dedupe_key": notice.dedupe + ":sms"})
    return _insert_new(session, rows)


def _insert_new(session, rows: list[dict]) -> list[int]:
    """Insert the rows whose dedupe key is new (one SELECT, then one INSERT each)."""
    keys = [row["dedupe_key"] for row in rows]
    known = set(session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys))))
    ids = []
    now = utcnow()
    for row in rows:
        if row["dedupe_key"] in known:
            continue
        known.add(row["dedupe_key"])
        try:
            with session.begin_nested():  # a concurrent writer of the same cause: theirs stands
                ids.append(session.execute(insert(Notification).values(
                    **row, status=PENDING, attempts=0, last_error="", created_at=now, next_attempt_at=now)
                    .returning(Notification.id)).scalar_one())
        except IntegrityError:
            continue
    return ids


def claim(session, notification_id: int, now: datetime) -> Notification | None:
    """Take the row for sending (commit after); None if it is sent, failed or being sent."""
    before = session.execute(select(Notification.status, Notification.claimed_at)
                             .where(Notification.id == notification_id)).first()
    taken = session.execute(update(Notification).where(
        Notification.id == notification_id,
        or_(Notification.status == PENDING,
            and_(Notification.status == SENDING, Notification.next_attempt_at <= now)))
        .values(status=SENDING, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS), claimed_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return None
    if before is not None and before[0] == SENDING:
        # The try that claimed it stopped without settling: it may have handed the message over.
        log.warning("notification %s: the try of %s never settled; sending again with the same Message-ID "
                    "(a possible duplicate, recognisable by it)", notification_id, before[1])
    return session.get(Notification, notification_id, populate_existing=True)


def settle_sent(session, notification_id: int, message_id: str, now: datetime) -> None:
    session.execute(update(Notification).where(Notification.id == notification_id).values(
        status=SENT, sent_at=now, message_id=message_id, attempts=Notification.attempts + 1, last_error="")
        .execution_options(synchronize_session=False))


def settle_failed(session, notification_id: int, error: str, retry_at: datetime | None) -> None:
    """A try failed: again at ``retry_at``, or given up (None)."""
    session.execute(update(Notification).where(Notification.id == notification_id).values(
        status=PENDING if retry_at else FAILED, next_attempt_at=retry_at, last_error=error[:300],
        attempts=Notification.attempts + 1).execution_options(synchronize_session=False))


def suppress(session, notification_id: int) -> None:
    session.execute(update(Notification).where(Notification.id == notification_id).values(status=SUPPRESSED)
                    .execution_options(synchronize_session=False))


def due(session, now: datetime, channels: list[str], limit: int = 500) -> list[int]:
    """Rows of these channels whose next try is due (a lost enqueue, a retry, an expired claim):
    the sweeper's list. A channel with no transport is not swept: its rows just wait."""
    return list(session.scalars(select(Notification.id).where(
        Notification.status.in_((PENDING, SENDING)), Notification.next_attempt_at <= now,
        Notification.channel.in_(channels)).order_by(Notification.next_attempt_at).limit(limit)))


def opted_out(session, address: str) -> bool:
    return session.get(NotificationOptOut, address.strip().lower()) is not None


def opt_out(session, address: str) -> bool:
    """Record the unsubscription; False if it was there already."""
    key = address.strip().lower()
    if session.get(NotificationOptOut, key) is not None:
        return False
    session.add(NotificationOptOut(address=key))
    return True
