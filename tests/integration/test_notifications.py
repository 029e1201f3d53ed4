"""Customer messages end to end: written to the outbox with their cause, sent by the queue's
jobs to a real SMTP server (aiosmtpd), one message per event in the customer's language,
also when the SMTP server is down for a while and comes back (real asynchronous retries)."""
from __future__ import annotations

import email
import socket
import threading
import uuid
from datetime import datetime, timedelta, timezone
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from server import create_app, queue
from server.domain import carrier_tracking as rules
from server.messaging import RecordingSms
from server.models import Notification
from server.services import returns, tracking
from server.services.status_links import order_from_token
from tests.customer_kit import laposte_answer, shipped_order
from tests.processes import REDIS_URL, require_redis, wait_for

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


class Inbox:
    """What a real SMTP server received, parsed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler name
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def all(self):
        with self.lock:
            return list(self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="smtp.test")
    yield inbox, port, controller
    try:
        controller.stop()
    except AssertionError:
        pass  # never started (the test keeps it down)


@pytest.fixture
def mail_app(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COLIS_INSTANCE_PATH", str(tmp_path / "instance"))
    built = []

    def build(port: int, **config):
        made = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret-" + "k" * 40,
                           "WTF_CSRF_ENABLED": False, "TESTING": True, "MAIL_SMTP_HOST": "127.0.0.1",
                           "MAIL_SMTP_PORT": port, "MAIL_SMTP_TIMEOUT": 5, "SMS_ADAPTER": "record",
                           "PUBLIC_URL": "http://shop.test", **config})
        built.append(made)
        return made

    yield build
    for made in built:
        made.extensions["colis"].close()
    queue.huey.immediate = True


def every_kind_for(floor, station_id=None) -> dict[str, str]:
    """Drive one French and one English order through every kind of message; their references."""
    references = {}
    for locale in ("fr", "en"):
        with floor.uow() as uow:
            order, (package,) = shipped_order(uow, locale=locale, email=f"{locale}-{uuid.uuid4().hex[:6]}@exemple.fr")
            reference, number, order_id = order.reference, package.tracking_number, order.id
            line_id = order.lines[0].id
            # What intake and the printing service emit when an order arrives and its label prints.
            uow.emit("order_received", order=reference, channel="web")
            uow.emit("order_shipped", order=reference, tracking=number, carrier="DEMO")
            uow.commit()
        journey = [("MD2", T0), ("DI1", T0 + timedelta(hours=3))]
        for step in (journey[:1], journey):  # out for delivery, then delivered (the poll repeats MD2)
            with floor.uow() as uow:
                tracking.apply_events(uow, "laposte", rules.parse_laposte(laposte_answer(number, step)), "poll")
                uow.commit()
        with floor.uow() as uow:
            case = returns.authorize_return(uow, order_id, [(line_id, 1)], "changed_mind", actor="customer")
            rma = case.rma
            uow.emit("return_received", rma=rma, order=reference, reason="changed_mind", station="RET-01")
            uow.emit("refund_paid", rma=rma, order=reference, amount_cents=1791, currency="EUR")
            uow.emit("promise_date_changed", order=reference, expected_on="2026-11-27")
            uow.commit()
        references[locale] = reference
    return references


SUBJECTS = {
    "fr": ["Commande {o} reçue", "Commande {o} expédiée", "Commande {o} en cours de livraison", "Commande {o} livrée",
           "Retour {r} accepté", "Retour {r} reçu", "Remboursement de 17,91 €", "Commande {o} : nouvelle date de livraison"],
    "en": ["Order {o} received", "Order {o} shipped", "Order {o} out for delivery", "Order {o} delivered",
           "Return {r} accepted", "Return {r} received", "Refund of €17.91", "Order {o}: a new delivery date"],
}


def _expected_subjects(floor, references):
    with floor.uow() as uow:
        rows = uow.session.scalars(select(Notification).where(Notification.channel == "email")).all()
        rma = {row.context["order"]: row.context["rma"] for row in rows if row.context.get("rma")}
    return sorted(subject.format(o=references[locale], r=rma[references[locale]])
                  for locale in ("fr", "en") for subject in SUBJECTS[locale])


def test_each_event_sends_one_message_in_the_customers_language(mail_app, smtp):
    inbox, port, controller = smtp
    controller.start()
    app = mail_app(port)
    floor = app.extensions["colis"]
    references = every_kind_for(floor)
    received = inbox.all()
    assert sorted(message["Subject"] for message in received) == _expected_subjects(floor, references)
    assert len({message["Message-ID"] for message in received}) == len(received) == 16
    delivered = next(m for m in received if m["Subject"] == f"Order {references['en']} delivered")
    text = delivered.get_body(("plain",)).get_content()
    html = delivered.get_body(("html",)).get_content()
    assert "Hello Élodie Dupré," in text and "Track my order" in html
    assert delivered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # not essential
    shipped = next(m for m in received if m["Subject"] == f"Commande {references['fr']} expédiée")
    assert shipped["List-Unsubscribe"] is None and "Suivre ma commande" in shipped.get_body(("plain",)).get_content()
    link = next(line for line in shipped.get_body(("plain",)).get_content().splitlines() if "/track/" in line)
    token, _, query = link.rsplit("/track/", 1)[1].strip().partition("?")
    assert query == "lang=fr"  # the page opens in the customer's language
    assert order_from_token(app.config["SECRET_KEY"], token, 3600) is not None
    sms: RecordingSms = app.extensions["colis_sms"]
    assert len(sms.sent) == 2 and "est livrée aujourd'hui" in sms.sent[0][1] + sms.sent[1][1]
    # The same causes again (a replayed event, a carrier's repeat): nothing more is sent.
    with floor.uow() as uow:
        context = uow.session.scalar(select(Notification.context).where(
            Notification.kind == "shipped", Notification.recipient.like("fr-%")))
        uow.emit("order_shipped", order=references["fr"], tracking=context["tracking"], carrier="DEMO")
        uow.commit()
    assert len(inbox.all()) == 16


def test_an_unsubscribed_customer_still_gets_the_essential_messages_only(mail_app, smtp):
    inbox, port, controller = smtp
    controller.start()
    app = mail_app(port)
    floor = app.extensions["colis"]
    from server.services import outbox
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow, locale="en", email="Quiet@Exemple.fr")
        reference, number = order.reference, package.tracking_number
        outbox.opt_out(uow.session, "quiet@exemple.fr")
        uow.commit()
    with floor.uow() as uow:
        uow.emit("order_shipped", order=reference, tracking=number, carrier="DEMO")
        tracking.apply_events(uow, "laposte", rules.parse_laposte(laposte_answer(number, [("DI1", T0)])), "poll")
        uow.commit()
    assert [m["Subject"] for m in inbox.all()] == [f"Order {reference} shipped"]
    with floor.uow() as uow:
        statuses = dict(uow.session.execute(select(Notification.kind, Notification.status)
                                            .where(Notification.channel == "email")).all())
    assert statuses == {"shipped": "sent", "delivered": "suppressed"}


@pytest.mark.parametrize("store", ["threads", "redis"])
def test_while_the_smtp_server_is_down_messages_wait_and_go_out_once_when_it_is_back(mail_app, smtp, store):
    """Consumer threads on the embedded queue file, or on Redis (where `colis-server worker`
    processes take the jobs): the same jobs, retried by their own schedule."""
    inbox, port, controller = smtp
    redis = {}
    if store == "redis":
        require_redis()
        redis = {"QUEUE_URL": REDIS_URL}  # not REDIS_URL: see test_queue.background_app
    app = mail_app(port, TESTING=False, QUEUE=store, QUEUE_NAME=f"notify-{uuid.uuid4().hex[:8]}",
                   NOTIFY_RETRY_BASE_SECONDS=0.2, NOTIFY_RETRY_MAX_SECONDS=1.0, NOTIFY_ATTEMPTS=100, **redis)
    floor = app.extensions["colis"]
    workers = queue.start_in_process(app, workers=2)
    try:
        references = every_kind_for(floor)

        def tried_and_waiting():
            with floor.uow() as uow:
                rows = uow.session.scalars(select(Notification).where(Notification.channel == "email")).all()
                return len(rows) == 16 and all(row.status == "pending" and row.attempts >= 2 for row in rows)

        assert wait_for(tried_and_waiting, timeout=30), "every message tried at least twice while SMTP is down"
        assert inbox.all() == []
        controller.start()  # the SMTP server is back

        def all_sent():
            with floor.uow() as uow:
                return set(uow.session.scalars(select(Notification.status).where(
                    Notification.channel == "email"))) == {"sent"}

        assert wait_for(all_sent, timeout=30)
        assert wait_for(lambda: len(inbox.all()) >= 16, timeout=10)
        threading.Event().wait(2.5)  # a late duplicate would have arrived by now
        received = inbox.all()
        assert sorted(m["Subject"] for m in received) == _expected_subjects(floor, references)
        assert len({m["Message-ID"] for m in received}) == 16
    finally:
        workers.stop()
        if store == "redis":
            queue.huey.storage.flush_all()


def test_the_return_label_link_in_the_message_opens_the_pdf_and_only_when_signed(mail_app, smtp):
    import re

    inbox, port, controller = smtp
    controller.start()
    app = mail_app(port)
    floor = app.extensions["colis"]
    with floor.uow() as uow:
        order, _ = shipped_order(uow, locale="en")
        order_id, line_id = order.id, order.lines[0].id
        uow.commit()
    with floor.uow() as uow:
        rma = returns.authorize_return(uow, order_id, [(line_id, 1)], "changed_mind", actor="customer").rma
        uow.commit()
    (message,) = [m for m in inbox.all() if m["Subject"] == f"Return {rma} accepted"]
    link = re.search(r"http://shop\.test(/track/label/\S+\.pdf)", message.get_body(("plain",)).get_content()).group(1)
    web = app.test_client()
    pdf = web.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert web.get(link.replace(".pdf", "x.pdf")).status_code == 404


def test_a_failed_delivery_tells_the_customer_the_carrier_could_not_deliver(mail_app, smtp):
    inbox, port, controller = smtp
    controller.start()
    app = mail_app(port)
    floor = app.extensions["colis"]
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow, locale="fr")
        reference, number = order.reference, package.tracking_number
        uow.commit()
    for _ in range(2):  # the carrier's repeat tells nothing more
        with floor.uow() as uow:
            tracking.apply_events(uow, "laposte", rules.parse_laposte(laposte_answer(number, [("ND1", T0)])), "poll")
            uow.commit()
    (message,) = inbox.all()
    assert message["Subject"] == f"Commande {reference} : nouvelle date de livraison"
    assert "Le transporteur n'a pas pu livrer votre commande" in message.get_body(("plain",)).get_content()
